"""The module structure holds: web processes and light commands never load the heavy libraries
(WeasyPrint, pypinyin, jieba, fontTools, pypdf, mammoth), and the import graph of our own code has
no cycles and points one way (publishing depends on editorial, never the reverse).

The import graph is read with grimp (a dev dependency, pinned in pyproject.toml and
requirements.lock): it parses every module's source without importing it and records each
``import`` statement, including those inside functions, so a "lazy" import that closes a cycle
counts as one. Imports under ``if TYPE_CHECKING:`` are left out: they never run. grimp was
chosen over import-linter (which is built on it) because the checks here are three plain
questions to the graph, which read more clearly as test code than as contract configuration.

The heavy libraries are checked in a fresh interpreter (a subprocess): the pytest process itself
has long imported them for the rendering tests. Each one is imported where it is used: WeasyPrint
by the renderer, pypinyin when a slug is made, jieba when a headline is balanced, fontTools when a
font's cmap is not cached yet, pypdf when a release is verified, mammoth when a Word file is
imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from django.db import connection
from django.urls import reverse

from editorial.models import ArticleState
from publishing.rendering.glyphs import drawable_code_points
from tests.factories import ArticleFactory, SectionFactory
from tests.publishing.library_fixtures import MARKERS, build_library

PROJECT = Path(__file__).resolve().parents[2]
FIRST_PARTY = ("bulletin", "editorial", "publishing")
# The modules that may import WeasyPrint: the PDF writer and what it installs or uses.
WEASYPRINT_MODULES = {
    "publishing.rendering.pdf",
    "publishing.rendering.fetcher",
    "publishing.rendering.justification",
    "publishing.rendering.weasy",
}

# Libraries that cost a web worker or a command tens of megabytes or a noticeable part of a
# second to import, and that only some operations need (see the module docstring).
HEAVY = ("weasyprint", "pypinyin", "jieba", "fontTools", "pypdf", "mammoth")
REPORT_HEAVY = f"""
heavy = sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r}))
"""

# Runs in a new interpreter: Django with the test settings on the test database the parent
# filled, every page requested with the test client, then what was imported is reported.
WEB_PROCESS = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "bulletin.settings.test"
config = json.loads(os.environ["STRUCTURE_TEST_CONFIG"])
from django.conf import settings
settings.DATABASES["default"]["NAME"] = config["database"]
settings.MEDIA_ROOT = config["media_root"]
settings.EDITIONS_ROOT = config["editions_root"]
from bulletin.wsgi import application  # what gunicorn loads: django.setup() and the handler
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
anonymous, editor = Client(), Client()
editor.force_login(get_user_model().objects.get(username=config["editor"]))
pages = {}
for who, client in (("anonymous", anonymous), ("editor", editor)):
    for path in config["pages"][who]:
        response = client.get(path)
        body = b"".join(response)  # streamed (the PDF) or not
        pages[who + " " + path] = [response.status_code, body.decode(errors="replace")]
""" + REPORT_HEAVY + """
print(json.dumps({"pages": pages, "heavy": heavy}))
"""


