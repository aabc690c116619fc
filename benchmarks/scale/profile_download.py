"""Where a member's PDF download spends its time, in process (issue 13): the canonical URL
(``/issues/<publication>/<n>/pdf``: session, user, roles, membership, issue, edition, the row)
against the signed link the issue page gives (``/dl/…``: signature, one cache read, the row),
both through Django's whole handler with the production settings and the file handed to nginx
(``X-Accel-Redirect``), so only Python's and the database's share is measured.

    BULLETIN_REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python benchmarks/scale/profile_download.py \\
        --database bulletin_scale_c [--requests 500] [--top 18]

Prints milliseconds per request of each (median of ``--blocks`` alternating blocks), queries
per request, then cProfile's functions by internal time for each. Download rows it adds are
removed at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from environment import check_name, load, setup_django

LINK_RE = re.compile(r'href="(/dl/[^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--blocks", type=int, default=5)
    parser.add_argument("--top", type=int, default=18)
    args = parser.parse_args()
    setup_django(check_name(args.database), DOWNLOADS_ACCEL_REDIRECT_PREFIX="/_editions/")

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Max
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from editorial.models import Issue, IssueStatus
    from publishing.models import Download

    newest = (Issue.objects.select_related("publication").filter(status=IssueStatus.PUBLISHED)
              .order_by("-number").first())
    page = f"/issues/{newest.publication.slug}/{newest.number}/"
    member = get_user_model().objects.get(username="bench-member@example.cn")
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    found = LINK_RE.search(client.get(page).content.decode())
    paths = {"canonical": f"{page}pdf"}
    if found:
        paths["signed link"] = found.group(1)
    else:
        print("no signed link on the issue page (links off, or code from before them)")
    rows_before = Download.objects.aggregate(m=Max("pk"))["m"] or 0

    def run(path: str, count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return (time.perf_counter() - started) / count * 1000

    try:
        print(load())
        for name, path in paths.items():
            run(path, 50)  # warm: connection, caches, imports
            with CaptureQueriesContext(connection) as captured:
                run(path, 1)
            print(f"{name}: {len(captured.captured_queries)} queries per request")
        timings: dict[str, list[float]] = {name: [] for name in paths}
        for _block in range(args.blocks):
            for name, path in paths.items():
                timings[name].append(run(path, args.requests // args.blocks))
        for name, values in timings.items():
            print(f"{name}: {statistics.median(values):.2f} ms per request "
                  f"(blocks: {', '.join(f'{v:.2f}' for v in values)})")
        print(load())
        for name, path in paths.items():
            profile = cProfile.Profile()
            profile.enable()
            run(path, args.requests)
            profile.disable()
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out)
            total = stats.total_tt
            stats.sort_stats("tottime").print_stats(args.top)
            print(f"\n=== {name}: {total / args.requests * 1000:.2f} ms per request under cProfile ===")
            print(out.getvalue().split("\n", 6)[-1])
    finally:
        Download.objects.filter(pk__gt=rows_before).delete()


if __name__ == "__main__":
    main()
