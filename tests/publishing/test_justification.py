"""The CJK justification patch: its byte-offset arithmetic, and that it runs only when the
renderer installs it, on the WeasyPrint version it was written for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from publishing import checks
from publishing.rendering import justification
from publishing.rendering.justification import WEASYPRINT_VERSION, _spacing_ranges

PROJECT = Path(__file__).resolve().parents[2]


def ranges(text: str, spacing: float = 1.0, word_spacing: float = 0.0,
           letter_spacing: float = 0.0) -> list[tuple[int, int, float]]:
    return _spacing_ranges(text, spacing=spacing, word_spacing=word_spacing,
                           letter_spacing=letter_spacing)


# --------------------------------------------------------------------------- spacing ranges

def test_chinese_then_latin_widens_the_chinese_characters_only():
    # 数 0-3, 字 3-6, "ab" 6-8: the first character gets twice (Pango gives half at the edges).
    assert ranges("数字ab") == [(0, 3, 2.0), (3, 6, 1.0)]


def test_emoji_between_chinese_keep_their_four_bytes_unwidened():
    # a 0, b 1, 😀 2-6, 数 6-9, 字 9-12, 😀 12-16
    assert ranges("ab😀数字😀") == [(6, 12, 1.0)]


def test_last_character_of_the_text_gets_twice_the_spacing():
    # A 0, space 1, 数 2-5, 字 5-8 (the end of the text)
    assert ranges("A 数字", word_spacing=0.5) == [(1, 2, 1.5), (2, 5, 1.0), (5, 8, 2.0)]


def test_a_single_character_is_both_first_and_last_and_widened_once():
    assert ranges("字") == [(0, 3, 2.0)]


def test_spaces_also_take_word_spacing_and_every_run_letter_spacing():
    # 数 0-3, space 3-4, "DEPA" 4-8, no-break space 8-10, 协 10-13, 定 13-16, 😀 16-20
    text = "数 DEPA\u00a0协定😀"
    assert ranges(text, spacing=2.0, word_spacing=1.0, letter_spacing=0.5) == [
        (0, 3, 5.0), (3, 4, 3.5), (8, 10, 3.5), (10, 16, 2.5),
    ]


def test_full_width_punctuation_and_quotes_are_widened_like_han():
    # “ 0-3, 数 3-6, ” 6-9, ， 9-12, x 12
    assert ranges("“数”，x") == [(0, 3, 2.0), (3, 12, 1.0)]


@pytest.mark.parametrize("text", [
    "当前，数字技术快速发展，深刻改变社会生产生活方式。",
    "2023年跨境电商进出口 2.38 万亿元 👍🏽，同比增长 15.6%。",
    "DEPA（《数字经济伙伴关系协定》）👨‍👩‍👧 与 RCEP",
    "  前后有空格  ",
    "emoji only 😀😀",
    "",
])
def test_ranges_cover_each_widened_character_once_and_nothing_else(text):
    encoded = text.encode()
    found = ranges(text)
    covered: list[int] = []
    for start, end, amount in found:
        assert 0 <= start < end <= len(encoded) and amount > 0
        encoded[start:end].decode()  # never splits a character
        covered.extend(range(start, end))
    assert covered == sorted(set(covered)), "ranges overlap or are out of order"
    expected = []
    position = 0
    for char in text:
        size = len(char.encode())
        if justification._EXPANDABLE_RE.fullmatch(char):
            expected.extend(range(position, position + size))
        position += size
    assert covered == expected


# --------------------------------------------------------------------------- installing

def test_install_refuses_another_weasyprint_version(monkeypatch):
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(ImproperlyConfigured, match=rf"WeasyPrint 71\.0 .* {WEASYPRINT_VERSION}"):
        justification.install()


def test_install_is_idempotent():
    from weasyprint.text import line_break

    justification.install()
    patched = line_break.Layout.set_text
    justification.install()
    assert justification.installed() and line_break.Layout.set_text is patched


def test_nothing_is_patched_at_import_only_when_the_renderer_runs():
    code = (
        "import sys, django; django.setup()\n"
        "from publishing.rendering import justification\n"
        "print('weasyprint' in sys.modules)\n"
        "from publishing.rendering import pdf\n"
        "print(justification.installed())\n"
        "pdf.pdf_from_html('<html lang=\"zh-CN\"><p>数字贸易</p></html>')\n"
        "print(justification.installed())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bulletin.settings.test"}, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False", "False", "True"]


# --------------------------------------------------------------------------- system check

def test_system_check_passes_on_the_version_the_patch_was_written_for():
    assert checks.check_weasyprint_version() == []


@pytest.mark.django_db
def test_system_check_is_an_error_on_another_version_and_stops_start_up(monkeypatch):
    monkeypatch.setattr(checks.metadata, "version", lambda name: "71.0")
    problems = checks.check_weasyprint_version()
    assert [type(p) for p in problems] == [Error]
    assert problems[0].id == "publishing.E001" and "71.0" in problems[0].msg
    with pytest.raises(SystemCheckError, match=r"publishing\.E001"):
        call_command("check")
