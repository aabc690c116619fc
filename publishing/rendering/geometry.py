"""Page geometry of the print edition: page sizes and a text block set on a character grid."""

from __future__ import annotations

from dataclasses import dataclass

from editorial.models import PageSize

BLEED_MM = 3
MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class PageGeometry:
    """A page size with a text block that is a whole number of characters wide.

    Chinese text is set on a grid: when the measure is exactly ``line_chars`` full-width
    characters, lines of pure Chinese end flush without any stretching.
    """

    width_mm: float
    height_mm: float
    font_pt: float
    line_chars: int
    top_mm: float
    bottom_mm: float

    @property
    def measure_mm(self) -> float:
        return self.line_chars * self.font_pt * MM_PER_PT

    @property
    def inner_mm(self) -> float:
        return round((self.width_mm - self.measure_mm) * 0.54, 2)

    @property
    def outer_mm(self) -> float:
        # A hair under the exact value so that rounding never costs a line its last character.
        return round(self.width_mm - self.measure_mm - self.inner_mm - 0.05, 2)

    def cover_band_mm(self, *, cover_image: bool) -> float:
        return round(self.height_mm * (0.4 if cover_image else 0.56), 1)

    def css(self, *, print_mode: bool, cover_image: bool = False) -> str:
        """@page rules and the sizes that follow from the page (cover layout, image limits).

        The print-shop variant has a 3 mm bleed; its crop marks are drawn outside the bleed by
        ``variants`` (WeasyPrint would draw them inside it, over the cover). The cover's
        colour band is an element that runs into the bleed (print.css), the page behind it is
        paper-coloured to the bleed edge.
        """
        bleed = f"bleed: {BLEED_MM}mm;" if print_mode else ""
        band = self.cover_band_mm(cover_image=cover_image)
        cover_image_mm = self.height_mm * (0.24 if self.height_mm > 220 else 0.2)
        return (
            f"@page {{ size: {self.width_mm}mm {self.height_mm}mm; "
            f"margin: {self.top_mm}mm {self.outer_mm}mm {self.bottom_mm}mm {self.inner_mm}mm; "
            f"{bleed} }}\n"
            f"@page :left {{ margin-left: {self.outer_mm}mm; margin-right: {self.inner_mm}mm; }}\n"
            f"@page :right {{ margin-left: {self.inner_mm}mm; margin-right: {self.outer_mm}mm; }}\n"
            f"@page cover {{ margin: 0; background: var(--paper); }}\n"
            f"@page back-cover {{ margin: 0; background: var(--paper); }}\n"
            f"html {{ font-size: {self.font_pt}pt; }}\n"
            f".cover, .back-cover {{ height: {self.height_mm - 0.5}mm; }}\n"
            f".back-cover-band {{ position: absolute; left: 0; right: 0; bottom: 0; "
            f"height: {self.height_mm * 0.3:.1f}mm; padding: 18mm {self.outer_mm}mm 0 "
            f"{self.inner_mm}mm; }}\n"
            f".masthead {{ padding-top: {self.height_mm * 0.3:.0f}mm; }}\n"
            f".cover-inner {{ padding-left: {self.inner_mm}mm; padding-right: {self.outer_mm}mm; }}\n"
            f".cover-band {{ height: {band}mm; padding: "
            f"{self.top_mm * (1 if cover_image else 1.6):.1f}mm {self.outer_mm}mm 9mm "
            f"{self.inner_mm}mm; }}\n"
            f".cover-publisher {{ bottom: {self.bottom_mm * 0.55:.1f}mm; }}\n"
            f".article-body img {{ max-height: {self.height_mm * 0.4:.0f}mm; }}\n"
            f".cover-image img {{ height: {cover_image_mm:.0f}mm; }}\n"
        )


PAGE_GEOMETRIES: dict[str, PageGeometry] = {
    PageSize.A4: PageGeometry(210, 297, 10.5, 44, 24, 22),
    PageSize.B5: PageGeometry(176, 250, 10, 38, 21, 19),
    PageSize.A5: PageGeometry(148, 210, 9.5, 32, 17, 16),
}


def page_geometry(page_size: str) -> PageGeometry:
    return PAGE_GEOMETRIES.get(page_size, PAGE_GEOMETRIES[PageSize.A4])
