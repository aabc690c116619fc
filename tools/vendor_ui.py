"""Re-fetch the workspace's vendored front-end files from the npm registry (`make vendor-ui`).

Versions are pinned here; the files are committed, so nothing reaches the internet at run
time or in tests. Run it only to upgrade: change a version, run, look at the diff, commit.

- Pico CSS: the class-light foundation of the workspace's design system (static/vendor/pico).
- Lucide: the icons, as one small SVG sprite of the icons the workspace uses (static/vendor/lucide).
- axe-core: the accessibility checker the browser gallery test injects (tests/browser/vendor).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PICO = "@picocss/pico@2.1.1"
LUCIDE = "lucide-static@1.62.0"
AXE = "axe-core@4.14.1"

# The icons the templates use ({% icon "name" %}); the sprite holds these only.
ICONS = sorted({
    "layout-dashboard", "file-text", "pen-line", "book-open", "image", "users", "settings",
    "log-out", "languages", "menu", "x", "plus", "upload", "save", "eye", "history",
    "file-down", "check", "circle-alert", "inbox", "search", "git-compare", "arrow-left",
    "send", "undo-2", "trash-2", "panel-right", "user", "file-up", "list-ordered", "clock",
})


def npm_pack(spec: str, into: Path) -> tarfile.TarFile:
    out = subprocess.run(["npm", "pack", "--silent", spec], cwd=into, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return tarfile.open(into / out)


def extract(archive: tarfile.TarFile, member: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.extractfile(f"package/{member}") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)


def sprite(archive: tarfile.TarFile) -> str:
    symbols = []
    for name in ICONS:
        svg = archive.extractfile(f"package/icons/{name}.svg").read().decode()
        inner = re.search(r"<svg[^>]*>(.*)</svg>", svg, re.S).group(1)
        inner = re.sub(r"<!--.*?-->", "", inner, flags=re.S)
        inner = re.sub(r"\s+", " ", inner).strip()
        symbols.append(f'<symbol id="{name}" viewBox="0 0 24 24">{inner}</symbol>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" fill="none" stroke="currentColor" '
            'stroke-width="2" stroke-linecap="round" stroke-linejoin="round">\n'
            + "\n".join(symbols) + "\n</svg>\n")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pico = npm_pack(PICO, work)
        extract(pico, "css/pico.min.css", ROOT / "static/vendor/pico/pico.min.css")
        extract(pico, "LICENSE.md", ROOT / "static/vendor/pico/LICENSE.md")
        lucide = npm_pack(LUCIDE, work)
        (ROOT / "static/vendor/lucide").mkdir(parents=True, exist_ok=True)
        (ROOT / "static/vendor/lucide/sprite.svg").write_text(sprite(lucide))
        extract(lucide, "LICENSE", ROOT / "static/vendor/lucide/LICENSE")
        axe = npm_pack(AXE, work)
        extract(axe, "axe.min.js", ROOT / "tests/browser/vendor/axe.min.js")
        extract(axe, "LICENSE", ROOT / "tests/browser/vendor/axe-LICENSE")
    versions = "\n".join(f"- {spec}" for spec in (PICO, LUCIDE, AXE))
    (ROOT / "static/vendor/VERSIONS.md").write_text(
        "# Vendored front-end packages\n\nFetched from the npm registry by `make vendor-ui` "
        f"(tools/vendor_ui.py), which pins them:\n\n{versions}\n")
    print(f"vendored {PICO}, {LUCIDE} ({len(ICONS)} icons), {AXE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
