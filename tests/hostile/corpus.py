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
    return (spec.get("prefix", "") + spec.get("open", "") * times + spec.get("middle", "")
            + spec.get("close", "") * times + spec.get("suffix", ""))
