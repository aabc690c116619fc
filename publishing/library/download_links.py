"""Signed download links: the member PDF at static-file speed (issue 13).

The canonical PDF URLs (``/issues/<publication>/<n>/pdf`` and ``…/v<version>.pdf``) check
everything on every request: session, user, roles, membership, the issue and its access. That
is Django's whole request cycle for each click. The issue page instead gives a reader who may
read a short-lived link, ``/dl`` + the canonical path + ``/`` + a token signed with the site's
key (``django.core.signing``) over the canonical path, the edition's folder, the reader's user
id (0 for a public issue read anonymously), a hash of their session key, the expiry and two
*access generations*. ``SignedDownloadMiddleware`` (first in the stack after security) answers
such a link with no session, no user, no ORM and no access rules: the signature, the expiry,
the session cookie, one cache read of the generations, then the download row and
``X-Accel-Redirect`` (or the bucket's signed 302): the bytes never pass through Python.

An access generation is a random value in the cache, one per user and one per issue. Whatever
can change what a reader may read deletes it: membership, the user (active, password, login,
logout), roles (group membership, a group's name or deletion), the issue and its access level,
its editions, and every ``issue_touch`` (status, publishing, corrections, access). Deleted at
once and again after the transaction commits: a link signed before then carries a value the
cache no longer holds, so the very next click is refused by the lean path and goes to the
canonical URL, where the full check decides. A page reads the generations *before* it reads
the access state it decides with, so a change committed after that read always deletes what
was signed. A lost key (eviction, a Redis restart) is the same: the full check, never "allow".
Links expire after ``BULLETIN_DOWNLOAD_LINK_SECONDS`` and never after the membership's last day.

Every failure of the lean path (bad or tampered token, expired, another session, generation
changed or lost, file gone, cache unreachable) answers 302 to the canonical URL: never a 500,
never a file the full check would refuse. The generations need a cache every process shares
(Redis in production): a system check refuses the setting with a per-process cache.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from publishing import filestore
from publishing.filestore import StoredFile
from publishing.library import permissions, services
from publishing.library.downloads import counts_as_download, file_response
from publishing.library.selectors import issue_pdf_filename

PREFIX = "/dl"
_SALT = "publishing.download_links"
_GENERATION_TTL = 24 * 3600
# The canonical PDF paths a link may stand for (what ``publishing:issue_pdf`` and
# ``publishing:issue_pdf_version`` reverse to); anything else under the prefix is a 404.
_CANONICAL_RE = re.compile(r"^/issues/[-a-zA-Z0-9_]+/[0-9]{1,9}/(?:pdf|v[0-9]{1,9}\.pdf)$")


def enabled() -> bool:
    return settings.BULLETIN_DOWNLOAD_LINK_SECONDS > 0


def _user_key(user_id: int | str) -> str:
    return f"dl-gen:user:{user_id}"


def _issue_key(publication_slug: str, number: int | str) -> str:
    return f"dl-gen:issue:{publication_slug}/{number}"


# --------------------------------------------------------------------------- generations


def _drop(keys: list[str]) -> None:
    """Delete the generations now and once more after the commit: a page that read the old
    value, or read it again before the change was visible, signs nothing that stays valid."""
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def users_changed(user_ids: Iterable[int]) -> None:
    """Signed links of these users stop working at the next click."""
    _drop([_user_key(pk) for pk in user_ids if pk is not None])


def issues_changed(issues: Iterable[tuple[str, int]]) -> None:
    """Signed links to these issues (publication slug, number) stop working at the next click."""
    _drop([_issue_key(slug, number) for slug, number in issues])


def _generations(keys: list[str]) -> dict[str, str]:
    """The current value of each key, a new random one where the cache has none."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, secrets.token_urlsafe(9), _GENERATION_TTL)
    if missing:
        found.update(cache.get_many(missing))
    return found


def _session_hash(session_key: str | None) -> str:
    return salted_hmac(_SALT + ".session", session_key or "").hexdigest()[:20]


# --------------------------------------------------------------------------- minting


