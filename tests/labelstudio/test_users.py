"""`curation server add-user` and `--as NAME` against the session's real Label Studio: each annotation
pass is its own Label Studio user, and its token stays in the data dir's credentials.json."""

from __future__ import annotations

import json
import stat
import uuid
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from curation import labelstudio as ls
from curation.cli import cli
from curation.core.normalize import load_snapshot
from curation.labelstudio.server import Connection, read_credentials_file, stored_users, write_credentials_file
from tests.conftest import ROOT

SEED = ROOT / "corpus" / "seed_annotations.jsonl"
FIRST, SECOND = "seed-first-pass", "seed-second-pass"


def curation(*args: object, env: dict | None = None):
    return CliRunner(env=env).invoke(cli, [str(a) for a in args])


def fresh_name(prefix: str) -> str:
    """A user name no other test (or earlier run against a reused server) has taken."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def whoami(url: str, token: str) -> dict:
    answer = requests.get(f"{url}/api/current-user/whoami", headers={"Authorization": f"Token {token}"}, timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()


def test_add_user_keeps_a_working_token_private_and_is_idempotent(server):
    conn, data_dir = server
    name, creds = fresh_name("ann"), data_dir / "credentials.json"
    added = curation("server", "add-user", name, "--data-dir", data_dir)
    assert (added.exit_code, added.stdout) == (0, "")
    assert added.stderr == (
        f"Added user {name} ({name}@curation.localhost) to the Label Studio at {conn.url}; its token is in {creds}.\n"
    )
    user = stored_users(data_dir)[name]
    assert user.email == f"{name}@curation.localhost"
    assert whoami(conn.url, user.token)["email"] == user.email
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    stored = json.loads(creds.read_text())
    assert stored["users"][name] == {"email": user.email, "password": user.password, "token": user.token}
    assert stored["token"] == conn.token  # the admin's entry is untouched
    # The user is in the admin's organization: it sees the admin's projects.
    assert whoami(conn.url, user.token)["active_organization"] == whoami(conn.url, conn.token)["active_organization"]

    before = creds.read_bytes()
    again = curation("server", "add-user", name, "--data-dir", data_dir, "--json")
    assert (again.exit_code, again.stderr) == (0, f"User {name} already exists.\n")
    assert json.loads(again.stdout) == {"name": name, "email": user.email, "created": False}
    assert creds.read_bytes() == before

    listed = curation("server", "users", "--data-dir", data_dir, "--json")
    assert {"name": name, "email": user.email} in json.loads(listed.stdout)
    assert f"{name}\t{user.email}\n" in curation("server", "users", "--data-dir", data_dir).stdout
    for result in (added, again, listed):
        assert user.token not in result.output and user.password not in result.output


def sign_up(url: str, email: str, password: str) -> None:
    """Sign a user up through Label Studio's form, as a person in a browser would."""
    session = requests.Session()
    session.get(f"{url}/user/signup/", timeout=30)
    form = {"email": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    answer = session.post(f"{url}/user/signup/", data=form, headers={"Referer": f"{url}/user/signup/"},
                          allow_redirects=False, timeout=30)  # fmt: skip
    assert answer.status_code == 302, answer.text[:300]


def test_an_add_user_stopped_after_the_sign_up_is_finished_by_the_next(server):
    """The password is kept before the sign-up: a user signed up whose token was never stored is
    logged in and finished, not refused."""
    conn, data_dir = server
    name = fresh_name("halfway")
    email, password = f"{name}@curation.localhost", f"pw-{uuid.uuid4().hex}"
    data = read_credentials_file(data_dir)
    write_credentials_file(
        data_dir, {**data, "users": {**data.get("users", {}), name: {"email": email, "password": password}}}
    )
    assert name not in stored_users(data_dir)
    sign_up(conn.url, email, password)
    result = curation("server", "add-user", name, "--data-dir", data_dir)
    assert result.stderr.startswith(f"Added user {name} ({email}) to the Label Studio at {conn.url}")
    assert whoami(conn.url, stored_users(data_dir)[name].token)["email"] == email


def test_a_label_studio_user_with_an_unknown_password_is_refused(server):
    conn, data_dir = server
    name = fresh_name("taken")
    sign_up(conn.url, f"{name}@curation.localhost", f"pw-{uuid.uuid4().hex}")
    before = (data_dir / "credentials.json").read_bytes()
    result = curation("server", "add-user", name, "--data-dir", data_dir)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: Label Studio at {conn.url} already has a user {name}@curation.localhost, whose password is not in "
        f"{data_dir}/credentials.json. Choose another NAME.\n",
    )  # fmt: skip
    assert (data_dir / "credentials.json").read_bytes() == before


@pytest.mark.parametrize("name", ["Alice", "_alice", "al ice", "alice@example.com", "a" * 33, ""])
def test_a_bad_name_is_refused_with_the_rule(server, name):
    _, data_dir = server
    before = (data_dir / "credentials.json").read_bytes()
    result = curation("server", "add-user", name, "--data-dir", data_dir)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {name!r} is not a user name. Use 1-32 lowercase letters, digits, '-' or '_', starting with a "
        "letter or digit (for example alice).\n"
    )
    assert (data_dir / "credentials.json").read_bytes() == before


