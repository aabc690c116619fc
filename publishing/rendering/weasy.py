"""WeasyPrint, imported once per process without ctypes' library search (the renderer's modules
take ``weasyprint`` from here).

WeasyPrint loads Pango, HarfBuzz, fontconfig… through cffi, trying several names per library
(``libpango-1.0-0``, ``pango-1.0-0``, ``pango-1.0``, ``libpango-1.0.so.0``, …). Every name that
is not a loadable file makes cffi ask ``ctypes.util.find_library``, which on Linux runs
``ldconfig -p`` and then ``gcc`` and ``ld`` — 22 questions, several subprocesses each: half of
``import weasyprint`` (0.4–0.6 s of 0.9 s, measured in docs/performance.md), paid by every render
process. The Linux sonames later in each list are opened by the dynamic linker directly, so
while WeasyPrint imports, the search answers "not found" at once; the libraries loaded are the
same (``tests/bulletin/test_structure.py`` compares them with a plain import). Should a system
need the search after all (libraries found only by ``gcc``), the import fails with ``OSError``
and is simply repeated with the search as usual.
"""

from __future__ import annotations

import ctypes.util
import sys


def _not_searched(name: str) -> None:
    return None


def _load():
    if "weasyprint" in sys.modules:  # imported before this module (tests, a shell)
        return sys.modules["weasyprint"]
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        import weasyprint
    except OSError:
        ctypes.util.find_library = search
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint


weasyprint = _load()
