"""Measure every page of the scale archive: queries, latency, throughput (issue 13).

    .venv/bin/python benchmarks/scale/run.py --database bulletin_scale --compare bulletin_scale_one

Two parts, both against databases built by build.py:

First the databases are migrated and the static files collected, so an archive built by older
code is measured with this code's schema.

1. In process, with the production settings and Django's test client, per page: the number of
   queries (CaptureQueriesContext) on a cold cache and again on a warm one, on ``--database``
   and on ``--compare`` (a one-issue archive); the queries of importing the next issue's
   bundle (rolled back); and the members' announcement of the newest issue through a local
   SMTP server (rolled back): how long, how many queries, how many members reached — and,
   with the mail server failing after ``--mail-fail-after`` messages, how many are reached
   after a retry.
2. Over HTTP: gunicorn (``bulletin/gunicorn_conf.py``, as deployed; ``--workers`` overrides its
   number of workers; production settings) and, in the same run,
   nginx serving the member PDF's very bytes as a static file — the baseline — and whitenoise
   serving it through Django. Per page, wrk with one connection (``--latency-seconds``: the
   median and p99 of a request on its own) and with ``--connections`` connections
   (``--seconds``: requests/s, median and p99 under load). ``--rounds`` repeats the whole list;
   ``--repeat-key`` more rounds of the key pages. The load average is noted at every
   measurement: the machine is shared.

With ``--via-nginx`` the pages go through nginx proxying to gunicorn, with an internal location
for X-Accel-Redirect (``ACCEL_PREFIX``), as a deployment with nginx in front has them.
``--report RESULT…`` prints earlier runs side by side (a baseline next to later runs).

Results: a JSON file under var/bench/results/ and a Markdown table on stdout. Download rows
and sessions the run created are removed at the end, so the archive stays as built. Needs
`make bench-setup` (wrk, nginx).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from environment import (
    PG_URL,
    PYTHON,
    ROOT,
    VAR,
    check_name,
    folders,
    load,
    manage,
    setup_django,
    site_env,
    start_sink,
    stop,
    wait_for_http,
)

# gunicorn's port and nginx's (the next one): ``--port`` moves both, so two runs can share a machine.
GUNICORN_PORT = 8301
NGINX_PORT = 8302
SEARCH_TERMS = ("数", "数据", "数字贸易")
# Pages whose figures decide issue 13: measured in every extra round too.
KEY_PAGES = {"archive", "search 数", "search 数据", "search 数字贸易", "feed", "member PDF",
             "member PDF canonical", "nginx static PDF"}
# "member PDF" is what a member's click does: the link the issue page gives them (a signed
# /dl/… link where the code mints them, else the canonical URL), taken from the page again
# before every measurement (links expire). "member PDF canonical" is always the canonical URL.
LINK = "link:"
LINK_RE = re.compile(r'href="(/dl/[^"]+)"')


def resolve(path: str, fetch) -> str:
    """The path to measure: ``link:<page>|<canonical>`` is the page's signed PDF link (read
    with ``fetch(page) -> html``) or, without one, the canonical path."""
    if not path.startswith(LINK):
        return path
    page, canonical = path[len(LINK):].split("|")
    found = LINK_RE.search(fetch(page))
    return found.group(1) if found else canonical


# =========================================================================== in process


def _pages(newest, article_slug: str) -> list[tuple[str, str, str]]:
    """(name, role, path) of every measured page."""
    slug = newest.publication.slug
    issue_path = f"/issues/{slug}/{newest.number}/"
    pages = [
        ("archive", "anonymous", "/issues/"),
        ("issue page", "anonymous", issue_path),
        ("issue page", "member", issue_path),
        ("article page", "member", f"{issue_path}{article_slug}/"),
    ]
    pages += [(f"search {term}", "member", f"/search/?q={quote(term)}") for term in SEARCH_TERMS]
    pages += [
        ("feed", "anonymous", "/issues/feed/"),
        ("member PDF", "member", f"{LINK}{issue_path}|{issue_path}pdf"),
        ("member PDF canonical", "member", f"{issue_path}pdf"),
        ("cover.png", "anonymous", f"{issue_path}cover.png"),
        ("editorial article list", "editor", "/editorial/articles/"),
        ("library members", "editor", "/library/members/"),
        ("admin memberships", "admin", "/admin/publishing/membership/"),
        ("admin downloads", "admin", "/admin/publishing/download/"),
    ]
    return pages


def _users() -> dict:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return {
        "anonymous": None,
        "member": User.objects.get(username="bench-member@example.cn"),
        "editor": User.objects.get(username="bench-editor1"),
        "admin": User.objects.get(username="bench-admin"),
    }


def _session_for(user) -> str:
    """A signed-in session for ``user`` that wrk can send as a cookie."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _count(client, path: str) -> tuple[int, int, float]:
    """(status, queries, seconds) of one GET, streamed bodies read to the end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = resolve(path, lambda page: client.get(page).content.decode())
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        seconds = time.perf_counter() - started
    response.close()
    return response.status_code, len(captured.captured_queries), seconds


def _bundle_import_queries(newest, editor) -> dict:
    """Queries of importing the next issue, as the secretariat names its files (a recurring
    column keeps its file name), rolled back afterwards."""
    import yaml
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from editorial.bundles import bundle_export, bundle_import
    from editorial.slugs import slug_from_text

    class Rollback(Exception):
        pass

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bundle"
        bundle_export(issue=newest, directory=folder)
        meta = yaml.safe_load((folder / "issue.yaml").read_text(encoding="utf-8"))
        meta["number"] = newest.number + 1
        (folder / "issue.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True),
                                           encoding="utf-8")
        for path in sorted((folder / "articles").glob("*.md")):
            title = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["title"]
            path.rename(path.with_name(f"{path.name[:2]}-{slug_from_text(title)}.md"))
        result: dict = {}
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                imported = bundle_import(directory=folder, user=editor)
                result = {"queries": len(captured.captured_queries),
                          "seconds": round(time.perf_counter() - started, 3),
                          "articles": len(imported.created)}
                raise Rollback
        except Rollback:
            pass
    return result


def _announcement(newest, fail_after: int) -> dict:
    """The announcement of ``newest`` through a real SMTP connection to the sink, rolled back;
    then the same with the mail server failing after ``fail_after`` messages, and a retry."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext, override_settings
    from smtp_sink import control

    from publishing.models import Announcement
    from publishing.services import issue_announce

    class Rollback(Exception):
        pass

    sink, port = start_sink()
    result: dict = {"load": load()}
    try:
        mail = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": port}
        with override_settings(**mail):
            try:
                with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                    Announcement.objects.filter(issue=newest).delete()
                    started = time.perf_counter()
                    sent = issue_announce(issue=newest)
                    result.update(seconds=round(time.perf_counter() - started, 2),
                                  queries=len(captured.captured_queries), sent=sent,
                                  received=int(control(port, "XSTAT")))
                    raise Rollback
            except Rollback:
                pass
            control(port, "XRESET")
            if result["sent"] <= fail_after:
                result["failure"] = f"not tried: {result['sent']} recipients ≤ {fail_after}"
                return result
            control(port, f"XFAIL {fail_after}")
            try:
                with transaction.atomic():
                    Announcement.objects.filter(issue=newest).delete()
                    error = ""
                    try:
                        issue_announce(issue=newest)
                    except Exception as exc:  # the mail server fell over: what we measure
                        error = f"{type(exc).__name__}: {exc}"
                    control(port, "XRESET")
                    retried = issue_announce(issue=newest)
                    result["failure"] = {
                        "fail_after": fail_after, "error": error[:200],
                        "retry_sent": retried, "retry_received": int(control(port, "XSTAT")),
                        "reached": fail_after + int(control(port, "XSTAT")),
                        "never_told": result["sent"] - fail_after - int(control(port, "XSTAT")),
                    }
                    raise Rollback
            except Rollback:
                pass
    finally:
        stop(sink)
    return result


