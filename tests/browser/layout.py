"""Checks every browser test makes the same way (the gallery, the stories)."""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const overflow = document.documentElement.scrollWidth - width;
    const wide = overflow > 0 ? [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 1)
        .slice(-4).map(e => e.tagName + '.' + e.className + '#' + e.id) : [];
    return [overflow, wide];
}"""


def sideways_overflow(page) -> list[str]:
    """Sideways scrolling once the page has settled (fonts loaded, the editor set up)."""
    page.wait_for_function("document.fonts.status === 'loaded'")
    try:
        page.wait_for_function(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth",
            timeout=3000)
    except PlaywrightTimeout:
        overflow, wide = page.evaluate(OVERFLOW)
        return [f"scrolls sideways by {overflow}px: {wide}"]
    return []
