"""``manage.py <command>`` with the member import reporting each batch it commits, for the
worker crash test: ``python -m tests.processes.import_worker db_worker …`` prints
``IMPORT BATCH <done>/<total>`` after every committed batch and, with HOLD_IMPORT=1, then
waits for ever (the test kills the worker with SIGKILL there: one batch committed, the
rest pending). Everything else is the real worker running the real task."""

from __future__ import annotations

import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bulletin.settings.test")

import django

django.setup()

from django.core.management import execute_from_command_line  # noqa: E402

from publishing.library import member_imports  # noqa: E402
from publishing.models import MemberImport  # noqa: E402

real_batch = member_imports.member_import_batch


def reporting_batch(*, import_id: int) -> bool:
    more = real_batch(import_id=import_id)
    job = MemberImport.objects.get(pk=import_id)
    print(f"IMPORT BATCH {job.done}/{job.total}", flush=True)
    if more and os.environ.get("HOLD_IMPORT") == "1":
        threading.Event().wait()
    return more


member_imports.member_import_batch = reporting_batch
execute_from_command_line(["manage.py", *sys.argv[1:]])
