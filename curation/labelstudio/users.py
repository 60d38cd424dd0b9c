"""Users of the local Label Studio: one per annotator, each with its own API token.

``add_user(NAME)`` signs a user ``NAME@curation.localhost`` up through Label Studio's own
sign-up form (``/user/signup/``, open on the embedded server: ``start_server`` sets
``LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=false``). Label Studio puts a signed-up user into
its one organization, the admin's, so the user sees and annotates every project. Logged in by
the sign-up, the session reads the user's API token (``/api/current-user/token``), which is
checked (``/api/current-user/whoami``) and kept with the random password under ``users`` in
``<data dir>/credentials.json`` (mode 0600). Nothing secret is printed, logged, or put on a
command line or in a URL (the invite link's token would land in the server's access log).

Label Studio 1.23's user API (``POST /api/users/``) cannot be used instead: it creates a user
without a password, whose token the admin cannot read.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from curation.core.errors import LabelStudioError, ServerError
from curation.labelstudio.client import (
    TRANSIENT_STATUS,
    LabelStudioServerError,
    Retry,
    read,
    retrying,
    session_request,
)
from curation.labelstudio.server import (
    DEFAULT_DATA_DIR,
    Connection,
    credentials_path,
    read_credentials_file,
    server_status,
    stored_users,
    write_credentials_file,
)

if TYPE_CHECKING:
    import requests

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
EMAIL_DOMAIN = "curation.localhost"


@dataclass(frozen=True)
class AddedUser:
    """What ``add_user`` did: the user's name and e-mail, and whether it was created now."""

    name: str
    email: str
    created: bool
    url: str
    credentials: Path


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise ServerError(
            f"{name!r} is not a user name. Use 1-32 lowercase letters, digits, '-' or '_', starting with a letter "
            "or digit (for example alice)."
        )
    return name


def add_user(name: str, *, data_dir: Path | str = DEFAULT_DATA_DIR) -> AddedUser:
    """Add user ``name`` to the local Label Studio of ``data_dir`` and keep its token there.

    Adding a name already stored changes nothing (``created`` is False). Raises
    :class:`ServerError` for a bad name or a local server that is not running, and
    :class:`LabelStudioError` when Label Studio refuses the sign-up.
    """
    check_name(name)
    data_dir = Path(data_dir)
    stored = read_credentials_file(data_dir)
    where = "" if data_dir == DEFAULT_DATA_DIR else f" --data-dir {data_dir}"
    if stored is None:
        raise ServerError(f"No local Label Studio in {data_dir}. Start it with `curation server start{where}` first.")
    path, known = credentials_path(data_dir), stored_users(data_dir).get(name)
    if known is not None:
        return AddedUser(name, known.email, False, stored["url"], path)
    if server_status(data_dir).state != "running":
        raise ServerError(f"Label Studio is not running from {data_dir}. Start it with `curation server start{where}`, "
                          "then add the user.")  # fmt: skip
    admin = Connection(stored["url"], stored["token"])
    # The password is kept before the sign-up, so an add-user stopped halfway is finished by the next one.
    pending = (stored.get("users") or {}).get(name)
    entry = dict(pending or {"email": f"{name}@{EMAIL_DOMAIN}", "password": secrets.token_urlsafe(24)})
    _store(data_dir, name, entry)
    import requests  # only here: importing it costs about 0.1 s

    session = requests.Session()
    try:
        # a sign-up cut short is safe to repeat: it logs in when the first one created the user
        retrying(admin, f"sign {entry['email']} up", Retry(),
                 lambda: _sign_up(session, admin, entry["email"], entry["password"], path))  # fmt: skip
        answer = read_in(session, admin, "/api/current-user/token", what=f"read the API token of {entry['email']}")
    except LabelStudioError:
        if pending is None:
            _store(data_dir, name, None)  # refused: nothing was created
        raise
    finally:
        session.close()
    if answer.status_code != 200 or not answer.json().get("token"):
        raise LabelStudioError(f"Label Studio at {admin.url} gave no API token to {entry['email']} "
                               f"(HTTP {answer.status_code}). See {data_dir}/server.log.")  # fmt: skip
    token = answer.json()["token"]
    me = read(Connection(admin.url, token), "/api/current-user/whoami", what="check the new user's token")
    if me.json().get("email") != entry["email"]:
        raise LabelStudioError(f"Label Studio at {admin.url} gave a token of another user than {entry['email']}.")
    _store(data_dir, name, {**entry, "token": token})
    return AddedUser(name, entry["email"], True, admin.url, path)


def _store(data_dir: Path, name: str, entry: dict | None) -> None:
    """Write (or, given None, remove) one user's entry in the credentials file, keeping the rest."""
    data = read_credentials_file(data_dir) or {}
    users = {k: v for k, v in data.pop("users", {}).items() if k != name}
    if entry is not None:
        users[name] = entry
    write_credentials_file(data_dir, {**data, "users": users} if users else data)


def _form_errors(page: str) -> str:
    items = re.findall(r'class="field_errors">(.*?)</ul>', page, flags=re.S)
    found = [
        html.unescape(" ".join(li.split())) for block in items for li in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]
    return "; ".join(found) or "no reason given"


def read_in(session: requests.Session, conn: Connection, path: str, *, what: str) -> requests.Response:
    """``GET path`` in the browser-like session, retried after transient failures."""
    return retrying(conn, what, Retry(), lambda: session_request(conn, session, "GET", path, what=what))


def _post_form(session: requests.Session, conn: Connection, path: str, fields: dict[str, str]) -> requests.Response:
    """Submit a Django form the way a browser does: its CSRF cookie, token and Referer (sent
    once: :func:`_sign_up`, which looks before it acts, is what gets repeated)."""
    read_in(session, conn, path, what=f"open {path}")
    data = {**fields, "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}
    return session_request(conn, session, "POST", path, what=f"submit {path}", data=data,
                           headers={"Referer": f"{conn.url}{path}"}, allow_redirects=False)  # fmt: skip


def _sign_up(session: requests.Session, admin: Connection, email: str, password: str, path: Path) -> None:
    """Sign ``email`` up into the admin's organization; log in instead if an earlier try created it."""
    signed = _post_form(session, admin, "/user/signup/", {"email": email, "password": password})
    if signed.status_code in TRANSIENT_STATUS:
        raise LabelStudioServerError(f"Label Studio failed to sign {email} up (HTTP {signed.status_code}).")
    if signed.status_code == 302:
        return
    if signed.status_code == 403:
        raise LabelStudioError(
            f"Label Studio at {admin.url} refused the sign-up of {email} (HTTP 403: sign-up without an invite link "
            "is off). Restart it with `curation server stop` and `curation server start`, which allow it."
        )
    reason = _form_errors(signed.text)
    if "already exists" in reason:
        logged = _post_form(session, admin, "/user/login/", {"email": email, "password": password})
        if logged.status_code == 302:
            return
        if logged.status_code in TRANSIENT_STATUS:
            raise LabelStudioServerError(f"Label Studio failed to log {email} in (HTTP {logged.status_code}).")
        raise LabelStudioError(
            f"Label Studio at {admin.url} already has a user {email}, whose password is not in {path}. "
            "Choose another NAME."
        )
    raise LabelStudioError(f"Label Studio at {admin.url} refused to sign {email} up (HTTP {signed.status_code}): "
                           f"{reason}.")  # fmt: skip
