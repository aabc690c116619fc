"""Exporting an issue as a bundle: written into a temporary folder and renamed into place, so a
reader never sees half a bundle.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import yaml
from django.conf import settings

from editorial.bundles.reading import BundleError, BundleProblem
from editorial.models import (
    Article,
    Asset,
    Issue,
)
from editorial.richtext import (
    html_to_markdown,
)
from editorial.selectors import articles_in_issue_order, issue_sections_in_order
from editorial.snapshots import ArticleContent


class _LiteralDumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_dict(dumper: yaml.SafeDumper, value: dict) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=False)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_LiteralDumper.add_representer(str, _represent_str)
_LiteralDumper.add_representer(dict, _represent_dict)
_LiteralDumper.add_representer(list, _represent_list)


def _dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False,
                     width=1_000_000)


def _safe_filename(name: str) -> str:
    name = re.sub(r"[\x00-\x1f/\\:*?\"<>|]+", "-", name).strip(" .-") or "image"
    return name[:120]


class _ImageNames:
    """Bundle paths for stored images: the original names, made unique in first-use order."""

    def __init__(self) -> None:
        self.by_asset: dict[int, str] = {}
        self.used: set[str] = set()

    def path_for(self, asset: Asset) -> str:
        if asset.pk not in self.by_asset:
            base = _safe_filename(asset.original_name)
            stem, dot, ext = base.rpartition(".")
            if not dot:
                stem, ext = base, asset.file.name.rsplit(".", 1)[-1]
            candidate, counter = f"{stem}.{ext}", 1
            while candidate.lower() in self.used:
                counter += 1
                candidate = f"{stem}-{counter}.{ext}"
            self.used.add(candidate.lower())
            self.by_asset[asset.pk] = f"images/{candidate}"
        return self.by_asset[asset.pk]


def _issue_articles(issue: Issue) -> list[Article]:
    articles = list(
        issue.articles.select_related("section", "lead_image")
        .prefetch_related("credits__contributor", "tags")
    )
    return articles_in_issue_order(articles)


def bundle_export(*, issue: Issue, directory: Path | str) -> list[str]:
    """Write ``issue`` as a bundle into ``directory`` (which must not exist or be empty)."""
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BundleError([BundleProblem(str(target), "folder", "exists and is not empty")])
    articles = _issue_articles(issue)
    names = _ImageNames()
    files: dict[str, bytes] = {}
    media_url = settings.MEDIA_URL
    assets_by_name = {}

    def copy_asset(asset: Asset) -> str:
        path = names.path_for(asset)
        if path not in files:
            with asset.file.open("rb") as handle:
                files[path] = handle.read()
        return path

    def body_image(src: str) -> str:
        if src.startswith(media_url):
            name = src[len(media_url):]
            if name not in assets_by_name:
                assets_by_name[name] = Asset.objects.filter(file=name).first()
            if assets_by_name[name] is not None:
                return copy_asset(assets_by_name[name])
        return src

    publication = issue.publication
    section_names = [s.name for s in issue_sections_in_order(issue, articles)]
    meta: dict = {
        "publication": publication.name,
        "publication_slug": publication.slug,
        "number": issue.number,
    }
    if issue.title:
        meta["title"] = issue.title
    if issue.cover_date:
        meta["date"] = issue.cover_date
    meta["sections"] = section_names
    if issue.editor_note:
        meta["editor_note"] = html_to_markdown(issue.editor_note).rstrip("\n")
    if issue.cover_image:
        meta["cover_image"] = copy_asset(issue.cover_image)
    files["issue.yaml"] = _dump_yaml(meta).encode()

    width = max(2, len(str(len(articles))))
    for index, article in enumerate(articles, start=1):
        content = ArticleContent.of_article(article)
        front: dict = {"title": content.title, "section": content.section.name}
        if content.credits:
            front["authors"] = [c.name for c in content.credits]
            notes = list(dict.fromkeys(c.note for c in content.credits if c.note))
            if notes:
                front["author_note"] = "；".join(notes)
        for key in ("source", "subtitle", "summary"):
            if getattr(content, key):
                front[key] = getattr(content, key)
        if content.tags:
            front["tags"] = list(content.tags)
        if content.lead_image:
            front["lead_image"] = copy_asset(content.lead_image)
        body = html_to_markdown(content.body, image_src=body_image)
        text = "---\n" + _dump_yaml(front) + "---\n" + ("\n" + body if body else "")
        files[f"articles/{index:0{width}d}-{article.slug}.md"] = text.encode()

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".bundle-", dir=target.parent))
    try:
        for rel, data in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (staging / "articles").mkdir(exist_ok=True)
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(files)