def test_add_user_needs_the_local_server(tmp_path):
    result = curation("server", "add-user", "alice", "--data-dir", tmp_path)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: No local Label Studio in {tmp_path}. Start it with `curation server start --data-dir {tmp_path}` "
        "first.\n",
    )  # fmt: skip


@pytest.mark.parametrize(
    "command",
    [["accept-predictions", "--model-version", FIRST], ["push", "--corpus", ROOT / "corpus"],
     ["adjudicate", ROOT / "missing.json", "--push"]],
    ids=["accept-predictions", "push", "adjudicate"],
)  # fmt: skip
def test_an_unknown_user_is_refused_with_the_fix(server, unique_title, command):
    _, data_dir = server
    name = fresh_name("nobody")
    result = curation(*command, "--project", unique_title, "--data-dir", data_dir, "--as", name)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: No user {name} in {data_dir}/credentials.json. "
        f"Run `curation server add-user {name} --data-dir {data_dir}` first.\n"
    )


def test_as_is_refused_against_an_external_server(server, unique_title):
    conn, data_dir = server
    env = {"LABEL_STUDIO_URL": conn.url, "LABEL_STUDIO_API_KEY": conn.token}
    result = curation("accept-predictions", "--model-version", FIRST, "--project", unique_title,
                      "--data-dir", data_dir, "--as", "alice", env=env)  # fmt: skip
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: --as alice acts as a user added to the local Label Studio, but LABEL_STUDIO_URL and "
        "LABEL_STUDIO_API_KEY point at another server. Against an external Label Studio each person runs the "
        "command with their own token in LABEL_STUDIO_API_KEY (Account & Settings in Label Studio): drop --as, or "
        "unset both variables to use the local server.\n"
    )


def test_adjudicate_takes_as_only_with_push(tmp_path):
    result = curation("adjudicate", tmp_path / "snapshot.json", "--as", "alice")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --as NAME acts as a user for --push; add --push, or drop --as.\n")


def two_passes(path: Path) -> Path:
    """The seed pre-annotations as two model versions; the second misses each document's first mention."""
    lines = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        lines.append(json.dumps({**record, "model_version": FIRST}))
        dropped = record["mentions"][0]["id"]
        lines.append(json.dumps({
            **record, "model_version": SECOND, "mentions": record["mentions"][1:],
            "relations": [r for r in record["relations"] if dropped not in (r["head"], r["tail"])],
        }))  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_users_make_two_annotation_passes_with_distinct_pseudonyms(server, unique_title, tmp_path):
    conn, data_dir = server
    alice, bob = fresh_name("alice"), fresh_name("bob")
    for name in (alice, bob):
        assert curation("server", "add-user", name, "--data-dir", data_dir).exit_code == 0
    users = stored_users(data_dir)
    ids = {name: whoami(conn.url, users[name].token)["id"] for name in (alice, bob)}
    admin_id = whoami(conn.url, conn.token)["id"]
    assert len({*ids.values(), admin_id}) == 3

    predictions = two_passes(tmp_path / "two.jsonl")
    pushed = curation("push", "--corpus", ROOT / "corpus", "--project", unique_title, "--overlap", 2,
                      "--predictions", predictions, "--data-dir", data_dir, "--as", alice)  # fmt: skip
    assert pushed.exit_code == 0, pushed.output
    outputs = [pushed]
    for name, version in ((alice, FIRST), (bob, SECOND)):
        accepted = curation("accept-predictions", "--model-version", version, "--project", unique_title,
                            "--data-dir", data_dir, "--as", name)  # fmt: skip
        assert accepted.exit_code == 0, accepted.output
        assert accepted.stdout.startswith(f"Accepted 5 predictions of model version '{version}' as annotations")
        outputs.append(accepted)

    project = ls.get_project(Connection(conn.url, users[alice].token), unique_title)  # alice sees it
    tasks = list(ls.iter_predicted_tasks(conn, project.id))
    assert len(tasks) == 5
    for task in tasks:
        by_version = {p["id"]: p["model_version"] for p in task["predictions"]}
        made = {by_version[a["parent_prediction"]]: a["completed_by"] for a in task["annotations"]}
        assert made == {FIRST: ids[alice], SECOND: ids[bob]}

    snapshot_path = tmp_path / "snapshot.json"
    pulled = curation("pull", "--out", snapshot_path, "--project", unique_title, "--data-dir", data_dir)
    assert pulled.exit_code == 0, pulled.output
    snapshot = load_snapshot(snapshot_path)
    pseudonyms = {f"annotator-{ids[alice]}", f"annotator-{ids[bob]}"}
    assert {a.annotator for a in snapshot.annotations} == pseudonyms
    for doc_id in {a.doc_id for a in snapshot.annotations}:
        assert {a.annotator for a in snapshot.annotations if a.doc_id == doc_id} == pseudonyms

    # The two passes disagree on every document; the reviewer's drafts go in as alice.
    judged = curation("adjudicate", snapshot_path, "--push", "--project", unique_title, "--data-dir", data_dir,
                      "--as", alice)  # fmt: skip
    assert judged.exit_code == 0, judged.output
    assert "Pushed 5 review drafts (model version adjudication-" in judged.stderr
    outputs += [pulled, judged]
    secrets = [conn.token, *(u.token for u in users.values()), *(u.password for u in users.values())]
    assert [s for s in secrets for result in outputs if s in result.output] == []
