"""Build the scale archive on PostgreSQL, through the project's own services.

    .venv/bin/python benchmarks/scale/build.py --database bulletin_scale --recreate
    .venv/bin/python benchmarks/scale/build.py --database bulletin_scale_one --issues 1 \\
        --members 10 --downloads 10 --recreate

Into a fresh database named on the command line (``--recreate`` drops and rebuilds one of ours;
without it an existing database is left alone): 200 issues of 19 articles, 20,000 members,
200,000 downloads by default, seeded, so the same command builds the same archive.

- Articles are written, submitted and approved by editors and reviewers through
  ``editorial.services`` (revisions, transitions, review assignments, notifications and all),
  each straight into its issue as the article form does.
- Issues are created, given their front matter and access level, and published through
  ``publishing.services.issue_publish_now`` — the release path. The first issue's PDF is
  rendered once by ``proof_render``; every later issue ships that file as its proof, as
  publishing allows a proof made from the same content to ship (the proof row carries the
  issue's own content hash), so the build takes minutes rather than hours of WeasyPrint.
  The HTML edition of every issue is still rendered, and every issue is indexed for search.
- Members come in as one 20,000-row CSV through ``members_import_csv``, invitations sent to a
  local SMTP sink (the time is reported: it is what an editor's browser would wait for).
- Downloads are written as bulk rows: the download service writes one row per request.

Back issues loaded this way are not announced to members; the runner measures the
announcement on its own (run.py). Timings and counts go to ``var/bench/<database>/build.json``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import shutil
import time
from pathlib import Path

from corpus import ARTICLES_PER_ISSUE, SECTIONS, Corpus
from environment import (
    ROOT,
    admin_sql,
    check_name,
    database_exists,
    folders,
    load,
    manage,
    setup_django,
    start_sink,
    stop,
)

PUBLICATION_SLUG = "dalian-digital-trade"
BENCH_MEMBER = "bench-member@example.cn"
DEMO = ROOT / "docs" / "demo-bundle"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}Z] {message} ({load()})", flush=True)


def cover_dates(count: int, end: dt.date) -> list[dt.date]:
    """``count`` cover dates, evenly spread over the ten years up to ``end``."""
    if count == 1:  # a new site's first issue: as recent (and as members-first) as the newest
        return [end]
    start = end - dt.timedelta(days=3652)
    step = (end - start).days / (count - 1)
    return [start + dt.timedelta(days=round(i * step)) for i in range(count)]


def members_csv(count: int, corpus: Corpus, seed: int) -> bytes:
    """The association's member list: names, e-mail, employer, membership end (10 % lapsed)."""
    rng = random.Random(f"{seed}:members")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "邮箱", "单位", "到期日"])
    writer.writerow(["压测会员", BENCH_MEMBER, "大连数字贸易协会", ""])
    for index in range(1, count):
        roll = rng.random()
        if roll < 0.40:
            expires = ""
        elif roll < 0.90:
            expires = (dt.date(2030, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))).isoformat()
        else:
            expires = (dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 2000))).isoformat()
        writer.writerow([corpus.person_name(rng), f"member{index:05d}@example.cn",
                         rng.choice(corpus.firms), expires])
    return out.getvalue().encode("utf-8")


