"""Background tasks (django-tasks), under the path queued tasks and the worker know them by.

Each task is a thin wrapper defined beside the services it calls and enqueues (a task there and
its service here would import each other): the work and its rules live in the services, so
`publish_due` from cron and a worker do exactly the same thing. Tasks queued before the split
name this module; they still resolve through these imports.
"""

from publishing.library.member_imports import import_members_task
from publishing.library.members import send_invitations_task
from publishing.proofs.services import render_proof_task
from publishing.releases.services import (
    after_publish_task,
    publish_failed_mail_task,
    publish_issue_task,
)

__all__ = ["after_publish_task", "import_members_task", "publish_failed_mail_task",
           "publish_issue_task", "render_proof_task", "send_invitations_task"]
