"""The members' library, the login page and the production board speak Simplified Chinese by
default and English once the reader presses the language button; the content (issue and article
titles) stays Chinese either way."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, translation

from tests.conftest import rows_for_the_module
from tests.publishing.library_fixtures import build_library

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
EDITORIAL_PO = ROOT / "editorial" / "locale" / "en" / "LC_MESSAGES" / "django.po"
# The print and web editions are the Chinese publication itself: their strings may stay as is.
PUBLICATION_TEMPLATES = ("templates/publishing/print/", "templates/publishing/edition/")
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module", autouse=True)
def compiled_messages():
    """`make setup` compiles the catalogs; a bare pytest run compiles them here if needed."""
    for po in (PROJECT_PO, EDITORIAL_PO):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            if shutil.which("msgfmt") is None:
                pytest.fail("gettext's msgfmt is missing: `make setup` installs it")
            call_command("compilemessages", locale=["en"], ignore_patterns=[".venv", "var"],
                         verbosity=0)
            break
    # Catalogs loaded earlier in the run (perhaps before the .mo existed) are dropped.
    translation.trans_real._translations = {}
    translation.trans_real._default = None


def catalog_entries(po: Path) -> list[dict]:
    """The entries of a .po file (not the header) as {field: text, "refs": [paths]}."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n")[1:]:
        entry: dict = {"refs": [], "flags": "", "raw": block}
        field = None
        for line in block.splitlines():
            if line.startswith("#:"):
                entry["refs"] += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
            elif line.startswith("#,"):
                entry["flags"] += line[2:]
            elif line.startswith('"'):
                entry[field] += line[1:-1]
            elif m := re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) \"(.*)\"$", line):
                field = m.group(1)
                entry[field] = m.group(2)
        entries.append(entry)
    return entries


def ui_fragments() -> set[str]:
    """Every Chinese piece of UI text the two catalogs know (placeholders cut out)."""
    fragments = set()
    for po in (PROJECT_PO, EDITORIAL_PO):
        for entry in catalog_entries(po):
            for part in re.split(r"%\(\w+\)s", entry["msgid"]):
                part = part.strip().replace('\\"', '"')
                if len(part) >= 2 and CJK.search(part):
                    fragments.add(part)
    return fragments


def test_every_library_string_has_an_english_translation():
    text = PROJECT_PO.read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text
    entries = catalog_entries(PROJECT_PO)
    assert len(entries) > 200
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    assert "\n#~ " not in text, "obsolete entries"
    untranslated = [
        e["msgid"] for e in entries
        if any(v == "" for k, v in e.items() if k.startswith("msgstr"))
        and not all(ref.startswith(PUBLICATION_TEMPLATES) for ref in e["refs"])
    ]
    assert untranslated == []
    for e in entries:  # placeholders survive translation
        wanted = set(re.findall(r"%\(\w+\)s", e["msgid"] + e.get("msgid_plural", "")))
        for key in (k for k in e if k.startswith("msgstr") and e[k]):
            assert set(re.findall(r"%\(\w+\)s", e[key])) == wanted, e["raw"]
    assert not any(ref.startswith(("editorial/", "templates/editorial/"))
                   for e in entries for ref in e["refs"]), "the workspace has its own catalog"


def test_shared_strings_keep_the_workspace_english():
    """The project catalog wins over the app catalogs: a msgid both have must mean the same."""
    editorial = {(e.get("msgctxt"), e["msgid"]): e.get("msgstr") for e in
                 catalog_entries(EDITORIAL_PO)}
    differing = [(e["msgid"], editorial[key], e.get("msgstr"))
                 for e in catalog_entries(PROJECT_PO)
                 if (key := (e.get("msgctxt"), e["msgid"])) in editorial
                 and editorial[key] != e.get("msgstr")]
    assert differing == []


@pytest.fixture(scope="module")
def _library_rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rows_for_the_module(build_library, request=request, django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)