def create_staff(seed: int):
    """Editors and reviewers of the secretariat, and a superuser for the admin pages. People,
    not workflow state: the admin creates them in real life."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from editorial.permissions import EDITOR_GROUP, REVIEWER_GROUP

    User = get_user_model()
    corpus_rng = random.Random(f"{seed}:staff")

    def person(username: str, group: str):
        user = User.objects.create_user(username=username, email=f"{username}@bench.example.cn",
                                        first_name=Corpus.person_name(corpus_rng))
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=group))
        return user

    editors = [person(f"bench-editor{i}", EDITOR_GROUP) for i in range(1, 4)]
    reviewers = [person(f"bench-reviewer{i}", REVIEWER_GROUP) for i in range(1, 6)]
    admin = User.objects.create_superuser("bench-admin", "bench-admin@bench.example.cn", None)
    return editors, reviewers, admin


def create_publication():
    from editorial.models import Publication, Section

    publication = Publication.objects.create(
        name="大连数字贸易", slug=PUBLICATION_SLUG, issn="2097-0013",
        publisher="大连市数字贸易协会", running_header="《大连数字贸易》第 {number} 期",
    )
    sections = {
        name: Section.objects.create(publication=publication, name=name, position=index)
        for index, (name, _count, _topics, _length) in enumerate(SECTIONS)
    }
    return publication, sections


def access_for(number: int, count: int) -> tuple[str, int]:
    """The newest twelve issues are members-first (public a year after their date), one in
    seventeen stays members-only, the rest of the archive is public."""
    from publishing.models import AccessLevel

    if number > count - 12:
        return AccessLevel.EMBARGO, 12
    if number % 17 == 0:
        return AccessLevel.MEMBERS, 0
    return AccessLevel.PUBLIC, 0


class ProofSource:
    """The one rendered PDF every issue ships (see the module's docstring)."""

    def __init__(self) -> None:
        self.pdf: Path | None = None
        self.pages_dir: Path | None = None
        self.page_count = 0

    def proof_for(self, issue, editor):
        from django.conf import settings
        from django.utils import timezone

        from publishing.models import Proof, ProofStatus
        from publishing.selectors import issue_content_hash, issue_edition_root
        from publishing.services import proof_render

        if self.pdf is None:
            proof = proof_render(proof=Proof.objects.create(issue=issue, requested_by=editor))
            self.pdf, self.page_count = proof.pdf_path, proof.page_count
            self.pages_dir = proof.pdf_path.parent / "pages"
            return proof
        content_hash = issue_content_hash(issue)
        proof = Proof.objects.create(issue=issue, requested_by=editor, status=ProofStatus.READY,
                                     progress=100, content_hash=content_hash,
                                     page_count=self.page_count, finished_at=timezone.now())
        directory = issue_edition_root(issue) / "proofs" / f"{proof.pk}-{content_hash[:12]}"
        (directory / "pages").mkdir(parents=True)
        os.link(self.pdf, directory / "proof.pdf")
        for page in self.pages_dir.iterdir():
            os.link(page, directory / "pages" / page.name)
        proof.directory = str(directory.relative_to(Path(settings.EDITIONS_ROOT)))
        proof.save(update_fields=["directory"])
        return proof


def build_issue(*, number: int, cover_date: dt.date, total: int, corpus: Corpus, publication,
                sections, editors, reviewers, cover, proofs: ProofSource) -> None:
    from django.utils import timezone

    from editorial.services import (
        ArticleContent,
        CreditLine,
        article_approve,
        article_create,
        article_submit,
        issue_create,
        issue_update,
    )
    from publishing.services import issue_publish_now, issue_set_access, search_index_issue

    spec = corpus.issue(number, cover_date.year)
    planner = editors[number % len(editors)]
    issue = issue_create(user=planner, publication=publication, number=number,
                         cover_date=cover_date)
    issue = issue_update(user=planner, issue=issue, title="", cover_date=cover_date,
                         editor_note_html=spec.editor_note_html, cover_image=cover)
    due = timezone.localdate() + dt.timedelta(days=14)
    for index, item in enumerate(spec.articles):
        editor = editors[(number + index) % len(editors)]
        reviewer = reviewers[(number + index) % len(reviewers)]
        content = ArticleContent(
            title=item.title, section=sections[item.section], subtitle=item.subtitle,
            summary=item.summary, body=item.body_html, source=item.source, issue=issue,
            tags=tuple(item.tags),
            credits=tuple(CreditLine(c.name, c.affiliation, c.note) for c in item.credits),
        )
        article = article_create(user=editor, content=content)
        article_submit(user=editor, article_id=article.pk, reviewers=[reviewer], due_date=due)
        article_approve(user=reviewer, article_id=article.pk)
    level, months = access_for(number, total)
    issue_set_access(issue=issue, level=level, embargo_months=months)
    editor = editors[number % len(editors)]
    proofs.proof_for(issue, editor)
    outcome = issue_publish_now(issue=issue, actor=editor)
    if outcome.edition is None:
        raise SystemExit(f"issue {number} was not published: {outcome.reason}")
    search_index_issue(issue=issue)


def insert_downloads(count: int, seed: int, end: dt.date) -> None:
    """Bulk rows: newer issues and a core of keen members download most; 5 % anonymous (public
    issues only), each after its issue's date."""
    from django.db import connection

    from editorial.models import Issue
    from publishing.models import AccessLevel, Membership

    rng = random.Random(f"{seed}:downloads")
    issues = list(Issue.objects.select_related("access").order_by("number"))
    users = list(Membership.objects.order_by("pk").values_list("user_id", flat=True))
    keen = users[: max(1, len(users) * 3 // 10)]
    public = [i for i in issues if i.access.level == AccessLevel.PUBLIC]
    weights = [1 + 4 * (k / max(1, len(issues) - 1)) ** 2 for k in range(len(issues))]
    end_time = dt.datetime.combine(end, dt.time(12), tzinfo=dt.UTC)
    rows: list[tuple[int, int | None, dt.datetime]] = []
    for _ in range(count):
        if public and rng.random() < 0.05:
            issue, user = rng.choice(public), None
        else:
            issue = rng.choices(issues, weights)[0]
            user = rng.choice(keen) if rng.random() < 0.8 else rng.choice(users)
        start = dt.datetime.combine(issue.cover_date, dt.time(8), tzinfo=dt.UTC)
        span = max(3600, int((end_time - start).total_seconds()))
        rows.append((issue.pk, user, start + dt.timedelta(seconds=rng.randrange(span))))
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), 20_000):
            chunk = rows[offset:offset + 20_000]
            cursor.execute(
                "INSERT INTO publishing_download (issue_id, user_id, downloaded_at) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[])",
                [[r[0] for r in chunk], [r[1] for r in chunk], [r[2] for r in chunk]],
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="bulletin_scale… (created here)")
    parser.add_argument("--recreate", action="store_true",
                        help="drop the database and its folders first if they exist")
    parser.add_argument("--issues", type=int, default=200)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--downloads", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--end-date", type=dt.date.fromisoformat, default=dt.date(2026, 10, 15),
                        help="cover date of the newest issue (the archive spans ten years)")
    args = parser.parse_args()
    database = check_name(args.database)
    paths = folders(database)
    if database_exists(database):
        if not args.recreate:
            raise SystemExit(f"{database} exists; add --recreate to drop and rebuild it")
        admin_sql(f'DROP DATABASE "{database}" WITH (FORCE)')
    shutil.rmtree(paths["base"], ignore_errors=True)
    for path in paths.values():
        path.mkdir(parents=True, exist_ok=True)
    admin_sql(f'CREATE DATABASE "{database}"')
    report: dict = {"database": database, "args": {k: str(v) for k, v in vars(args).items()},
                    "steps": {}, "load": {}}
    started = time.perf_counter()

    def step(name: str, since: float) -> None:
        report["steps"][name] = round(time.perf_counter() - since, 1)
        report["load"][name] = load()
        log(f"{name}: {report['steps'][name]} s")

    t = time.perf_counter()
    manage(database, "migrate", "--noinput", "-v0")
    manage(database, "collectstatic", "--noinput", "-v0")
    step("migrate and collectstatic", t)

    setup_django(database, TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend")
    from django.db import connection
    from django.test.utils import override_settings

    from editorial.models import Article, Issue
    from editorial.services import asset_store
    from publishing.models import Download, Membership, SearchEntry
    from publishing.services import members_import_csv

    corpus = Corpus(args.seed)
    editors, reviewers, admin = create_staff(args.seed)
    publication, sections = create_publication()
    cover = asset_store(data=(DEMO / "images" / "cover.jpg").read_bytes(),
                        original_name="cover.jpg", user=editors[0])

    sink, sink_port = start_sink()
    try:
        t = time.perf_counter()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                               EMAIL_HOST="127.0.0.1", EMAIL_PORT=sink_port):
            result = members_import_csv(data=members_csv(args.members, corpus, args.seed),
                                        added_by=admin, send_invitations=True)
        step(f"member CSV import, {len(result.created)} rows, invitations sent", t)
        from smtp_sink import control
        report["invitations_sent"] = int(control(sink_port, "XSTAT"))
    finally:
        stop(sink)

    t = time.perf_counter()
    proofs = ProofSource()
    dates = cover_dates(args.issues, args.end_date)
    for number, cover_date in enumerate(dates, start=1):
        build_issue(number=number, cover_date=cover_date, total=args.issues, corpus=corpus,
                    publication=publication, sections=sections, editors=editors,
                    reviewers=reviewers, cover=cover, proofs=proofs)
        if number == 1 or number % 10 == 0 or number == args.issues:
            elapsed = time.perf_counter() - t
            log(f"issue {number}/{args.issues} published, {elapsed:.0f} s so far")
    step(f"{args.issues} issues × {ARTICLES_PER_ISSUE} articles written, reviewed, published", t)

    t = time.perf_counter()
    insert_downloads(args.downloads, args.seed, args.end_date)
    step(f"{args.downloads} download rows", t)

    t = time.perf_counter()
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE", t)

    report["counts"] = {
        "issues": Issue.objects.count(), "articles": Article.objects.count(),
        "members": Membership.objects.count(), "downloads": Download.objects.count(),
        "search_entries": SearchEntry.objects.count(),
        "pdf_pages": proofs.page_count,
        "pdf_bytes": proofs.pdf.stat().st_size if proofs.pdf else 0,
    }
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    (paths["base"] / "build.json").write_text(json.dumps(report, ensure_ascii=False, indent=2),
                                              encoding="utf-8")
    log(f"built {database} in {report['total_seconds']} s: {report['counts']}")


if __name__ == "__main__":
    main()
