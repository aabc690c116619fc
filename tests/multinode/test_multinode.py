"""Past one machine (issue 13): two gunicorn nodes behind nginx, two task workers, one
PostgreSQL database, Redis and an S3 endpoint, all real processes on this machine. An issue
scheduled once is published exactly once although both workers race for it; both nodes serve
the new edition; killing a node or a worker (SIGKILL, mid-publish) loses nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from http.cookies import SimpleCookie
from pathlib import PurePosixPath
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from editorial.models import IssueStatus
from publishing.library.selectors import issue_edition_key, issue_edition_root
from publishing.models import (
    AccessLevel,
    Announcement,
    Delivery,
    Edition,
    EditionClaim,
    EventKind,
    IssueEvent,
    Release,
    TaskWorker,
)
from publishing.releases.services import issue_release_now, publish_issue_task
from publishing.services import issue_set_access
from tests.factories import EditorFactory, MemberFactory
from tests.multinode.cluster import http_get, wait_until
from tests.publishing.release_fixtures import ready_issue

# One cluster per test process: with `--dist loadgroup` (.ci/run, make test) every test of this
# module runs in the same pytest-xdist worker, so the cluster is started once.
pytestmark = [pytest.mark.multinode, pytest.mark.slow, pytest.mark.xdist_group("multinode")]

PASSWORD = "multinode-pass-1"
PUBLISH_TASK = "publishing.releases.services.publish_issue_task"


# ---------------------------------------------------------------------- the site's data


def _with_password(user):
    """A password the production nodes can check (PBKDF2, few iterations)."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, f"salt{user.pk}", iterations=1000)
    user.save(update_fields=["password"])
    return user


def _members(count: int = 3) -> list:
    until = timezone.localdate() + dt.timedelta(days=100)
    return [_with_password(MemberFactory(username=f"member{index}", expires_on=until))
            for index in range(count)]


def _issue(number: int):
    issue = ready_issue(number)
    issue_set_access(issue=issue, level=AccessLevel.MEMBERS, embargo_months=0)
    return issue


def _publish_done(issue) -> bool:
    """Published, announced, and no task of it left queued or running."""
    issue.refresh_from_db()
    unfinished = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()
    return (issue.status == IssueStatus.PUBLISHED and not unfinished
            and Announcement.objects.filter(issue=issue, sent_at__isnull=False).exists())


def _failed_tasks() -> list[str]:
    return [f"{r.task_path}: {r.exception_class_path} {r.traceback}"[-2000:]
            for r in DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)]


def _wait_published(site, issue) -> None:
    def done() -> bool:
        failed = _failed_tasks()
        assert not failed, failed
        return _publish_done(issue)

    try:
        wait_until(done, f"issue {issue.number} to be published and announced")
    except AssertionError:
        for name in ("worker0", "worker1"):
            print(f"--- {name}\n{site.procs[name].tail(60)}")
        raise


def _assert_published_once(issue, members) -> Edition:
    edition = Edition.objects.get(issue=issue)  # one edition row
    assert edition.version == 1
    assert IssueEvent.objects.filter(issue=issue, kind=EventKind.PUBLISHED).count() == 1
    assert IssueEvent.objects.filter(issue=issue, kind=EventKind.ANNOUNCED).count() == 1
    assert not IssueEvent.objects.filter(issue=issue, kind=EventKind.FAILED).exists()
    announcement = Announcement.objects.get(issue=issue)  # one announcement batch
    deliveries = Delivery.objects.filter(announcement=announcement)
    assert sorted(deliveries.values_list("user_id", flat=True)) == sorted(m.pk for m in members)
    assert not deliveries.filter(sent_at__isnull=True).exists()
    return edition


def _edition_files(site, issue, edition: Edition) -> set[str]:
    """What the issue's edition space holds: "recorded" for files of the recorded edition,
    else the stray names (staging files, unrecorded versions)."""
    if site.object_storage:
        version = PurePosixPath("editions", edition.directory)
        keys = site.s3_keys(f"{version.parent}/")
        found = {"recorded" if key.startswith(f"{version}/") else key for key in keys}
        # No process kept an edition file in a folder of its own: nothing is shared but S3.
        local = [str(p) for p in site.tmp.glob("*/editions/**/*") if p.is_file()]
        assert not local, local
        return found
    root = issue_edition_root(issue)
    return {"recorded" if str(p.relative_to(settings.EDITIONS_ROOT)) == edition.directory
            else p.name for p in root.iterdir()}


# ---------------------------------------------------------------------- HTTP as a member


