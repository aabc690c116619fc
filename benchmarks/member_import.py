"""The member CSV import's web request at 20,000 rows: what the request does now
(``member_import_start``: check the file, store its rows, queue the task) against what it did
before, side by side in one run (``members_import_csv``: check and create every account in the
request), each on a fresh, migrated, empty database of your own; then the task's time.

    createdb -h 127.0.0.1 -U postgres d_imports        # or a SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/d_imports \\
        .venv/bin/python benchmarks/member_import.py before
    (drop and create the database again)
    DATABASE_URL=… .venv/bin/python benchmarks/member_import.py after

Results: docs/performance.md ("Member CSV import in the background").
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# The project instead of this folder (its statistics.py would shadow the standard library's).
sys.path[0] = str(Path(__file__).resolve().parents[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bulletin.settings.dev")


def members_csv(count: int) -> bytes:
    rows = (f"会员{i},member{i}@example.cn,大连某公司{i % 50},2027-12-31" for i in range(count))
    return ("姓名,邮箱,单位,到期日\n" + "\n".join(rows)).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["before", "after"])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from editorial.permissions import EDITOR_GROUP

    call_command("migrate", verbosity=0)
    if get_user_model().objects.filter(email__startswith="member").exists():
        sys.exit("use an empty database")
    editor = get_user_model().objects.create_user("bench-editor", "bench-editor@example.cn")
    editor.groups.add(Group.objects.get_or_create(name=EDITOR_GROUP)[0])
    data = members_csv(args.rows)
    started = time.perf_counter()
    if args.mode == "before":
        from publishing.library.members import members_import_csv

        members_import_csv(data=data, added_by=editor)
        print(f"before: the request {time.perf_counter() - started:.2f} s "
              f"(load {os.getloadavg()[0]:.1f})")
        return
    from publishing.library.member_imports import member_import_run, member_import_start

    job = member_import_start(data=data, actor=editor).member_import
    request = time.perf_counter() - started
    started = time.perf_counter()
    member_import_run(import_id=job.pk)
    print(f"after: the request {request:.2f} s, then the task {time.perf_counter() - started:.2f} s "
          f"(load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
