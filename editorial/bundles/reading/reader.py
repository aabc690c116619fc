"""The reader: parse and validate all of a bundle's files, report every problem, write
nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import yaml
from django.conf import settings

from editorial.bundles.reading.parsed import (
    BundleError,
    BundleImage,
    BundleProblem,
    ParsedArticle,
    ParsedBundle,
    shown,
)
from editorial.images import ImageRejected, inspect_image
from editorial.richtext import find_hostile_markup, markdown_images, markdown_to_html, parse_markdown

ISSUE_KEYS = {
    "publication", "publication_slug", "number", "title", "date", "sections", "editor_note",
    "cover_image",
}
ARTICLE_KEYS = {
    "title", "section", "authors", "author_note", "source", "subtitle", "summary", "tags",
    "lead_image",
}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ISSUE_NUMBER = 2_147_483_647  # what Issue.number holds on every database


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases: a bundle never needs ``*name``, and a 1.4 KB
    "billion laughs" of nested aliases expands to gigabytes (a --dry-run ran into MemoryError)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in a bundle; write the value out",
                event.start_mark)
        return super().compose_node(parent, index)


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.problems: list[BundleProblem] = []
        self.images: dict[str, BundleImage] = {}

    def problem(self, file: str, where: str, message: str) -> None:
        self.problems.append(BundleProblem(file, where, message))

    # values -------------------------------------------------------------------------------
    def text(self, file: str, data: dict, key: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(file, key, "required key is missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(file, key, f"must be text, not {type(value).__name__}")
            return ""
        return str(value).strip()

    def text_list(self, file: str, data: dict, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(file, key, "must be a list, e.g. [张三, 李四]")
            return []
        items: list[str] = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, bool) or not isinstance(item, str | int | float) or not str(item).strip():
                self.problem(file, key, f"item {index} must be non-empty text")
            else:
                items.append(str(item).strip())
        return items

    def image(self, file: str, where: str, raw: str) -> BundleImage | None:
        """Resolve an image path inside the bundle, read it and have Pillow decode it."""
        ref = unquote(raw.strip())
        if not ref:
            self.problem(file, where, "image path is empty")
            return None
        if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", ref) or ref.startswith("//"):
            self.problem(file, where,
                         f"image {shown(raw)} is a URL; only files inside the bundle are allowed")
            return None
        if ref.startswith(("/", "\\")) or PurePosixPath(ref).is_absolute():
            self.problem(file, where, f"image path {shown(raw)} is absolute; give it relative to the bundle")
            return None
        target = (self.root / ref).resolve()
        if not target.is_relative_to(self.root):
            self.problem(file, where, f"image path {shown(raw)} leaves the bundle folder")
            return None
        rel = target.relative_to(self.root).as_posix()
        if rel in self.images:
            return self.images[rel]
        if not target.is_file():
            self.problem(file, where, f"image {shown(raw)} does not exist in the bundle")
            return None
        size = target.stat().st_size
        if size > settings.BULLETIN_IMAGE_MAX_BYTES:
            self.problem(file, where, f"image {rel}: file is {size / 1048576:.1f} MB; the limit is "
                                      f"{settings.BULLETIN_IMAGE_MAX_BYTES / 1048576:.0f} MB")
            return None
        data = target.read_bytes()
        try:
            inspect_image(data)
        except ImageRejected as exc:
            self.problem(file, where, f"image {rel}: {exc}")
            return None
        image = BundleImage(rel, data, hashlib.sha256(data).hexdigest())
        self.images[rel] = image
        return image

    # files --------------------------------------------------------------------------------
    def read_confined(self, path: Path, rel: str, limit: int) -> str | None:
        """The text of a bundle file, read only if it really is inside the bundle once every
        symbolic link is resolved, a regular file, at most ``limit`` bytes, and UTF-8."""
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            self.problem(rel, "file", "missing, or a broken or looping symbolic link")
            return None
        if not real.is_relative_to(self.root):
            self.problem(rel, "file", "is a symbolic link to a file outside the bundle folder; "
                                      "copy the file into the bundle instead")
            return None
        if not real.is_file():
            self.problem(rel, "file", "is not a regular file")
            return None
        with real.open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            self.problem(rel, "file", f"is larger than the limit of {limit // 1024} KB for this "
                                      f"kind of file")
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problem(rel, "file", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
            return None

    def load_yaml(self, file: str, text: str, first_line: int = 1) -> dict | None:
        try:
            data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a safe loader, no aliases
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            line = (mark.line + first_line) if mark else first_line
            problem = exc.problem or str(exc)
            prefix = "" if "aliases" in problem else "malformed YAML: "
            self.problem(file, f"line {line}", f"{prefix}{problem[:200]}")
            return None
        except yaml.YAMLError as exc:
            self.problem(file, f"line {first_line}", f"malformed YAML: {str(exc)[:200]}")
            return None
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            self.problem(file, f"line {first_line}", f"a value cannot be read: {str(exc)[:120]}")
            return None
        except RecursionError:
            self.problem(file, f"line {first_line}", "YAML nested too deeply to read")
            return None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.problem(file, f"line {first_line}", "must be a mapping of keys to values")
            return None
        return data

    def unknown_keys(self, file: str, data: dict, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.problem(file, shown(str(key), 40).strip("'"),
                             f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def read_issue(self) -> dict | None:
        path = self.root / "issue.yaml"
        if not path.is_file() and not path.is_symlink():
            self.problem("issue.yaml", "file", "missing: a bundle needs issue.yaml at its top")
            return None
        text = self.read_confined(path, "issue.yaml", settings.BULLETIN_BUNDLE_YAML_MAX_BYTES)
        if text is None:
            return None
        data = self.load_yaml("issue.yaml", text)
        if data is None:
            return None
        self.unknown_keys("issue.yaml", data, ISSUE_KEYS)
        result: dict = {}
        result["publication"] = self.text("issue.yaml", data, "publication", required=True)
        slug = self.text("issue.yaml", data, "publication_slug", required=True)
        if slug and not SLUG_RE.match(slug):
            self.problem("issue.yaml", "publication_slug",
                         f"{shown(slug)} must be lowercase ASCII letters, digits and hyphens")
        result["publication_slug"] = slug
        number = data.get("number")
        if number is None:
            self.problem("issue.yaml", "number", "required key is missing")
        elif (isinstance(number, bool) or not isinstance(number, int) or number < 1
              or number > MAX_ISSUE_NUMBER):
            self.problem("issue.yaml", "number", f"must be a whole number from 1 to "
                                                 f"{MAX_ISSUE_NUMBER}, not {shown(number)}")
            number = None
        result["number"] = number
        result["title"] = self.text("issue.yaml", data, "title")
        date = data.get("date")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date.strip())
            except ValueError:
                self.problem("issue.yaml", "date", f"{shown(date)} is not a date like 2024-06-30")
                date = None
        elif isinstance(date, dt.datetime):
            date = date.date()
        elif date is not None and not isinstance(date, dt.date):
            self.problem("issue.yaml", "date", f"{shown(date)} is not a date like 2024-06-30")
            date = None
        result["date"] = date
        sections = data.get("sections")
        if sections is None:
            self.problem("issue.yaml", "sections", "required key is missing")
            sections = []
        elif not isinstance(sections, list) or not sections:
            self.problem("issue.yaml", "sections", "must be a non-empty list of section names")
            sections = []
        else:
            names = self.text_list("issue.yaml", data, "sections")
            duplicates = sorted({n for n in names if names.count(n) > 1})
            if duplicates:
                self.problem("issue.yaml", "sections",
                             f"listed twice: {shown(', '.join(duplicates), 200)}")
            sections = names
        result["sections"] = sections
        note = self.text("issue.yaml", data, "editor_note")
        result["editor_note_html"] = ""
        if note:
            self.hostile("issue.yaml", "editor_note", note)
            result["editor_note_html"] = markdown_to_html(note)
        cover = self.text("issue.yaml", data, "cover_image")
        result["cover_image"] = self.image("issue.yaml", "cover_image", cover) if cover else None
        return result

    def hostile(self, file: str, where: str, source_html: str) -> None:
        for message in find_hostile_markup(source_html):
            self.problem(file, where, message)

    def read_article(self, path: Path, sections: list[str]) -> ParsedArticle | None:
        rel = path.relative_to(self.root).as_posix()
        text = self.read_confined(path, rel, settings.BULLETIN_BUNDLE_MARKDOWN_MAX_BYTES)
        if text is None:
            return None
        text = text.removeprefix("\ufeff").replace("\r\n", "\n")
        lines = text.split("\n")
        if not lines or lines[0].strip() != "---":
            self.problem(rel, "line 1", "must start with YAML front matter between two '---' lines")
            return None
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            self.problem(rel, "line 1", "front matter is not closed by a '---' line")
            return None
        front = "\n".join(lines[1:end])
        if len(front.encode("utf-8")) > settings.BULLETIN_BUNDLE_YAML_MAX_BYTES:
            self.problem(rel, "line 2", f"front matter is larger than the limit of "
                                        f"{settings.BULLETIN_BUNDLE_YAML_MAX_BYTES // 1024} KB")
            return None
        meta = self.load_yaml(rel, front, first_line=2)
        if meta is None:
            return None
        self.unknown_keys(rel, meta, ARTICLE_KEYS)
        title = self.text(rel, meta, "title", required=True)
        section = self.text(rel, meta, "section", required=True)
        if section and sections and section not in sections:
            self.problem(rel, "section",
                         f"{shown(section)} is not one of the issue's sections "
                         f"({shown('、'.join(sections), 200).strip(chr(39))})")
        lead_raw = self.text(rel, meta, "lead_image")
        article = ParsedArticle(
            key=path.stem,
            file=rel,
            title=title,
            section=section,
            authors=self.text_list(rel, meta, "authors"),
            author_note=self.text(rel, meta, "author_note"),
            source=self.text(rel, meta, "source"),
            subtitle=self.text(rel, meta, "subtitle"),
            summary=self.text(rel, meta, "summary"),
            tags=self.text_list(rel, meta, "tags"),
            lead_image=self.image(rel, "lead_image", lead_raw) if lead_raw else None,
        )
        body_offset = end + 1  # lines before the body
        body = "\n".join(lines[end + 1:])
        tokens = parse_markdown(body)
        for token in tokens:
            line = f"line {token.map[0] + 1 + body_offset}" if token.map else "body"
            if token.type == "html_block":
                self.hostile(rel, line, token.content)
            elif token.type == "inline":
                for child in token.children or []:
                    if child.type == "html_inline":
                        self.hostile(rel, line, child.content)
        for ref in markdown_images(tokens):
            image = self.image(rel, f"line {ref.line + body_offset}", ref.src)
            if image is not None:
                article.images.append((ref.token, image))
        article.tokens = tokens
        return article

    def read(self) -> ParsedBundle:
        if not self.root.is_dir():
            raise BundleError([BundleProblem(str(self.root), "folder", "is not a folder")])
        issue = self.read_issue()
        sections = issue["sections"] if issue else []
        articles_dir = self.root / "articles"
        articles: list[ParsedArticle] = []
        if not articles_dir.is_dir():
            self.problem("articles/", "folder", "missing: a bundle keeps its articles in articles/")
        elif not articles_dir.resolve().is_relative_to(self.root):
            self.problem("articles/", "folder", "is a symbolic link to a folder outside the "
                                                "bundle; copy the articles into the bundle")
        else:
            for path in sorted(articles_dir.iterdir(), key=lambda p: p.name):
                if path.name.startswith("."):
                    continue
                rel = path.relative_to(self.root).as_posix()
                if path.suffix != ".md" or not (path.is_file() or path.is_symlink()):
                    self.problem(rel, "file", "not a Markdown (.md) article file")
                    continue
                parsed = self.read_article(path, sections)
                if parsed is not None:
                    articles.append(parsed)
            if not articles and not self.problems:
                self.problem("articles/", "folder", "holds no articles")
        if self.problems or issue is None:
            raise BundleError(self.problems)
        order = {name: index for index, name in enumerate(sections)}
        articles.sort(key=lambda a: (order[a.section], a.file))
        return ParsedBundle(articles=articles, **issue)


def bundle_read(directory: Path | str) -> ParsedBundle:
    """Parse and validate a bundle without writing anything; raises ``BundleError``."""
    return _Reader(Path(directory)).read()