def _cookies(headers) -> dict[str, str]:
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def _post(base: str, path: str, fields: dict[str, str], cookie: str, csrf: str):
    """A form posted to one node as the browser would (same-origin Referer over https)."""
    form = urlencode({**fields, "csrfmiddlewaretoken": csrf}).encode()
    return http_get(f"{base}{path}", data=form, cookie=f"{cookie}; csrftoken={csrf}".lstrip("; "),
                    headers={"Referer": f"https://{base.removeprefix('http://')}{path}",
                             "Content-Type": "application/x-www-form-urlencoded"})


def _login(base: str, username: str, *, with_csrf: bool = False):
    """Log in through one node's login form; returns the Cookie header of the session (and
    the CSRF token the login gave, for forms posted after it)."""
    status, headers, body = http_get(f"{base}/accounts/login/")
    assert status == 200, body[:500]
    csrf = _cookies(headers)["csrftoken"]
    status, headers, body = _post(base, "/accounts/login/",
                                  {"username": username, "password": PASSWORD}, "", csrf)
    assert status == 302, body[:2000]
    given = _cookies(headers)
    cookie = f"sessionid={given['sessionid']}"
    return (cookie, given.get("csrftoken", csrf)) if with_csrf else cookie


def _urls(issue) -> tuple[str, str]:
    kwargs = {"publication_slug": issue.publication.slug, "number": issue.number}
    return reverse("publishing:issue_detail", kwargs=kwargs), reverse("publishing:issue_pdf",
                                                                       kwargs=kwargs)


def _download(site, base: str, path: str, cookie: str, edition: Edition) -> str:
    """The member's PDF from ``base`` (nginx or one node), byte for byte: a redirect to a
    signed URL on the S3 endpoint, or (shared folder) the file nginx sends after Django's
    hand-over, which a node asked directly answers with the X-Accel-Redirect header alone.
    Returns the node nginx passed the request to."""
    status, headers, body = http_get(base + path, cookie=cookie)
    if site.object_storage:
        assert status == 302, (status, body[:300])
        signed = headers["Location"]
        assert signed.startswith(f"http://127.0.0.1:{site.s3_port}/") and "Signature" in signed
        status, _headers, body = http_get(signed)
    elif base != site.nginx:
        assert status == 200, (status, body[:300])
        assert headers["X-Accel-Redirect"].endswith(f"{edition.directory}/issue.pdf")
        return ""
    assert status == 200, (status, body[:300])
    assert hashlib.sha256(body).hexdigest() == edition.pdf_sha256
    return headers.get("X-Upstream", "")


def _library_page(base: str, path: str, cookie: str, issue) -> str:
    status, headers, body = http_get(base + path, cookie=cookie)
    assert status == 200, (status, body[:300])
    assert issue.articles.first().title.encode() in body
    assert path.encode() + b"pdf" in body  # the download link of the new edition
    return headers.get("X-Upstream", "")


# ---------------------------------------------------------------------- the tests


def test_an_issue_scheduled_once_is_published_once_and_served_by_both_nodes(site):
    members = _members()
    issue = _issue(21)
    editor = _with_password(EditorFactory())
    # The editor releases it once: the board's "publish now" form, posted to node 1.
    cookie, csrf = _login(site.node(1), editor.username, with_csrf=True)
    status, headers, body = _post(site.node(1), reverse("publishing:board_publish_now",
                                                        args=[issue.pk]),
                                  {"confirm_stale": "1"}, cookie, csrf)
    assert status == 302, body[:2000]
    release = Release.objects.get(issue=issue, token__isnull=False)
    # The queue delivers the publish task twice (a redelivery), so both workers, idle and
    # polling, really race: each runs one copy at the same time.
    publish_issue_task.enqueue(issue.pk, str(release.token))
    _wait_published(site, issue)

    edition = _assert_published_once(issue, members)
    assert _edition_files(site, issue, edition) == {"recorded"}
    runs = DBTaskResult.objects.filter(task_path=PUBLISH_TASK)
    assert sorted(runs.values_list("return_value", flat=True)) in (
        ["already-published", "published"], ["claimed", "published"])
    # Each worker ran one copy (the first holds its task for the whole render).
    assert sorted(r.worker_ids[-1] for r in runs) == ["mn-worker-0", "mn-worker-1"]

    page, pdf = _urls(issue)
    cookie = _login(site.node(0), "member0")
    # nginx takes turns: consecutive pages come from both nodes.
    upstreams = {_library_page(site.nginx, page, cookie, issue) for _ in range(3)}
    assert upstreams == {f"127.0.0.1:{port}" for port in site.node_ports}
    for _ in range(2):
        _download(site, site.nginx, pdf, cookie, edition)
    for index in (0, 1):
        _library_page(site.node(index), page, cookie, issue)
        _download(site, site.node(index), pdf, cookie, edition)
    # The archive's cover thumbnail, made by the worker at publish, from either node.
    status, _headers, archive = http_get(site.node(0) + reverse("publishing:archive"))
    assert status == 200
    cover = re.search(rb'<ul class="covers">.*?<img src="([^"]+)"', archive, re.S).group(1)
    assert cover.startswith(settings.COVERS_URL.encode())  # the static thumbnail, not the view
    for base in (site.nginx, site.node(0), site.node(1)):
        status, headers, body = http_get(base + cover.decode())
        if status == 302 and site.object_storage:  # or a signed URL on the bucket
            status, headers, body = http_get(headers["Location"])
        assert status == 200 and body.startswith(b"\x89PNG"), (cover, status, body[:200])
    # Without a session: no PDF, from either node.
    for index in (0, 1):
        assert http_get(site.node(index) + pdf)[0] == 302


