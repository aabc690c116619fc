"""XSS corpus: 100+ hostile payloads in body, title, captions, contributor names, tags,
comments and review decisions; no page of the workspace (editor, article page, revisions,
diff, conflict page, lists) and no e-mail carries anything executable.

Checked in three layers, so the whole corpus stays fast:
- every payload at the sanitiser (no database);
- every payload through the article form and services into each workspace page's template
  (article page, editor, revisions, revision, diff, conflict page, list, dashboard);
- a handful of payloads through the whole workflow over HTTP, e-mail included.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from html.parser import HTMLParser

import pytest
from django import shortcuts
from django.conf import settings
from django.core import mail
from django.http import HttpResponse
from django.template import RequestContext
from django.template.loader import get_template
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode, ExtendsNode
from django.urls import resolve, reverse

from editorial import services
from editorial import views as editorial_views
from editorial.forms import ArticleForm
from editorial.models import Article
from editorial.richtext import find_hostile_markup, sanitize_html
from tests.conftest import rows_for_the_module
from tests.editorial.workspace.xss_payloads import PAYLOADS
from tests.factories import EditorFactory, ReviewerFactory, SectionFactory

SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "background", "poster",
             "srcset", "data", "cite", "codebase", "dynsrc", "lowsrc"}
# Every element our templates and the body allowlist produce; anything else got through.
KNOWN_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "header", "nav", "a", "form",
    "input", "button", "span", "main", "h1", "h2", "h3", "h4", "p", "div", "section", "ul",
    "ol", "li", "label", "select", "option", "textarea", "table", "thead", "tbody", "tr", "th",
    "td", "small", "img", "figure", "figcaption", "strong", "em", "b", "i", "u", "s", "sup",
    "sub", "code", "pre", "blockquote", "hr", "br", "fieldset", "legend", "details", "summary",
    "ins", "del", "time", "article", "aside", "footer", "dl", "dt", "dd", "dialog",
    "svg", "use",  # icons: <use href> into our own sprite (a URL attribute, checked below)
}


def _scheme(value: str) -> str | None:
    compact = re.sub(r"[\x00-\x20]", "", value).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", compact)
    return match.group(1) if match else None


class ExecutableFinder(HTMLParser):
    """Collects every construct in a page that a browser could run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in KNOWN_TAGS:
            self.problems.append(f"unexpected element <{tag}>")
        if tag == "script":
            src = attributes.get("src") or ""
            kind = attributes.get("type") or ""
            if src and not src.startswith(settings.STATIC_URL):
                self.problems.append(f"script from {src!r}")
            if not src and kind not in {"application/json", "importmap"}:
                self.problems.append("inline executable script")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append("meta http-equiv")
        if tag == "link" and not (attributes.get("href") or "").startswith("/"):
            self.problems.append(f"link to {attributes.get('href')!r}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name in {"srcdoc", "formaction"}:
                self.problems.append(f"{name} on <{tag}>")
            if name == "style" and re.search(r"url\(|expression|javascript", value, re.I):
                self.problems.append(f"style {value!r} on <{tag}>")
            if name in URL_ATTRS:
                for part in value.split(","):
                    scheme = _scheme(part.strip())
                    if scheme and scheme not in SAFE_SCHEMES:
                        self.problems.append(f"{scheme}: URL in {name} on <{tag}>")

    handle_startendtag = handle_starttag


def executable_parts(html: str) -> list[str]:
    finder = ExecutableFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def test_the_checker_itself_finds_executable_markup():
    assert executable_parts("<p>ok</p><script src='/static/x.js'></script>") == []
    for bad in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                "<a href='javascript:alert(1)'>x</a>", "<svg onload=alert(1)>",
                "<iframe srcdoc='x'></iframe>", "<a href=' java\tscript:x'>x</a>"]:
        assert executable_parts(bad), bad


def _name(payload: str, limit: int) -> str:
    return re.sub(r"[|｜\r\n]", "¦", payload)[:limit].strip() or "x"


def _caption(payload: str) -> str:
    return (f'<figure><img src="{settings.MEDIA_URL}images/a.png">'
            f"<figcaption>{payload}</figcaption></figure>")


def _form_data(payload: str, section) -> dict:
    """What a browser would post: the payload raw in every field of the article form."""
    return {
        "base_version": 0, "title": payload[:300], "subtitle": payload[:300],
        "section": section.pk, "summary": payload, "source": payload[:200],
        "tags": _name(payload, 90), "body": payload + _caption(payload),
        "credits": f"{_name(payload, 100)}｜{_name(payload, 300)}｜{_name(payload, 300)}",
    }


