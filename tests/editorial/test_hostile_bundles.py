"""Hostile issue bundles (tests/hostile/bundles): every file read stays inside the bundle once
symbolic links are resolved, YAML and Markdown files are size-limited, YAML aliases are refused,
and no message quotes an unbounded value — with and without --dry-run, nothing imported."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from editorial.models import Article
from editorial.richtext import nesting_depth
from tests.editorial.conftest import EXPERT, ISSUE_YAML, write_bundle
from tests.editorial.test_bundles import snapshot
from tests.factories import png_bytes
from tests.hostile.corpus import body, cases, load

pytestmark = pytest.mark.django_db

SECRET = "机密内容不得外泄"


def _outside(root: Path) -> Path:
    """Files next to the bundle that a link might point at."""
    outside = root / "outside"
    (outside / "articles").mkdir(parents=True)
    article = f"---\ntitle: {SECRET}\nsection: 专家观点\n---\n\n{SECRET}\n"
    (outside / "secret.md").write_text(article, encoding="utf-8")
    (outside / "articles" / "01-secret.md").write_text(article, encoding="utf-8")
    (outside / "issue.yaml").write_text(ISSUE_YAML.replace("9", "77").replace("欢迎会员来稿", SECRET),
                                        encoding="utf-8")
    (outside / "secret.png").write_bytes(png_bytes(60, 80, "#ff0000"))
    return outside


def _build(tmp_path: Path, case: dict) -> Path:
    outside = _outside(tmp_path)
    issue_yaml = body(case["issue_yaml"]) if "issue_yaml" in case else ISSUE_YAML
    articles = {"01-li-xilin-advantages.md": EXPERT}
    articles.update({name: body(spec) for name, spec in case.get("articles", {}).items()})
    root = write_bundle(tmp_path / "bundle", articles=articles, issue_yaml=issue_yaml)
    for name, target in case.get("links", {}).items():
        link = root / name
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        elif link.exists():
            link.unlink()
        os.symlink(root / target[1:] if target.startswith("@") else outside / target, link)
    return root


def _run(root: Path, *args: str) -> tuple[str, bool]:
    out = io.StringIO()
    try:
        call_command("import_issue", str(root), *args, stdout=out, stderr=out)
    except CommandError as exc:
        return out.getvalue() + str(exc), False
    return out.getvalue(), True


@pytest.mark.parametrize("path", cases("bundles"))
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_hostile_bundle_is_refused_with_a_short_clear_message(tmp_path, path, dry_run):
    case = load(path)
    root = _build(tmp_path, case)
    before = snapshot()
    output, imported = _run(root, *(["--dry-run"] if dry_run else []))
    assert SECRET not in output and "Traceback" not in output
    assert max(len(line) for line in output.splitlines()) < 400, output[:2000]
    if case.get("imports"):
        assert imported, output
        if not dry_run:
            deep = Article.objects.get(title="深层引用")
            assert nesting_depth(deep.body) <= 64 and 'colspan="50"' in deep.body
        return
    assert not imported
    for expected in case["expect"]:
        assert expected in output, output[:3000]
    assert "nothing was imported" in output
    assert snapshot() == before
    assert not Article.objects.filter(title=SECRET).exists()


def test_a_link_that_stays_inside_the_bundle_is_followed(tmp_path):
    root = write_bundle(tmp_path / "bundle", articles={"01-li-xilin-advantages.md": EXPERT})
    (root / "shared").mkdir()
    (root / "shared" / "article.md").write_text(EXPERT.replace("塑造", "再论"), encoding="utf-8")
    os.symlink(root / "shared" / "article.md", root / "articles" / "02-linked.md")
    output, imported = _run(root)
    assert imported, output
    assert Article.objects.count() == 2