def test_killing_a_node_loses_no_request_and_no_session(site):
    members = _members(2)
    issue = _issue(22)
    issue_release_now(issue=issue, actor=EditorFactory(), stale_proof_ok=True)
    _wait_published(site, issue)
    edition = _assert_published_once(issue, members)
    page, pdf = _urls(issue)

    cookie = _login(site.node(0), "member1")  # a session made on node 0 …
    _download(site, site.node(1), pdf, cookie, edition)  # … works on node 1
    # … and lives in the shared cache (cached_db sessions on Redis), not only in one process.
    session_key = cookie.split("=", 1)[1]
    assert redis.Redis.from_url(site.redis_url).keys(f"bulletin:*{session_key}")

    node0 = site.procs["node0"]
    node0.kill()  # SIGKILL to gunicorn's master and its workers
    wait_until(lambda: not node0.group_alive(), "node 0's gunicorn workers to be gone")
    assert http_get(site.node(0) + page)[0] == 0  # node 0 is gone
    survivor = f"127.0.0.1:{site.node_ports[1]}"
    for _ in range(6):  # nginx passes each request on to node 1; none fails
        assert _library_page(site.nginx, page, cookie, issue).endswith(survivor)
        assert _download(site, site.nginx, pdf, cookie, edition).endswith(survivor)
    # Logging in goes on working too (on the survivor), the download through nginx.
    _download(site, site.nginx, pdf, _login(site.node(1), "member0"), edition)


def test_killing_a_worker_mid_publish_loses_nothing(site):
    members = _members(2)
    issue = _issue(23)
    issue_release_now(issue=issue, actor=EditorFactory(), stale_proof_ok=True)
    root = issue_edition_root(issue)
    workers = {site.procs[f"worker{i}"].pid: f"worker{i}" for i in (0, 1)}

    def rendering():
        """A worker holds the claim and has begun writing its staging files (in the shared
        folder, or in its own temporary folder before uploading)."""
        claim = EditionClaim.objects.filter(issue=issue).first()
        if claim is None:
            return None
        assert claim.pid in workers, (claim.pid, workers)
        if site.object_storage:
            local = site.tmp / workers[claim.pid] / "tmp"
            started = any(p.name.startswith("bulletin-publish-") for p in local.iterdir())
        else:
            started = root.is_dir() and any(p.name.startswith(".staging-") for p in root.iterdir())
        return claim if started else None

    claim = wait_until(rendering, "a worker to claim the issue and start rendering")
    victim = workers[claim.pid]
    if site.object_storage:
        # What a publisher killed half-way through its upload leaves: an unrecorded prefix.
        stray = f"editions/{issue_edition_key(issue)}/v1-0badc0ffee00/issue.pdf"
        site.s3_client().put_object(Bucket=site.s3_bucket, Key=stray, Body=b"%PDF-1.7\n% half")
    assert not Edition.objects.filter(issue=issue).exists()
    site.procs[victim].kill()  # SIGKILL while it holds the claim, mid-render
    wait_until(lambda: not site.procs[victim].group_alive(), f"{victim}'s render to be gone")

    _wait_published(site, issue)
    edition = _assert_published_once(issue, members)
    run = DBTaskResult.objects.get(task_path=PUBLISH_TASK)
    ids = {"worker0": "mn-worker-0", "worker1": "mn-worker-1"}
    survivor = ids["worker1" if victim == "worker0" else "worker0"]
    assert run.worker_ids == [ids[victim], survivor]  # taken over by the other worker
    assert run.return_value == "published"
    assert not EditionClaim.objects.filter(issue=issue).exists()
    assert not TaskWorker.objects.filter(worker_id=run.worker_ids[0]).exists()
    # Whatever the dead run had written was swept or never shown: only the recorded version.
    assert _edition_files(site, issue, edition) == {"recorded"}
    _page, pdf = _urls(issue)
    _download(site, site.nginx, pdf, _login(site.node(0), "member0"), edition)