@dataclass
class PageLinks:
    """The generations a page read before its access check, to sign that page's links with."""

    publication_slug: str
    number: int
    user_id: str | None
    session_key: str | None
    generations: dict[str, str]

    def sign(self, response: HttpResponse, *, issue, user, editions: Callable[[], list],
             now: float | None = None) -> HttpResponse:
        """Replace the page's canonical PDF links with signed ones, if this reader may read
        the issue (the full rule, ``publishing.read_issue``). ``editions()`` gives the issue's
        editions, asked only when there is something to sign."""
        if response.status_code != 200 or not user.has_perm("publishing.read_issue", issue):
            return response
        signed_user = str(user.pk) if user.is_authenticated else None
        if signed_user != self.user_id:  # the session changed under the page: sign nothing
            return response
        public = permissions.issue_is_public(issue)
        if signed_user is None and not public:
            return response
        now = time.time() if now is None else now
        expires = now + settings.BULLETIN_DOWNLOAD_LINK_SECONDS
        membership = permissions.user_membership(user)
        reads_by_membership = not public and permissions.reader_class(user) != permissions.READS_EVERYTHING
        if reads_by_membership and membership is not None and membership.expires_on is not None:
            # Never past the membership's last day (the day ends at midnight, local time).
            last = dt.datetime.combine(membership.expires_on + dt.timedelta(days=1), dt.time.min,
                                       tzinfo=timezone.get_current_timezone())
            expires = min(expires, last.timestamp())
        html = response.content.decode()
        kwargs = {"publication_slug": self.publication_slug, "number": self.number}
        for edition in editions():
            paths = [reverse("publishing:issue_pdf_version", kwargs={**kwargs, "version": edition.version})]
            if edition.superseded_at is None:
                paths.append(reverse("publishing:issue_pdf", kwargs=kwargs))
            for path in paths:
                attribute = f'href="{path}"'
                if attribute in html:
                    url = self.url(path, edition=edition, issue=issue, public=public,
                                   expires=expires)
                    html = html.replace(attribute, f'href="{url}"')
        response.content = html.encode()
        return response

    def url(self, canonical: str, *, edition, issue, public: bool, expires: float) -> str:
        issue_gen = self.generations[_issue_key(self.publication_slug, self.number)]
        user_gen = self.generations.get(_user_key(self.user_id)) if self.user_id else ""
        payload = {
            "c": canonical, "i": issue.pk, "d": edition.directory, "z": edition.pdf_size,
            "f": issue_pdf_filename(issue, edition), "p": int(public),
            "u": int(self.user_id or 0), "s": _session_hash(self.session_key) if self.user_id else "",
            "x": int(expires), "gi": issue_gen, "gu": user_gen,
        }
        return PREFIX + canonical + "/" + signing.dumps(payload, salt=_SALT, compress=True)


def page_links(request: HttpRequest, *, publication_slug: str, number: int) -> PageLinks | None:
    """Read the reader's and the issue's generations: call this before anything that reads
    who may read (the user, roles, membership, the issue). None when links are off."""
    if not enabled() or request.method not in {"GET", "HEAD"}:
        return None
    session = getattr(request, "session", None)
    user_id = session.get(SESSION_KEY) if session is not None else None
    user_id = str(user_id) if user_id is not None else None
    keys = [_issue_key(publication_slug, number)] + ([_user_key(user_id)] if user_id else [])
    return PageLinks(publication_slug=publication_slug, number=number, user_id=user_id,
                     session_key=session.session_key if session is not None else None,
                     generations=_generations(keys))


# --------------------------------------------------------------------------- serving


def _to_canonical(canonical: str) -> HttpResponse:
    response = HttpResponseRedirect(canonical)
    response["Cache-Control"] = "private, no-store"
    return response