@pytest.fixture
def library(_library_rows, db, settings):
    return _library_rows(settings)


def pages(library) -> dict:
    """name -> (user, url, Chinese texts, English texts, content that stays Chinese)."""
    public, members = library.issues["public"], library.issues["members"]
    planned = library.issues["unpublished"]
    return {
        "archive": (None, reverse("publishing:archive"),
                    ["会刊文库", "<h1>期刊</h1>", "检索", "登录"],
                    ["Bulletin library", "<h1>Issues</h1>", "Search", "Log in"],
                    [public.display_title, members.display_title]),
        "issue": (None, members.get_absolute_url(),
                  ["目录", "本期全文仅向协会会员开放。", "会员登录", "登录后下载 PDF"],
                  ["Contents", "The full text of this issue is for association members only.",
                   "Member login", "Log in to download the PDF"],
                  [members.display_title, library.articles["members"].title,
                   library.articles["members"].summary, library.articles["members"].section.name]),
        "search": (None, reverse("publishing:search") + "?q=甲骨公开",
                   ["找到 1 篇文章", "（登录后可检索会员专享期刊）", "标题、作者、标签或正文"],
                   ["1 article found", "(log in to search members-only issues too)",
                    "Title, author, tag or text"],
                   [library.articles["public"].title, public.display_title,
                    re.sub(r"<[^>]+>", "", library.articles["public"].body)]),
        "login": (None, reverse("login"),
                  ["用户名或邮箱", "密码", "忘记密码？", "连续输错密码 5 次"],
                  ["User name or e-mail", "Password", "Forgot your password?",
                   "Five wrong passwords in a row"],
                  []),
        "board": ("editor", reverse("publishing:board"),
                  ["期刊排版", "制作中的期刊", "新建一期", "期号", "会员"],
                  ["Production board", "Issues in production", "New issue", "Number",
                   "Members"],
                  [planned.display_title, public.display_title]),
    }


PAGES = ["archive", "issue", "search", "login", "board"]


def visible_text(html: str) -> str:
    """The page body without its markup (a search hit's <mark> splits no words)."""
    return re.sub(r"<[^>]*>", "", re.split(r"<body[^>]*>", html, maxsplit=1)[1])


def fetch(client, library, name: str, *, english: bool) -> str:
    user, url, *_ = pages(library)[name]
    if user:
        client.force_login(library.users[user])
    if english:
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_page_is_chinese_by_default(client, library, name):
    _user, _url, chinese, english, content = pages(library)[name]
    html = fetch(client, library, name, english=False)
    assert '<html lang="zh-CN">' in html
    for text in chinese:
        assert text in html
    for text in content:
        assert text in visible_text(html)
    for text in english:
        assert text not in html


@pytest.mark.parametrize("name", PAGES)
def test_page_is_english_after_the_language_switch(client, library, name):
    _user, _url, chinese, english, content = pages(library)[name]
    html = fetch(client, library, name, english=True)
    assert '<html lang="en">' in html
    for text in english:
        assert text in html
    for text in chinese:
        assert text not in html
    # No piece of Chinese UI text is left over, only the Chinese content.
    visible = visible_text(html)
    for text in content:
        assert text in visible
        visible = visible.replace(text, " ")
    leftovers = sorted(f for f in ui_fragments() if f in visible)
    assert leftovers == []


def test_cover_dates_follow_the_language(client, library):
    issue = library.issues["public"]
    day = issue.cover_date
    url = reverse("publishing:archive")
    assert f"{day.year}年{day.month}月{day.day}日" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    with translation.override("en"):
        english_date = formats.date_format(day, "DATE_FORMAT")
    html = client.get(url).content.decode()
    assert english_date in html
    assert f"{day.year}年{day.month}月{day.day}日" not in html


def test_switching_back_restores_chinese(client, library):
    url = reverse("publishing:archive")
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Bulletin library" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": url})
    html = client.get(url).content.decode()
    assert "会刊文库" in html and "Bulletin library" not in html