def in_process(database: str, out: Path, *, fail_after: int) -> None:
    """Part 1 for one database; also prepares what part 2 needs (sessions, URLs, the static
    copy of the PDF), written to ``out`` as JSON."""
    setup_django(database)
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import Max
    from django.test import Client

    from editorial.models import Article, Issue
    from publishing.models import Download
    from publishing.selectors import issue_articles_for_print, issue_published_pdf

    newest = Issue.objects.select_related("publication").order_by("-number").first()
    article_slug = issue_articles_for_print(newest)[0].slug
    users = _users()
    pages = _pages(newest, article_slug)
    result: dict = {"database": database, "load": load(), "pages": [],
                    "issues": Issue.objects.count(), "articles": Article.objects.count()}
    download_max = Download.objects.aggregate(m=Max("pk"))["m"] or 0
    for name, role, path in pages:
        client = Client()
        if users[role] is not None:
            client.force_login(users[role], backend="django.contrib.auth.backends.ModelBackend")
        cache.clear()
        status, cold, cold_s = _count(client, path)
        _status, warm, warm_s = _count(client, path)
        result["pages"].append({"name": name, "role": role, "path": path, "status": status,
                                "queries_cold": cold, "queries_warm": warm,
                                "seconds_cold": round(cold_s, 4), "seconds_warm": round(warm_s, 4)})
    Download.objects.filter(pk__gt=download_max).delete()
    result["bundle_import"] = _bundle_import_queries(newest, users["editor"])
    result["announcement"] = (_announcement(newest, fail_after) if fail_after >= 0
                              else {"skipped": "--no-mail"})

    # For part 2: sessions, the static copy of the member PDF, where the rows end now.
    pdf = issue_published_pdf(newest)
    static_copy = Path(settings.STATIC_ROOT) / "bench" / "issue.pdf"
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, static_copy)
    result["http"] = {
        "sessions": {role: _session_for(user) for role, user in users.items() if user},
        "pdf_bytes": pdf.stat().st_size,
        "download_max": Download.objects.aggregate(m=Max("pk"))["m"] or 0,
    }
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