def _graph(*, external: bool = False) -> grimp.ImportGraph:
    return grimp.build_graph(*FIRST_PARTY, include_external_packages=external,
                             exclude_type_checking_imports=True, cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each one a cycle."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def _describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    lines = []
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported in component:
                where = graph.get_import_details(importer=importer, imported=imported)
                lines.append(f"  {importer} -> {imported} "
                             f"(line {', '.join(str(d['line_number']) for d in where)})")
    return "\n".join(lines)


def test_first_party_import_graph_has_no_cycles():
    graph = _graph()
    assert {"editorial.services.workflow", "publishing.rendering.pdf"} <= graph.modules
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n\n".join(_describe(graph, c) for c in cycles)


# publishing's sub-packages in layers (docs/architecture.md): each imports only earlier ones.
PUBLISHING_LAYERS = [{"rendering"}, {"library"}, {"releases"}, {"proofs"},
                     {"board", "previews", "stats"}]


def test_publishing_sub_packages_import_only_the_layers_below_them():
    graph = _graph()
    layer = {name: depth for depth, names in enumerate(PUBLISHING_LAYERS) for name in names}

    def sub_package(module: str) -> str | None:
        parts = module.split(".")
        return parts[1] if parts[0] == "publishing" and len(parts) > 1 and parts[1] in layer else None

    upward = sorted(
        f"{importer} -> {imported}"
        for importer in graph.modules if sub_package(importer)
        for imported in graph.find_modules_directly_imported_by(importer)
        if sub_package(imported) and sub_package(imported) != sub_package(importer)
        and layer[sub_package(imported)] >= layer[sub_package(importer)]
    )
    assert not upward


def test_editorial_never_imports_publishing():
    graph = _graph()
    offending = sorted(
        f"{importer} -> {imported}"
        for importer in graph.modules if importer.split(".")[0] == "editorial"
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.split(".")[0] == "publishing"
    )
    assert not offending


def test_only_the_pdf_renderer_imports_weasyprint():
    importers = _graph(external=True).find_modules_that_directly_import("weasyprint")
    assert importers, "the renderer itself should show up as importing weasyprint"
    assert importers <= WEASYPRINT_MODULES


def _run(code: str, *, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bulletin.settings.test", **(env or {})},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_web_process_serves_library_workspace_and_board_without_heavy_imports(settings):
    library = build_library()
    drawable_code_points()  # the fonts' cmaps cached on disk, as after the first render
    issue, article = library.issues["public"], library.articles["public"]
    draft = ArticleFactory(section=SectionFactory(publication=issue.publication, name="草稿栏"),
                           title="工作区草稿标题", state=ArticleState.DRAFT,
                           created_by=library.users["editor"])
    board_issue = library.issues["unpublished"]
    library_pages = [
        reverse("publishing:archive"),
        issue.get_absolute_url(),
        reverse("publishing:article_detail", kwargs={
            "publication_slug": issue.publication.slug, "number": issue.number,
            "slug": article.slug}),
        reverse("publishing:search") + "?q=" + MARKERS["public"],
        reverse("publishing:issue_pdf", kwargs={"publication_slug": issue.publication.slug,
                                                "number": issue.number}),
    ]
    editor_pages = [
        *library_pages,
        reverse("editorial:dashboard"),
        reverse("editorial:article_list"),
        reverse("editorial:article_edit", kwargs={"pk": draft.pk}),
        reverse("publishing:board"),
        reverse("publishing:board_issue", kwargs={"pk": board_issue.pk}),
    ]
    config = {
        "database": connection.settings_dict["NAME"],
        "media_root": str(settings.MEDIA_ROOT),
        "editions_root": str(settings.EDITIONS_ROOT),
        "editor": library.users["editor"].username,
        "pages": {"anonymous": library_pages, "editor": editor_pages},
    }
    report = json.loads(_run(WEB_PROCESS, env={"STRUCTURE_TEST_CONFIG": json.dumps(config)}))

    pages = report["pages"]
    assert len(pages) == len(library_pages) + len(editor_pages)
    assert {page: status for page, (status, _html) in pages.items() if status >= 400} == {}
    assert report["heavy"] == []
    # The pages showed the content the parent wrote, so they ran their real queries.
    issue_page = f"anonymous {issue.get_absolute_url()}"
    assert article.title in pages[issue_page][1]
    assert MARKERS["public"] in pages[f"anonymous {library_pages[3]}"][1]
    assert pages[f"anonymous {library_pages[4]}"][1].startswith("%PDF")
    assert draft.title in pages[f"editor {editor_pages[7]}"][1]
    assert board_issue.display_title in pages[f"editor {editor_pages[9]}"][1]


LIGHT_COMMAND = """
import io, json, sys, time
from contextlib import redirect_stdout
import django
django.setup()
from django.core.management import call_command
from django.db import connection
commands = {}
with redirect_stdout(io.StringIO()):
    call_command("migrate", "-v0")
    for command in sys.argv[1:]:
        started = time.perf_counter()
        call_command(command)
        commands[command] = time.perf_counter() - started
""" + REPORT_HEAVY + """
# Then, in the same interpreter that has not loaded WeasyPrint: the rendering package's names.
import publishing.rendering
from publishing.rendering import undrawable_characters, issue_print_html, edition_write
rendering = ["weasyprint" in sys.modules]
from publishing.rendering import issue_pdf_bytes
rendering.append("weasyprint" in sys.modules)
print(json.dumps({"commands": sorted(commands), "heavy": heavy, "rendering": rendering}))
"""
LIGHT_COMMANDS = ["check", "publish_due", "send_review_reminders"]


@pytest.fixture(scope="module")
def light_process(tmp_path_factory) -> dict:
    """One fresh interpreter (migrating a new database takes seconds) for two questions: what
    the light commands load, then what importing the rendering package's names loads."""
    database = tmp_path_factory.mktemp("light") / "light.sqlite3"
    output = _run(f"import sys; sys.argv[1:] = {LIGHT_COMMANDS!r}\n" + LIGHT_COMMAND,
                  env={"DATABASE_URL": f"sqlite:///{database}"})
    return json.loads(output)


def test_light_commands_load_no_heavy_library(light_process):
    """The system checks (which load every URLconf and view) and the cron commands that find
    nothing to do start without the libraries only rendering, publishing or importing need."""
    assert {k: light_process[k] for k in ("commands", "heavy")} == {
        "commands": sorted(LIGHT_COMMANDS), "heavy": []}


def test_importing_the_rendering_package_loads_weasyprint_only_for_pdf_names(light_process):
    assert light_process["heavy"] == []  # nothing had loaded it before (else this proves nothing)
    assert light_process["rendering"] == [False, True]


LOADED_LIBRARIES = """
import ctypes.util, json, re, sys
asked = []
search = ctypes.util.find_library
def counted(name):
    asked.append(name)
    return search(name)
ctypes.util.find_library = counted
if sys.argv[1] == "ours":
    from publishing.rendering.weasy import weasyprint
else:
    import weasyprint
maps = open("/proc/self/maps").read()
libraries = sorted(set(re.findall(r"/(lib(?:gobject|pango|harfbuzz|fontconfig)[^/\\s]*\\.so[.0-9]*)$",
                                  maps, re.M)))
print(json.dumps({"asked": asked, "libraries": libraries,
                  "restored": ctypes.util.find_library is counted}))
"""


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/self/maps (Linux)")
def test_weasyprint_loads_the_same_libraries_without_the_library_search():
    """publishing.rendering.weasy skips ctypes' find_library (ldconfig, gcc) while WeasyPrint
    imports: the same shared libraries end up loaded as with a plain import."""
    ours = json.loads(_run(f"import sys; sys.argv[1:] = ['ours']\n{LOADED_LIBRARIES}"))
    plain = json.loads(_run(f"import sys; sys.argv[1:] = ['plain']\n{LOADED_LIBRARIES}"))
    assert plain["asked"], "a plain import searches (else this test proves nothing)"
    assert ours["asked"] == [] and ours["restored"]
    assert ours["libraries"] == plain["libraries"]
    for library in ("libpango-1.0.so", "libharfbuzz.so", "libharfbuzz-subset.so"):
        assert any(name.startswith(library) for name in ours["libraries"]), library