def serve(request: HttpRequest, *, now: float | None = None) -> HttpResponse:
    """Answer a signed link (the path below ``PREFIX``), or send the reader to the canonical
    URL for the full check."""
    canonical, _slash, token = request.path_info[len(PREFIX):].rpartition("/")
    if not _CANONICAL_RE.match(canonical):
        return HttpResponseNotFound()
    if request.method not in {"GET", "HEAD"}:
        return _to_canonical(canonical)
    try:
        data = signing.loads(token, salt=_SALT)
        if data["c"] != canonical or (time.time() if now is None else now) >= data["x"]:
            return _to_canonical(canonical)
        user_id = data["u"]
        if user_id and data["s"] != _session_hash(
                request.COOKIES.get(settings.SESSION_COOKIE_NAME)):
            return _to_canonical(canonical)
        _issues, slug, number, _file = canonical.split("/", 4)[1:]
        wanted = {_issue_key(slug, number): data["gi"]}
        if user_id:
            wanted[_user_key(user_id)] = data["gu"]
        found = cache.get_many(list(wanted))
    except Exception:  # a bad or tampered token, a malformed payload, an unreachable cache
        return _to_canonical(canonical)
    if found != wanted:
        return _to_canonical(canonical)
    name = f"{data['d']}/issue.pdf"
    if filestore.on_object_storage("editions"):
        file: Path | StoredFile = StoredFile("editions", name, data["z"])
    else:
        file = Path(settings.EDITIONS_ROOT) / name
    try:
        response = file_response(request, file, filename=data["f"],
                                 content_type="application/pdf", private=not data["p"])
    except (FileNotFoundError, NotADirectoryError, Http404):
        return _to_canonical(canonical)
    if counts_as_download(response):
        services.download_record_ids(issue_id=data["i"], user_id=user_id or None)
    return response


class SignedDownloadMiddleware:
    """Answers ``/dl/…`` signed links before sessions, auth and the rest of the stack; every
    other request passes straight through (one string comparison)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(PREFIX + "/"):
            return serve(request)
        return self.get_response(request)


# --------------------------------------------------------------------------- what changes access


def _issue_ids_changed(issue_ids: Iterable[int | None]) -> None:
    from editorial.models import Issue

    ids = [pk for pk in issue_ids if pk is not None]
    if ids and enabled():  # off: no link exists to refuse, and no query is spent on finding them
        issues_changed(Issue.objects.filter(pk__in=ids).values_list("publication__slug", "number"))


def _issue_saved(sender, instance, **kwargs) -> None:
    try:
        issues_changed([(instance.publication.slug, instance.number)])
    except Exception:
        return


def _issue_touched(sender, issue_id: int, **kwargs) -> None:
    _issue_ids_changed([issue_id])


def _issue_part_changed(sender, instance, **kwargs) -> None:
    """An edition or the access level: by the issue's id."""
    _issue_ids_changed([instance.issue_id])


def _membership_changed(sender, instance, **kwargs) -> None:
    users_changed([instance.user_id])


def _user_changed(sender, instance, **kwargs) -> None:
    users_changed([instance.pk])


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        users_changed([user.pk])


def _group_changed(sender, instance, **kwargs) -> None:
    """A role renamed or deleted: every holder's links (asked before a deletion)."""
    users_changed(list(instance.user_set.values_list("pk", flat=True)))


def _groups_of_users_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not reverse:  # user.groups.add/remove/clear
        users_changed([instance.pk])
    elif action == "pre_clear":  # group.user_set.clear()
        users_changed(list(instance.user_set.values_list("pk", flat=True)))
    else:  # group.user_set.add/remove
        users_changed(pk_set or [])


def connect_receivers() -> None:
    """Connected once from ``PublishingConfig.ready``."""
    from django.contrib.auth import get_user_model, user_logged_out
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    from editorial.models import Issue
    from editorial.signals import issue_touched
    from publishing.models import Edition, IssueAccess, Membership

    user_model = get_user_model()
    uid = "publishing.download_links."
    for signal, when in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(_issue_saved, sender=Issue, dispatch_uid=f"{uid}issue.{when}")
        signal.connect(_issue_part_changed, sender=Edition, dispatch_uid=f"{uid}edition.{when}")
        signal.connect(_issue_part_changed, sender=IssueAccess, dispatch_uid=f"{uid}access.{when}")
        signal.connect(_membership_changed, sender=Membership,
                       dispatch_uid=f"{uid}membership.{when}")
        signal.connect(_user_changed, sender=user_model, dispatch_uid=f"{uid}user.{when}")
    post_save.connect(_group_changed, sender=Group, dispatch_uid=uid + "group.saved")
    pre_delete.connect(_group_changed, sender=Group, dispatch_uid=uid + "group.deleted")
    m2m_changed.connect(_groups_of_users_changed, sender=user_model.groups.through,
                        dispatch_uid=uid + "user.groups")
    user_logged_out.connect(_logged_out, dispatch_uid=uid + "logout")
    issue_touched.connect(_issue_touched, dispatch_uid=uid + "issue.touched")
