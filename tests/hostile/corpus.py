"""Reading the hostile-input corpus: one file per input, with why it is there and what the
product must answer."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cases(folder: str, pattern: str = "*.json") -> list:
    """pytest params, one per file of ``tests/hostile/<folder>``, named after the file."""
    import pytest

    files = sorted((HERE / folder).glob(pattern))
    assert files, f"no hostile inputs in {folder}"
    return [pytest.param(path, id=path.stem) for path in files]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def body(spec: str | dict) -> str:
    """An article body from a corpus file: literal text, or ``prefix + open × times + middle +
    close × times + suffix`` so that a 3,000-level document stays a few bytes on disk."""
    if isinstance(spec, str):
        return spec
    times = spec.get("times", 1)
    part = {key: body(spec.get(key, "")) for key in ("prefix", "open", "middle", "close", "suffix")}
    return (part["prefix"] + part["open"] * times + part["middle"] + part["close"] * times
            + part["suffix"])


# A Word file has these parts at least; a corpus file gives word/document.xml and any others.
_DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'),
    "word/_rels/document.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"></Relationships>'),
}
DOCX_NAMESPACE = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(spec: dict) -> bytes:
    """A .docx built from a corpus file: ``parts`` maps part names to ``body`` specs (``{W}``
    stands for the WordprocessingML namespace declaration); ``filler`` adds that many empty
    parts. Bombs compress well, so nothing large is ever stored."""
    import io
    import zipfile

    parts = dict(_DOCX_PARTS)
    parts.update({name: body(value).replace("{W}", DOCX_NAMESPACE)
                  for name, value in spec["parts"].items()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for index in range(spec.get("filler", 0)):
            archive.writestr(f"word/media/filler-{index}.bin", b"")
    return buffer.getvalue()