# Payloads that exercise each family (script, handler, URL, SVG/MathML, mutation, parser
# confusion) through the whole workflow over HTTP; the rest are covered by the layers below.
WORKFLOW_SAMPLE = [0, 4, 6, 11, 15, 19, 40, 60, 90, len(PAYLOADS) - 1]


def _build_people() -> dict:
    return {"people": (EditorFactory(), ReviewerFactory(),
                       EditorFactory(username="editor2", first_name="编辑丙")),
            "section": SectionFactory(name="专家观点")}


@pytest.fixture(scope="module")
def _people_rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The users and the section, built once for the module (each test in its own savepoint)."""
    yield from rows_for_the_module(_build_people, request=request,
                                   django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)


@pytest.fixture
def _rows(_people_rows, db, settings):
    return _people_rows(settings)


@pytest.fixture
def people(_rows):
    return _rows["people"]


@pytest.fixture
def section(_rows):
    return _rows["section"]


@pytest.mark.parametrize("payload", PAYLOADS, ids=[str(i) for i in range(len(PAYLOADS))])
def test_sanitiser_leaves_nothing_executable(payload):
    clean = sanitize_html(payload + _caption(payload))
    assert executable_parts(clean) == []
    assert find_hostile_markup(clean) == []
    assert sanitize_html(clean) == clean


def _create_through_the_form(editor, data: dict) -> Article:
    form = ArticleForm(data)
    assert form.is_valid(), form.errors
    return services.article_create(user=editor, content=form.content(lead_image=None))


def test_lists_of_articles_holding_every_payload_render_nothing_executable(people, section, client):
    editor = people[0]
    for payload in PAYLOADS:
        _create_through_the_form(editor, _form_data(payload, section))
    client.force_login(editor)
    pages = [client.get(reverse("editorial:dashboard"))]
    pages += [client.get(reverse("editorial:article_list"), {"page": n})  # 25 a page: all of them
              for n in range(1, len(PAYLOADS) // 25 + 2)]
    pages += [client.get(reverse("editorial:article_list"), {"q": payload[:50]})
              for payload in PAYLOADS[::7]]
    for response in pages:
        assert response.status_code == 200
        assert executable_parts(response.content.decode()) == []


def _page_blocks(template_name: str, context: dict, request) -> str:
    """Every block the page's own template fills (title, heading, actions, the page body…),
    rendered with the context its view built, as ``{% extends %}`` would render them, without
    the shared layout around them (sidebar, bell: the workflow sample below checks that)."""
    template = get_template(template_name).template
    extends = template.nodelist[0]
    assert isinstance(extends, ExtendsNode), template_name
    request_context = RequestContext(request, context)
    with request_context.render_context.push_state(template), \
            request_context.bind_template(template):
        parent = extends.get_parent(request_context)
        blocks = BlockContext()
        blocks.add_blocks(extends.blocks)
        blocks.add_blocks({node.name: node for node in parent.nodelist.get_nodes_by_type(BlockNode)})
        request_context.render_context[BLOCK_CONTEXT_KEY] = blocks
        own = [node for node in extends.nodelist if isinstance(node, BlockNode)]
        assert own, template_name
        return "".join(node.render(request_context) for node in own)


def _views_modules() -> list:
    names = [f"{editorial_views.__name__}.{info.name}"
             for info in pkgutil.iter_modules(editorial_views.__path__)]
    return [editorial_views, *(importlib.import_module(name) for name in names)]


@pytest.fixture
def page(monkeypatch, rf):
    """A workspace page as its view answers it, in process: the view runs (permission checks,
    selectors, forms, the conflict merge) and its template's blocks are rendered."""

    def blocks_only(request, template_name, context=None, status=None, **kwargs):
        return HttpResponse(_page_blocks(template_name, context or {}, request), status=status)

    # Every views module that renders with django.shortcuts.render (editorial.views is a
    # package split by sub-domain) answers with the blocks instead.
    for module in _views_modules():
        if getattr(module, "render", None) is shortcuts.render:
            monkeypatch.setattr(module, "render", blocks_only)

    def answer(user, path: str, data: dict | None = None, *, post: bool = False) -> HttpResponse:
        request = rf.post(path, data) if post else rf.get(path, data or {})
        request.user = user
        request.resolver_match = resolve(path)
        return request.resolver_match.func(request, *request.resolver_match.args,
                                           **request.resolver_match.kwargs)

    return answer


