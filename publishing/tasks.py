"""Background tasks (django-tasks). Each is a thin wrapper: the work and its rules live in the
services, so `publish_due` from cron and a worker do exactly the same thing."""

from __future__ import annotations

from django_tasks import task

from editorial.models import Issue
from publishing.models import Proof


@task()
def publish_issue_task(issue_id: int, token: str) -> str:
    from publishing.services import issue_publish

    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        return "gone"
    return issue_publish(issue=issue, token=token).reason


@task()
def render_proof_task(proof_id: int) -> int:
    from publishing.services import proof_render

    proof = Proof.objects.select_related("issue__publication").get(pk=proof_id)
    return proof_render(proof=proof).page_count


@task()
def after_publish_task(issue_id: int) -> None:
    from publishing.services import issue_after_publish

    issue_after_publish(issue=Issue.objects.get(pk=issue_id))


@task()
def publish_failed_mail_task(issue_id: int, message: str) -> int:
    from publishing.services import issue_publish_failed_mail

    return issue_publish_failed_mail(issue=Issue.objects.get(pk=issue_id), message=message)
