"""A publisher process for crash tests: ``python -m tests.processes.publisher ACTION ISSUE_ID``.

It publishes now (``publish``) or publishes a correction (``correct``) through the real
services, on the database and editions folder the test gives it. When the render starts it
writes half a PDF into the staging folder, prints ``RENDERING <staging>`` and waits for ever:
the test kills it there with SIGKILL.
"""

from __future__ import annotations

import os
import sys
import threading

import django


def main(action: str, issue_id: int) -> None:
    django.setup()
    from django.conf import settings

    settings.EDITIONS_ROOT = os.environ["CHILD_EDITIONS_ROOT"]
    from editorial.models import Issue
    from publishing.releases import editions, services

    def stuck_render(*, issue, pdf_path, html_dir):
        staging = html_dir.parent
        if pdf_path is not None:
            pdf_path.write_bytes(b"%PDF-1.7\n% half a file\n")
        print(f"RENDERING {staging}", flush=True)
        threading.Event().wait()

    editions.issue_render = stuck_render
    issue = Issue.objects.get(pk=issue_id)
    if action == "publish":
        services.issue_publish_now(issue=issue)
    else:
        from django.contrib.auth import get_user_model

        from editorial.permissions import EDITOR_GROUP

        editor = get_user_model().objects.filter(groups__name=EDITOR_GROUP).first()
        services.edition_correct(issue=issue, erratum="中断的更正", actor=editor)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
