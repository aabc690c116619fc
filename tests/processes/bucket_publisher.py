"""A publisher on object storage for crash tests: ``python -m tests.processes.bucket_publisher
ISSUE_ID``, with the bucket in ``CHILD_S3_ENDPOINT`` / ``CHILD_S3_BUCKET``.

It publishes now through the real services and the real renderer. When every file of the
version is in the bucket and the Edition row is about to be written, it prints ``UPLOADED`` and
waits for ever: the test kills it there with SIGKILL.
"""

from __future__ import annotations

import os
import sys
import threading

import django


def main(issue_id: int) -> None:
    django.setup()
    from django.conf import settings

    from bulletin.storages import object_storages

    s3 = {"ENDPOINT_URL": os.environ["CHILD_S3_ENDPOINT"], "BUCKET": os.environ["CHILD_S3_BUCKET"],
          "ACCESS_KEY_ID": "testing", "SECRET_ACCESS_KEY": "testing", "REGION": "us-east-1",
          "ADDRESSING_STYLE": "path", "URL_EXPIRE": 60}
    settings.BULLETIN_S3 = s3
    settings.STORAGES = object_storages(s3, settings.STORAGES["staticfiles"]["BACKEND"])
    from editorial.models import Issue
    from publishing.releases import claims, services

    def uploaded(claim):
        print("UPLOADED", flush=True)
        threading.Event().wait()

    claims.claim_still_held = uploaded
    services.issue_publish_now(issue=Issue.objects.get(pk=issue_id))


if __name__ == "__main__":
    main(int(sys.argv[1]))