# =========================================================================== over HTTP


def fetch(url: str, cookie: str | None) -> str:
    """One GET over HTTP (the page a member's link is read from)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    for attempt in range(10):  # a worker still starting under load answers 502 through nginx
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.read().decode()
        except urllib.error.HTTPError as exc:
            if exc.code < 500 or attempt == 9:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def wrk(url: str, *, seconds: int, connections: int, threads: int,
        cookie: str | None = None) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "30s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    before = load()
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float | None:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if not match:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)

    requests = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(requests.group(1)) if requests else 0,
            "p50": ms("50%"), "p99": ms("99%"), "errors": errors, "load": before}


NGINX_CONF = """
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    types {{ application/pdf pdf; }}
    default_type application/octet-stream;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location /static/ {{ alias {static}/; }}{proxy}
    }}
}}
"""
# With --via-nginx every Django page goes through nginx, as in a deployment with nginx in front;
# ACCEL_PREFIX is the internal location an X-Accel-Redirect response can hand a file to.
ACCEL_PREFIX = "/_editions/"
NGINX_PROXY = """
        location {accel} {{ internal; alias {editions}/; }}
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}"""


def start_servers(database: str, tmp: Path, workers: int | None, *,
                  via_nginx: bool) -> tuple[subprocess.Popen, subprocess.Popen]:
    paths = folders(database)
    proxy = NGINX_PROXY.format(accel=ACCEL_PREFIX, editions=paths["editions"],
                               upstream=GUNICORN_PORT) if via_nginx else ""
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=os.cpu_count() or 2, tmp=tmp, port=NGINX_PORT,
                                      static=paths["static"], proxy=proxy), encoding="utf-8")
    nginx = subprocess.Popen(["nginx", "-p", str(tmp), "-e", str(tmp / "error.log"),
                              "-c", str(conf)])
    # Behind nginx, edition files are handed to it (X-Accel-Redirect), as docker-compose.yml does.
    accel = {"DOWNLOADS_ACCEL_REDIRECT_PREFIX": ACCEL_PREFIX} if via_nginx else {}
    # The deployment's own gunicorn settings (bulletin/gunicorn_conf.py, docs/deploy.md);
    # --workers overrides its number of workers. Code from before that file: 4 sync workers.
    conf = (["-c", "python:bulletin.gunicorn_conf"]
            if (ROOT / "bulletin" / "gunicorn_conf.py").is_file() else ["--workers", "4"])
    gunicorn = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), *conf, "bulletin.wsgi",
         "--bind", f"127.0.0.1:{GUNICORN_PORT}", "--log-level", "warning",
         *(["--workers", str(workers)] if workers else [])],
        cwd=ROOT, env=site_env(database, **accel),
    )
    return gunicorn, nginx


def wait_idle(*ports: int, timeout: float = 300) -> float:
    """Wait until no connection to ``ports`` is open or queued: requests wrk left behind when it
    stopped are still being answered, and would slow the next measurement. Returns seconds."""
    started = time.monotonic()
    filter_ = "( " + " or ".join(f"sport = :{port}" for port in ports) + " )"
    while time.monotonic() - started < timeout:
        out = subprocess.run(["ss", "-Htn", "state", "established", "state", "close-wait",
                              "state", "syn-recv", filter_],
                             capture_output=True, text=True, check=True).stdout
        if not out.strip():
            return round(time.monotonic() - started, 1)
        time.sleep(0.2)
    raise SystemExit(f"ports {ports} still busy after {timeout:.0f} s")


def worker_rss_mb(master: subprocess.Popen) -> list[float]:
    out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(master.pid)], capture_output=True,
                         text=True, check=False).stdout
    return sorted(round(int(v) / 1024, 1) for v in out.split())


def over_http(database: str, prepared: dict, args) -> dict:
    http = prepared["http"]
    sessions = http["sessions"]
    base = f"http://127.0.0.1:{NGINX_PORT if args.via_nginx else GUNICORN_PORT}"
    cases = [("nginx static PDF", "anonymous", f"http://127.0.0.1:{NGINX_PORT}/static/bench/issue.pdf")]
    cases += [(p["name"], p["role"], base + p["path"]) for p in prepared["pages"]
              if not args.pages or p["name"] in args.pages]
    cases += [("whitenoise static PDF", "anonymous", f"{base}/static/bench/issue.pdf"),
              ("nginx static PDF (again)", "anonymous", cases[0][2])]
    result: dict = {"workers": args.workers or "gunicorn_conf", "connections": args.connections,
                    "seconds": args.seconds, "latency_seconds": args.latency_seconds,
                    "via_nginx": args.via_nginx, "pages": args.pages,
                    "rounds": [], "rss_mb": {}}
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as tmp:
        gunicorn = nginx = None
        try:
            gunicorn, nginx = start_servers(database, Path(tmp), args.workers,
                                            via_nginx=args.via_nginx)
            wait_for_http(f"{base}/issues/")
            wait_for_http(cases[0][2])
            result["rss_mb"]["started"] = worker_rss_mb(gunicorn)
            for _name, role, url in cases:  # warm every worker's caches, make thumbnails
                cookie = f"sessionid={sessions[role]}" if role in sessions else None
                url = base + resolve(url[len(base):], lambda page, c=cookie: fetch(base + page, c)) \
                    if url.startswith(base + LINK) else url
                wrk(url, seconds=2, connections=max(2 * len(worker_rss_mb(gunicorn)), 10), threads=1,
                    cookie=cookie)
                wait_idle(GUNICORN_PORT, NGINX_PORT)
            result["rss_mb"]["warm"] = worker_rss_mb(gunicorn)
            rounds = args.rounds + args.repeat_key
            for index in range(rounds):
                measured = []
                for name, role, url in cases:
                    if index >= args.rounds and name.split(" (")[0] not in KEY_PAGES:
                        continue
                    cookie = f"sessionid={sessions[role]}" if role in sessions else None
                    url = base + resolve(url[len(base):], lambda page, c=cookie: fetch(base + page, c)) \
                        if url.startswith(base + LINK) else url
                    single = wrk(url, seconds=args.latency_seconds, connections=1, threads=1,
                                 cookie=cookie)
                    loaded = wrk(url, seconds=args.seconds, connections=args.connections,
                                 threads=2, cookie=cookie)
                    drained = wait_idle(GUNICORN_PORT, NGINX_PORT)
                    measured.append({"name": name, "role": role, "signed_link": "/dl/" in url,
                                     "single": single,
                                     "loaded": loaded, "drain_s": drained})
                    print(f"  round {index + 1}: {name} ({role}): {single['p50']} ms alone, "
                          f"{loaded['rps']:.1f} req/s, p99 {loaded['p99']} ms under load, "
                          f"{loaded['errors']} errors, {drained} s to drain ({loaded['load']})", flush=True)
                result["rounds"].append(measured)
            result["rss_mb"]["end"] = worker_rss_mb(gunicorn)
        finally:
            stop(gunicorn)
            stop(nginx)
    return result


def cleanup(database: str, prepared: dict) -> None:
    """Remove the download rows and sessions this run added: the archive stays as built."""
    import psycopg

    with psycopg.connect(f"{PG_URL}/{database}", autocommit=True) as connection:
        connection.execute("DELETE FROM publishing_download WHERE id > %s",
                           [prepared["http"]["download_max"]])
        connection.execute("DELETE FROM django_session WHERE session_key = ANY(%s)",
                           [list(prepared["http"]["sessions"].values())])


# =========================================================================== report


def _median(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def markdown(report: dict) -> str:
    main, compare = report["in_process"], report.get("compare")
    by_page = {(p["name"], p["role"]): p for p in main["pages"]}
    small = {(p["name"], p["role"]): p for p in compare["pages"]} if compare else {}
    http = report.get("http")
    lines = [
        f"{main['issues']} issues / {main['articles']} articles on {main['database']}"
        + (f"; compared with {compare['issues']} issue(s) on {compare['database']}" if compare else ""),
        "",
        "| page | as | queries 1 issue (cold/warm) | queries archive (cold/warm) | median ms alone "
        "| p99 ms alone | req/s under load | p99 ms under load | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = [(p["name"], p["role"]) for p in main["pages"]]
    if http:
        names = [(m["name"], m["role"]) for m in http["rounds"][0]]
    for key in names:
        page, one = by_page.get(key), small.get(key)
        queries = f"{page['queries_cold']}/{page['queries_warm']}" if page else "—"
        queries_one = f"{one['queries_cold']}/{one['queries_warm']}" if one else "—"
        cells = ["—"] * 5
        if http:
            runs = [m for r in http["rounds"] for m in r if (m["name"], m["role"]) == key]
            rps = [m["loaded"]["rps"] for m in runs]
            cells = [
                str(_median([m["single"]["p50"] for m in runs])),
                str(_median([m["single"]["p99"] for m in runs])),
                " / ".join(f"{v:.1f}" for v in rps) + (f" (**{_median(rps)}**)" if len(rps) > 1 else ""),
                str(_median([m["loaded"]["p99"] for m in runs])),
                str(sum(m["loaded"]["errors"] + m["single"]["errors"] for m in runs)),
            ]
        lines.append(f"| {key[0]} | {key[1]} | {queries_one} | {queries} | " + " | ".join(cells) + " |")
    bundle = main["bundle_import"]
    lines += ["", f"Bundle import of the next issue ({bundle.get('articles')} articles): "
              f"{bundle.get('queries')} queries, {bundle.get('seconds')} s on the archive"
              + (f"; {compare['bundle_import'].get('queries')} queries, "
                 f"{compare['bundle_import'].get('seconds')} s with 1 issue" if compare else "") + "."]
    lines.append(f"Announcement: {json.dumps(main['announcement'], ensure_ascii=False)}")
    if http:
        lines.append(f"gunicorn worker RSS MB: {json.dumps(http['rss_mb'])}")
    return "\n".join(lines)


def side_by_side(reports: list[dict]) -> str:
    """Several runs (a baseline and later ones, or repeats) in one table: queries from each run's
    archive, then per run the median over its rounds of the latency alone, requests/s and p99
    under load, and the page's requests/s as a share of nginx's static rate in the same run."""
    def keyed(report: dict) -> dict:
        pages = {(p["name"], p["role"]): {"queries": p} for p in report["in_process"]["pages"]}
        for round_ in report.get("http", {}).get("rounds", []):
            for m in round_:
                pages.setdefault((m["name"], m["role"]), {}).setdefault("runs", []).append(m)
        return pages

    tables = [keyed(r) for r in reports]
    header = "| page | as | queries 1 issue | " + " | ".join(
        f"run {i + 1}: queries | median ms alone | p99 ms alone | req/s | p99 ms loaded | of nginx's req/s"
        for i in range(len(reports))) + " |"
    lines = [
        *(f"- run {i + 1}: {r['started']}–{r.get('finished', '?')}, {r['in_process']['issues']} "
          f"issues, {r['machine']['load']} at the start" for i, r in enumerate(reports)),
        "", header, "|---|---|---:|" + "---:|" * 6 * len(reports),
    ]
    names = list(tables[0])
    compare = {(p["name"], p["role"]): p for p in reports[0].get("compare", {}).get("pages", [])}
    for key in names:
        one = compare.get(key)
        cells = [key[0], key[1], f"{one['queries_cold']}/{one['queries_warm']}" if one else "—"]
        for table in tables:
            entry = table.get(key, {})
            page, runs = entry.get("queries"), entry.get("runs", [])
            nginx = [m["loaded"]["rps"] for m in table.get(("nginx static PDF", "anonymous"),
                                                             {}).get("runs", [])]
            rps = _median([m["loaded"]["rps"] for m in runs])
            cells += [
                f"{page['queries_cold']}/{page['queries_warm']}" if page else "—",
                str(_median([m["single"]["p50"] for m in runs])),
                str(_median([m["single"]["p99"] for m in runs])),
                str(rps), str(_median([m["loaded"]["p99"] for m in runs])),
                f"{100 * rps / _median(nginx):.1f} %" if rps and nginx else "—",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    global GUNICORN_PORT, NGINX_PORT  # --port moves both servers
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="the archive (bulletin_scale…)")
    parser.add_argument("--compare", help="a one-issue database for the query counts")
    parser.add_argument("--seconds", type=int, default=15, help="wrk duration under load")
    parser.add_argument("--latency-seconds", type=int, default=8, help="wrk with one connection")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int,
                        help="gunicorn workers (default: bulletin/gunicorn_conf.py's, 2 × cores + 1)")
    parser.add_argument("--port", type=int, default=GUNICORN_PORT,
                        help="gunicorn's port; nginx listens on the next one")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over every page")
    parser.add_argument("--repeat-key", type=int, default=1, help="extra rounds of key pages")
    parser.add_argument("--mail-fail-after", type=int, default=5000)
    parser.add_argument("--no-mail", action="store_true",
                        help="skip the announcement over SMTP (minutes on the archive)")
    parser.add_argument("--queries-only", action="store_true", help="part 1 only")
    parser.add_argument("--via-nginx", action="store_true",
                        help=f"pages through nginx proxying to gunicorn ({ACCEL_PREFIX} internal)")
    parser.add_argument("--pages", nargs="+", metavar="NAME",
                        help="over HTTP, only these pages (e.g. 'member PDF'); the static rows "
                             "(nginx, whitenoise) are always measured")
    parser.add_argument("--in-process", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, nargs="+", metavar="RESULT",
                        help="print these result files (var/bench/results/…) side by side, run nothing")
    args = parser.parse_args()
    if args.report:
        print(side_by_side([json.loads(p.read_text(encoding="utf-8")) for p in args.report]))
        return
    if not args.database:
        parser.error("--database is required")
    database = check_name(args.database)
    GUNICORN_PORT, NGINX_PORT = args.port, args.port + 1
    if args.no_mail:
        args.mail_fail_after = -1
    if args.in_process:  # the child that runs part 1 for one database
        in_process(database, args.in_process, fail_after=args.mail_fail_after)
        return
    if not args.queries_only and not (shutil.which("wrk") and shutil.which("nginx")):
        sys.exit("wrk and nginx are needed: make bench-setup")

    report: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "machine": {"cpus": os.cpu_count(), "load": load()}}
    with tempfile.TemporaryDirectory() as tmp:
        for key, name in (("in_process", database), ("compare", args.compare)):
            if not name:
                continue
            # An archive built by older code: bring its schema and static files up to this code.
            manage(check_name(name), "migrate", "--noinput", "-v0")
            manage(name, "collectstatic", "--noinput", "-v0")
            out = Path(tmp) / f"{key}.json"
            print(f"queries on {name} ({load()})", flush=True)
            subprocess.run([PYTHON, __file__, "--database", check_name(name), "--in-process",
                            str(out), "--mail-fail-after", str(args.mail_fail_after)], check=True)
            report[key] = json.loads(out.read_text(encoding="utf-8"))
    prepared = report["in_process"]
    try:
        if not args.queries_only:
            print(f"HTTP on {database} ({load()})", flush=True)
            report["http"] = over_http(database, prepared, args)
    finally:
        cleanup(database, prepared)
        if args.compare:
            cleanup(args.compare, report["compare"])
    report["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    results = VAR / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{database}-{report['started'].replace(':', '')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print()
    print(markdown(report))
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
