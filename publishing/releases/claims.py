"""The one claim on an issue's editions: publish, publish now and corrections all take it before
they render, so two of them never write version folders of the same issue at once.

- ``edition_claim`` takes the claim (the issue row locked while it looks) or raises
  ``EditionBusy`` naming what is running, who started it and when. A claim whose process is
  dead (``publishing.liveness``) is taken over; its leftovers are then swept.
- While held, a heartbeat thread keeps the lease fresh; ``claim_still_held`` is checked inside
  the transaction that records an edition, so a holder that lost its claim records nothing.
- ``sweep_leftovers`` removes ``.staging-*`` folders and version folders that no Edition row
  points at; a folder a recorded edition points at is never removed by any path.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import Issue
from publishing import filestore
from publishing.library.selectors import issue_edition_key, issue_edition_root
from publishing.liveness import Heartbeat, ProcessIdentity, process_alive
from publishing.models import ClaimAction, Edition, EditionClaim

logger = logging.getLogger(__name__)


class EditionBusy(Exception):
    """Another publish or correction of this issue is running; the message says which."""

    def __init__(self, claim: EditionClaim | None) -> None:
        self.claim = claim
        super().__init__(busy_message(claim))


def claim_description(claim: EditionClaim) -> str:
    """What is running, who started it and when: "更正版正在进行（zhang 于 … 开始）"."""
    started = timezone.localtime(claim.claimed_at).strftime("%Y-%m-%d %H:%M:%S")
    who = (claim.actor.get_full_name() or claim.actor.get_username()) if claim.actor else _(
        "后台任务")
    return _("%(action)s正在进行（%(who)s 于 %(time)s 开始）") % {
        "action": ClaimAction(claim.action).label, "who": who, "time": started}


def busy_message(claim: EditionClaim | None) -> str:
    if claim is None:
        return _("本期正在出版或生成更正版，请稍后刷新查看结果。")
    return _("%(running)s，请等它完成后刷新查看；这次操作没有执行。") % {
        "running": claim_description(claim)}


def issue_edition_in_progress(issue: Issue) -> str | None:
    """For the board: what is changing the issue's editions right now, if anything alive."""
    claim = EditionClaim.objects.filter(issue=issue).select_related("actor").first()
    if claim is None or not claim_is_alive(claim):
        return None
    return claim_description(claim)


def claim_is_alive(claim: EditionClaim) -> bool:
    return process_alive(host=claim.host, pid=claim.pid, started=claim.process_started,
                         heartbeat_at=claim.heartbeat_at)


def take_claim(*, issue: Issue, action: str, actor=None) -> EditionClaim:
    """Take the issue's claim inside the caller's transaction, which must hold the issue row
    (``select_for_update``). A dead holder's claim is taken over."""
    existing = EditionClaim.objects.select_for_update().filter(issue=issue).first()
    if existing is not None:
        if claim_is_alive(existing):
            raise EditionBusy(existing)
        logger.warning("taking over the edition claim of %s: its holder %s (%s:%s) is gone",
                       issue, existing.holder, existing.host, existing.pid)
        existing.delete()
    me = ProcessIdentity.current()
    now = timezone.now()
    try:
        with transaction.atomic():
            return EditionClaim.objects.create(
                issue=issue, action=action, holder=f"{me.host[:40]}:{me.pid}:{uuid.uuid4().hex[:12]}",
                host=me.host, pid=me.pid, process_started=me.started, actor=actor,
                claimed_at=now, heartbeat_at=now)
    except IntegrityError:  # another process claimed it between our look and our insert
        raise EditionBusy(EditionClaim.objects.filter(issue=issue).first()) from None


def release_claim(claim: EditionClaim) -> None:
    EditionClaim.objects.filter(pk=claim.pk, holder=claim.holder).delete()


def claim_still_held(claim: EditionClaim) -> bool:
    """Inside the recording transaction: lock our claim row and check it is still ours."""
    return EditionClaim.objects.select_for_update().filter(
        issue_id=claim.issue_id, holder=claim.holder).exists()


def reset_dead_claim(*, issue: Issue) -> None:
    """Rescheduling clears a claim left by a dead process (inside the caller's transaction
    holding the issue row); a live one is refused with ``EditionBusy``."""
    existing = EditionClaim.objects.select_for_update().filter(issue=issue).first()
    if existing is None:
        return
    if claim_is_alive(existing):
        raise EditionBusy(existing)
    existing.delete()
    issue_pk = issue.pk
    transaction.on_commit(lambda: sweep_leftovers(Issue.objects.get(pk=issue_pk)))


@contextmanager
def held(claim: EditionClaim) -> Iterator[EditionClaim]:
    """Keep the claim's heartbeat going while the body renders; drop the claim after."""

    def beat() -> None:
        EditionClaim.objects.filter(pk=claim.pk, holder=claim.holder).update(
            heartbeat_at=timezone.now())

    try:
        with Heartbeat(beat, name=f"claim-{claim.issue_id}"):
            sweep_leftovers(claim.issue)
            yield claim
    finally:
        release_claim(claim)


def recorded_directories(issue: Issue) -> set[str]:
    return set(Edition.objects.filter(issue=issue).values_list("directory", flat=True))


def remove_unrecorded(issue: Issue, folder) -> None:
    """Remove ``folder`` (a path, or a version uploaded to object storage) unless an Edition
    row points at it."""
    if not isinstance(folder, Path):
        if folder.directory in recorded_directories(issue):
            logger.error("refusing to remove %s: a recorded edition points at it", folder.directory)
            return
        filestore.delete_prefix(filestore.storage("editions"), folder.directory)
        return
    relative = str(folder.relative_to(Path(settings.EDITIONS_ROOT)))
    if relative in recorded_directories(issue):
        logger.error("refusing to remove %s: a recorded edition points at it", folder)
        return
    shutil.rmtree(folder, ignore_errors=True)


def sweep_leftovers(issue: Issue) -> list[Path]:
    """Remove what a dead publish run left in the issue's edition folder: staging folders and
    version folders without an Edition row. Called only by the claim's holder (or with the
    claim known to be free), so nothing there is another run's work in progress."""
    if filestore.on_object_storage("editions"):
        return _sweep_stored_leftovers(issue)
    root = issue_edition_root(issue)
    if not root.is_dir():
        return []
    keep = recorded_directories(issue)
    base = Path(settings.EDITIONS_ROOT)
    removed = []
    for child in root.iterdir():
        if not child.is_dir() or str(child.relative_to(base)) in keep:
            continue
        if child.name.startswith(".staging-") or (child.name[:1] == "v" and child.name[1:].isdigit()):
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    if removed:
        logger.warning("removed leftovers of an interrupted publish of %s: %s", issue,
                       ", ".join(p.name for p in removed))
    return removed


def _sweep_stored_leftovers(issue: Issue) -> list[str]:
    """Object storage: delete version prefixes (``v<N>-<token>``) no Edition row names, i.e.
    uploads of a publisher that died before recording them."""
    store = filestore.storage("editions")
    base = issue_edition_key(issue)
    keep = recorded_directories(issue)
    removed = []
    for name in filestore.subfolders(store, base):
        version = name.split("-", 1)[0]
        if f"{base}/{name}" in keep or not (version[:1] == "v" and version[1:].isdigit()):
            continue
        filestore.delete_prefix(store, f"{base}/{name}")
        removed.append(f"{base}/{name}")
    if removed:
        logger.warning("removed leftovers of an interrupted publish of %s: %s", issue,
                       ", ".join(removed))
    return removed
