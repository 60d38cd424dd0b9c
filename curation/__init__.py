"""curation: turn news articles into a versioned gold benchmark for information extraction."""

__version__ = "0.1.0"