def test_page_blocks_hold_what_the_page_shows(people, section, page):
    """The template-level layer sees the fields: a marker in each field shows up in the blocks."""
    editor = people[0]
    article = _create_through_the_form(editor, _form_data("标记甲乙", section))
    html = page(editor, reverse("editorial:article_detail", args=[article.pk])).content.decode()
    assert html.count("标记甲乙") >= 3 and "<script>" not in html
    assert executable_parts(html + "<img src=x onerror=alert(1)>")


@pytest.mark.parametrize("payload", PAYLOADS, ids=[str(i) for i in range(len(PAYLOADS))])
def test_payload_in_every_field_renders_nothing_executable_on_any_page(payload, people, section,
                                                                      page):
    """The article form and services store the payload; every page of the article shows it inert
    (each page's own template, rendered with its view's context)."""
    editor = people[0]
    data = _form_data(payload, section)
    article = _create_through_the_form(editor, data)
    assert find_hostile_markup(article.body) == []
    assert sanitize_html(article.body) == article.body
    second = ArticleForm(data | {"base_version": 1,
                                 "body": payload + "<p>第二稿</p>" + _caption(payload)})
    assert second.is_valid(), second.errors
    services.article_update(user=editor, article_id=article.pk, base_version=1,
                            content=second.content(lead_image=None))
    services.comment_add(user=editor, article_id=article.pk, body=payload)
    edit = reverse("editorial:article_edit", args=[article.pk])
    stale = page(editor, edit, data | {"base_version": 1, "body": _caption(payload) + payload},
                 post=True)
    assert stale.status_code == 409
    pages = {
        "conflict": stale,
        "editor": page(editor, edit),
        "article": page(editor, reverse("editorial:article_detail", args=[article.pk])),
        "revisions": page(editor, reverse("editorial:revision_list", args=[article.pk])),
        "revision": page(editor, reverse("editorial:revision_detail", args=[article.pk, 1])),
        "diff": page(editor, reverse("editorial:revision_compare", args=[article.pk]),
                     {"a": 1, "b": 2}),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 409), name
        assert executable_parts(response.content.decode()) == [], (name, payload)


@pytest.mark.parametrize("payload", [PAYLOADS[i] for i in WORKFLOW_SAMPLE],
                         ids=[str(i) for i in WORKFLOW_SAMPLE])
def test_payload_is_never_executable_anywhere(payload, people, section, client,
                                              django_capture_on_commit_callbacks):
    editor, reviewer, _other = people
    caption = _caption(payload)
    data = _form_data(payload, section)
    client.force_login(editor)
    response = client.post(reverse("editorial:article_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert find_hostile_markup(article.body) == []
    assert sanitize_html(article.body) == article.body
    edit = reverse("editorial:article_edit", args=[article.pk])
    client.post(edit, data | {"base_version": 1, "body": payload + "<p>第二稿</p>" + caption})
    stale = client.post(edit, data | {"base_version": 1, "body": caption + payload})
    assert stale.status_code == 409
    pages = [
        stale.content.decode(),
        client.get(edit).content.decode(),
        client.get(reverse("editorial:article_detail", args=[article.pk])).content.decode(),
        client.get(reverse("editorial:revision_list", args=[article.pk])).content.decode(),
        client.get(reverse("editorial:revision_detail", args=[article.pk, 1])).content.decode(),
        client.get(reverse("editorial:revision_compare", args=[article.pk]),
                   {"a": 1, "b": 2}).content.decode(),
        client.get(reverse("editorial:article_list"), {"q": payload[:50]}).content.decode(),
        client.get(reverse("editorial:dashboard")).content.decode(),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("editorial:article_submit", args=[article.pk]), {
            "reviewers": [reviewer.pk], "due_date": "2099-01-01", "comment": payload})
    client.force_login(reviewer)
    client.post(reverse("editorial:comment_create", args=[article.pk]), {"body": payload})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("editorial:article_request_changes", args=[article.pk]),
                    {"comment": payload})
    pages.append(client.get(reverse("editorial:article_detail", args=[article.pk])).content.decode())
    for number, html in enumerate(pages):
        assert executable_parts(html) == [], (number, payload)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        [(html, kind)] = message.alternatives
        assert kind == "text/html" and executable_parts(html) == [], payload
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.to in (["reviewer@example.org"], ["editor@example.org"])
