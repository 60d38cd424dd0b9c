"""The Label Studio adapter: the one package that talks to a Label Studio server.

Every function takes a :class:`~curation.labelstudio.server.Connection` and returns plain data; failures
become one-line :class:`~curation.core.errors.LabelStudioError` messages that say the fix.
Only :mod:`curation.labelstudio.sdk` imports ``label_studio_sdk`` (tests/test_layout.py).

- :mod:`~curation.labelstudio.client`       authorization and the one retry policy (read, update, write)
- :mod:`~curation.labelstudio.transport`    one HTTP exchange and its typed errors
- :mod:`~curation.labelstudio.projects`     find, create and configure projects   (push)
- :mod:`~curation.labelstudio.tasks`        list, fingerprint and import tasks     (push)
- :mod:`~curation.labelstudio.predictions`  list and import predictions            (push, review)
- :mod:`~curation.labelstudio.export`       export snapshots                       (pull)
- :mod:`~curation.labelstudio.views`        views of an id range, for shards       (pull --jobs)
- :mod:`~curation.labelstudio.jobs`         how many requests at once by default   (push, pull)
- :mod:`~curation.labelstudio.annotations`  annotations from predictions           (accept-predictions)
- :mod:`~curation.labelstudio.sdk`          the SDK, for the benchmarks' baselines
- :mod:`~curation.labelstudio.server`       the local server (SQLite, or PostgreSQL + gunicorn), how commands find one
- :mod:`~curation.labelstudio.postgres`     the local server's private PostgreSQL cluster       (--backend postgresql)
- :mod:`~curation.labelstudio.processes`    start, wait for and stop the local server's processes
- :mod:`~curation.labelstudio.users`        annotators added to the local server    (server add-user, --as)
"""

from curation.labelstudio.annotations import (
    FULL_PAGE_SIZE,
    annotation_from,
    create_annotation,
    flag_ground_truth,
    iter_predicted_tasks,
    task_predictions,
)
from curation.labelstudio.client import (
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    LabelStudioDisconnected,
    LabelStudioServerError,
    LabelStudioTimeout,
    Retry,
    UncertainOutcome,
    authorization,
    read,
    read_timeout,
    request,
    update,
    write,
)
from curation.labelstudio.export import (
    EXPORT_POLL,
    EXPORT_TIMEOUT,
    SNAPSHOT_OPTIONS,
    ExportSnapshot,
    create_snapshot,
    delete_snapshot,
    download_snapshot,
    task_in_full,
)
from curation.labelstudio.predictions import import_predictions, model_versions, prediction_keys
from curation.labelstudio.projects import (
    Project,
    create_project,
    find_project,
    find_project_retrying,
    get_project,
    project_url,
    set_instructions,
    set_label_config,
    set_overlap,
    update_project,
)
from curation.labelstudio.sdk import sdk_client, sdk_converter_class
from curation.labelstudio.tasks import (
    LIST_PAGE_SIZE,
    ExistingTask,
    TaskStamp,
    import_tasks,
    iter_tasks,
    task_stamp,
    wait_until_settled,
)
from curation.labelstudio.users import AddedUser, add_user

__all__ = [
    "CONNECT_TIMEOUT", "EXPORT_POLL", "EXPORT_TIMEOUT", "FULL_PAGE_SIZE", "LIST_PAGE_SIZE", "READ_TIMEOUT",
    "SNAPSHOT_OPTIONS", "AddedUser", "ExistingTask", "ExportSnapshot", "LabelStudioDisconnected",
    "LabelStudioServerError", "LabelStudioTimeout", "Project", "Retry", "TaskStamp", "UncertainOutcome", "add_user",
    "annotation_from", "authorization", "create_annotation", "create_project", "create_snapshot", "delete_snapshot", "download_snapshot",
    "find_project", "find_project_retrying", "flag_ground_truth", "get_project", "import_predictions", "import_tasks",
    "iter_predicted_tasks", "iter_tasks", "model_versions", "prediction_keys", "project_url", "read", "read_timeout", "request", "sdk_client",
    "sdk_converter_class", "set_instructions", "set_label_config", "set_overlap", "task_in_full", "task_stamp",
    "task_predictions", "update", "update_project", "wait_until_settled", "write",
]  # fmt: skip
