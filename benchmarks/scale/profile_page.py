"""Where one page's time goes, in process: any path of the scale archive as a given reader,
through Django's whole handler with the production settings (issue 13: search's warm path).

    BULLETIN_REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python benchmarks/scale/profile_page.py \\
        --database bulletin_scale_c --path '/search/?q=数据' [--as member] [--requests 500]

Prints the queries of one warm request, milliseconds per request (median of ``--blocks``
blocks), then cProfile's functions by internal and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from environment import check_name, load, setup_django

READERS = {"member": "bench-member@example.cn", "editor": "bench-editor1", "admin": "bench-admin"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--path", action="append", required=True, help="repeatable")
    parser.add_argument("--as", dest="reader", choices=[*READERS, "anonymous"], default="member")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--blocks", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    setup_django(check_name(args.database))

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if args.reader != "anonymous":
        user = get_user_model().objects.get(username=READERS[args.reader])
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def run(path: str, count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return (time.perf_counter() - started) / count * 1000

    print(load())
    for path in args.path:
        run(path, 50)  # warm: connection, caches, imports
        with CaptureQueriesContext(connection) as captured:
            run(path, 1)
        print(f"{path}: {len(captured.captured_queries)} queries per request")
        for query in captured.captured_queries:
            print(f"   {query['time']} s  {query['sql'][:160]}")
    timings: dict[str, list[float]] = {path: [] for path in args.path}
    for _block in range(args.blocks):
        for path in args.path:
            timings[path].append(run(path, args.requests // args.blocks))
    for path, values in timings.items():
        print(f"{path}: {statistics.median(values):.2f} ms per request "
              f"(blocks: {', '.join(f'{v:.2f}' for v in values)})")
    print(load())
    if args.no_profile:
        return
    for path in args.path:
        profile = cProfile.Profile()
        profile.enable()
        run(path, args.requests)
        profile.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out)
            stats.sort_stats(order).print_stats(args.top)
            print(f"\n=== {path} by {order}: {stats.total_tt / args.requests * 1000:.2f} ms "
                  "per request under cProfile ===")
            print(out.getvalue().split("\n", 6)[-1])


if __name__ == "__main__":
    main()
