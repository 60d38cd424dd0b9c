"""Domain exceptions. The core raises them; the CLI prints ``Error: <message>`` once.

Every message says what went wrong and how to fix it, in one line.
"""


class CurationError(Exception):
    """Base of every error the CLI reports as a one-line ``Error: ...``."""


class CorpusError(CurationError):
    """A corpus file or folder cannot be read as articles."""


class SchemaError(CurationError):
    """The schema file is inconsistent, or a project's label config drifted from it."""


class ServerError(CurationError):
    """The local Label Studio server cannot be started, stopped or reached."""


class LabelStudioError(CurationError):
    """A Label Studio request failed (bad token, missing project, server down...)."""


class PushError(CurationError):
    """A push would duplicate or silently replace data."""


class SnapshotError(CurationError):
    """A pulled snapshot is missing, corrupt or not a Label Studio export."""


class ValidationFailed(CurationError):
    """Validation found errors (the report itself is printed separately)."""


class ReleaseError(CurationError):
    """A release was refused (existing version, bad bump, validation errors...)."""


class PredictionsError(CurationError):
    """A predictions file is malformed; the message names the line."""
