"""``--push-to-hub``: publish a release folder on the Hugging Face Hub, tagged with its version.

The token comes from the ``HF_TOKEN`` environment variable only: never from the command line,
never from a cached login, and it is never printed. ``HF_ENDPOINT`` (when set) names the Hub
to talk to, e.g. a private Hub or a test server. The client's telemetry is switched off.

One push is one commit whose tree is exactly the release folder (files of an earlier version
that this one no longer has are deleted in the same commit), followed by the tag
``v<version>`` on that commit. The commit sha is what a paper cites.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from curation.core.errors import ReleaseError


@dataclass(frozen=True)
class HubPush:
    """Where a release went: repository, commit sha and URL, tag."""

    repo_id: str
    commit: str
    commit_url: str
    tag: str


def push_to_hub(folder: Path, repo_id: str, *, private: bool = False) -> HubPush:
    """Upload ``folder`` (a release) to dataset repo ``repo_id`` and tag it ``v<version>``."""
    from huggingface_hub import HfApi, constants
    from huggingface_hub.errors import HfHubHTTPError

    # No telemetry: the client would otherwise describe this machine in its user agent and
    # fetch a registry from huggingface.co even when HF_ENDPOINT names another Hub.
    constants.HF_HUB_DISABLE_TELEMETRY = True

    token = os.environ.get("HF_TOKEN", "").strip()
    if not token:
        raise ReleaseError(
            "HF_TOKEN is not set. Export a Hugging Face write token as HF_TOKEN (it is never read from the "
            "command line) and push again."
        )
    try:
        version = json.loads((folder / "release.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError) as exc:
        raise ReleaseError(f"{folder} has no readable release.json, so it is not a release to push ({exc}).") from exc
    tag = f"v{version}"
    api = HfApi(endpoint=os.environ.get("HF_ENDPOINT") or None, token=token)
    step = "create the repository"
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        step = "list the repository's tags"
        if any(ref.name == tag for ref in api.list_repo_refs(repo_id, repo_type="dataset").tags):
            raise ReleaseError(
                f"{repo_id} already has tag {tag}: a released version is never pushed twice. "
                "Push a new release instead."
            )
        step = "upload the release"
        commit = api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=str(folder),
            commit_message=f"Release {version}",
            commit_description=f"`curation release` {version}; verify with `curation release --check`.",
            delete_patterns="*",
        )
        step = f"create tag {tag}"
        api.create_tag(repo_id, repo_type="dataset", tag=tag, revision=commit.oid, tag_message=f"Release {version}")
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        hint = {
            401: "the token in HF_TOKEN was refused; create a write token and export it again",
            403: f"the token in HF_TOKEN may not write to {repo_id}; use a token with write access to it",
            409: f"{tag} already exists in {repo_id}: a released version is never pushed twice",
        }.get(status, "check the repository id and your connection, then push again")
        raise ReleaseError(f"Could not {step} on the Hub for {repo_id} (HTTP {status}): {hint}.") from None
    except _transport_errors() as exc:
        raise ReleaseError(
            f"Could not reach the Hub at {api.endpoint} to {step} ({exc}). Check HF_ENDPOINT and the network, "
            "then push again."
        ) from None
    return HubPush(repo_id=repo_id, commit=commit.oid, commit_url=commit.commit_url, tag=tag)


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Connection-level errors of the HTTP client huggingface_hub uses (httpx2, httpx or requests)."""
    found: list[type[BaseException]] = [OSError]
    for name, attr in (("httpx2", "TransportError"), ("httpx", "TransportError"), ("requests", "ConnectionError")):
        module = sys.modules.get(name)
        error = getattr(module, attr, None) if module else None
        if isinstance(error, type) and issubclass(error, BaseException):
            found.append(error)
    return tuple(found)
