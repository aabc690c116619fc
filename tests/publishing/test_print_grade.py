"""The print-shop PDF is PDF/X-4 and the screen PDF meets PDF/A-2a and PDF/UA-1 — each
machine-checkable condition read from the real renderer's output with pikepdf.

One issue (the print test issue, with masthead settings and a two-column news section) is
rendered once per variant for the whole module.
"""

from __future__ import annotations

import functools
import itertools

import pikepdf
import pytest

from editorial.models import SectionLayout
from publishing.rendering import issue_pdf_bytes
from tests.publishing.conftest import render_rolled_back
from tests.publishing.pdf_conditions import (
    STANDARD_STRUCTURE_TYPES,
    content_facts,
    external_references,
    heading_levels,
    icc_header,
    marked_content_ids,
    open_pdf,
    structure_elements,
    xmp_tree,
    xmp_values,
)
from tests.publishing.print_fixtures import build_print_issue, squash

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MASTHEAD = dict(editorial_office="《大连数字贸易》编辑部", editor_in_chief="周文澜",
                address="大连市高新园区黄浦路 900 号", postcode="116023", phone="0411-8000 0000",
                printer="大连海事印刷厂", internal_permit="辽内资 2024-123",
                distribution="本会会员单位", masthead_note="内部资料，免费交流。")


def build_with_masthead():
    built = build_print_issue(slug="grade-test")
    publication = built.issue.publication
    for name, value in MASTHEAD.items():
        setattr(publication, name, value)
    publication.save()
    publication.sections.filter(name__in=["国内资讯", "国际资讯"]).update(
        layout=SectionLayout.TWO_COLUMNS)
    return built


@pytest.fixture(scope="module")
def screen(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        return render_rolled_back(tmp_path_factory, build_with_masthead)


@pytest.fixture(scope="module")
def printshop(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        return render_rolled_back(tmp_path_factory, build_with_masthead,
                                  functools.partial(issue_pdf_bytes, print_mode=True))


@pytest.fixture(scope="module")
def screen_pdf(screen):
    return open_pdf(screen.pdf.data)


@pytest.fixture(scope="module")
def print_pdf(printshop):
    return open_pdf(printshop.pdf.data)


# --------------------------------------------------------------------------- PDF/X-4

def test_print_pdf_identifies_as_pdf_x4(print_pdf):
    assert print_pdf.pdf_version == "1.6"
    assert xmp_values(xmp_tree(print_pdf), "pdfxid:GTS_PDFXVersion") == ["PDF/X-4"]
    assert str(print_pdf.docinfo["/Trapped"]) == "/False"
    assert print_pdf.trailer.ID and not print_pdf.is_encrypted
    assert xmp_values(xmp_tree(print_pdf), "dc:title") == [str(print_pdf.docinfo.Title)]


def test_print_pdf_has_one_cmyk_output_intent_naming_fogra39(print_pdf):
    (intent,) = print_pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFX"
    assert str(intent.OutputConditionIdentifier) == "FOGRA39"
    assert str(intent.RegistryName) == "http://www.color.org"
    assert intent.DestOutputProfile.N == 4
    assert icc_header(intent.DestOutputProfile) == ("CMYK", "prtr")


def test_print_pdf_boxes_trim_inside_bleed_inside_media(print_pdf):
    mm = 72 / 25.4
    for page in print_pdf.pages:
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
        assert trim[0] - bleed[0] == pytest.approx(3 * mm, abs=0.05)
        assert bleed[0] - media[0] == pytest.approx(10 * mm, abs=0.05)
        assert bleed[2] - trim[2] == pytest.approx(3 * mm, abs=0.05)
        assert media[3] - bleed[3] == pytest.approx(10 * mm, abs=0.05)


def test_print_pdf_page_count_is_a_multiple_of_four_ending_with_masthead_and_back_cover(
        printshop):
    pages = printshop.pdf.pages
    assert len(pages) % 4 == 0
    masthead, back = squash(pages[-2].text), squash(pages[-1].text)
    assert "版权页" in masthead and "辽内资2024-123" in masthead and "大连海事印刷厂" in masthead
    assert "《大连数字贸易》编辑部" in masthead and "0411-80000000" in masthead
    assert "大连数字贸易" in back and "主办" in back
    blanks = [p for p in pages[:-2] if not squash(p.text)]
    assert all(p.number > pages[-2].number - 4 for p in blanks)  # padding sits at the end


def test_print_pdf_has_no_rgb_colour_anywhere(print_pdf):
    facts = content_facts(print_pdf)
    assert not facts.operators & {"rg", "RG"}
    for obj in print_pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
            space = obj.ColorSpace
            assert space != "/DeviceRGB"
            if isinstance(space, pikepdf.Array):
                assert space[0] == "/ICCBased"
        if isinstance(obj, pikepdf.Dictionary) and "/ShadingType" in obj:
            assert obj.ColorSpace != "/DeviceRGB"


def test_print_pdf_body_text_is_black_only(print_pdf):
    """Every run of the body face on the inner pages is 100 % K (no C, M or Y), so it cannot
    turn into four-colour black in a shop's conversion."""
    facts = content_facts(print_pdf)
    body_runs = [r for r in facts.runs if "Serif" in r.font and 0 < r.page < len(print_pdf.pages) - 1]
    assert len(body_runs) > 100
    assert {r.colour_space for r in body_runs} == {"/DeviceCMYK"}
    assert all(r.colour[:3] == (0, 0, 0) for r in body_runs)
    solid = [r for r in body_runs if r.colour == (0, 0, 0, 1)]
    assert len(solid) / len(body_runs) > 0.9


def test_print_pdf_brand_red_is_cmyk(print_pdf):
    facts = content_facts(print_pdf)
    reds = {r.colour for r in facts.runs if r.colour_space == "/DeviceCMYK" and len(r.colour) == 4}
    assert (0, 1, 0.9, 0.45) in reds


def test_print_pdf_has_no_annotations_and_no_external_references(print_pdf):
    assert all("/Annots" not in page for page in print_pdf.pages)
    assert external_references(print_pdf) == []


def test_print_pdf_crop_marks_are_in_registration_colour(print_pdf):
    page = print_pdf.pages[1]
    operators = [(list(operands), str(op)) for operands, op in pikepdf.parse_content_stream(page)]
    assert ([pikepdf.Name("/Registration")], "CS") in [
        ([o for o in operands], op) for operands, op in operators if op == "CS"]


# --------------------------------------------------------------------------- PDF/A-2a

def test_screen_pdf_identifies_as_pdf_a2a_and_pdf_ua1(screen_pdf):
    xmp = xmp_tree(screen_pdf)
    assert xmp_values(xmp, "pdfaid:part") == ["2"]
    assert xmp_values(xmp, "pdfaid:conformance") == ["A"]
    assert xmp_values(xmp, "pdfuaid:part") == ["1"]
    # Properties outside the predefined XMP schemas are declared (ISO 19005-2, 6.6.2.3).
    declared = xmp_values(xmp, "pdfaSchema:namespaceURI")
    assert "http://www.aiim.org/pdfua/ns/id/" in declared
    assert "http://prismstandard.org/namespaces/basic/3.0/" in declared


def test_screen_pdf_xmp_matches_the_info_dictionary_and_names_the_issue(screen_pdf, screen):
    xmp, info = xmp_tree(screen_pdf), screen_pdf.docinfo
    assert xmp_values(xmp, "dc:title") == [str(info.Title)] == [screen.title]
    assert xmp_values(xmp, "dc:creator") == [str(info.Author)] == [screen.publisher]
    assert xmp_values(xmp, "dc:description") == [str(info.Subject)]
    assert xmp_values(xmp, "pdf:Keywords") == [str(info.Keywords)]
    assert xmp_values(xmp, "pdf:Producer") == [str(info.Producer)]
    assert xmp_values(xmp, "dc:publisher") == [screen.publisher]
    assert xmp_values(xmp, "dc:language") == ["zh-CN"]
    assert xmp_values(xmp, "prism:number") == ["9"]
    assert xmp_values(xmp, "prism:publicationName") == ["大连数字贸易"]
    assert xmp_values(xmp, "xmp:CreateDate") == ["2024-06-30"]
    assert "辽内资 2024-123" in xmp_values(xmp, "dc:identifier")[0]
    assert str(info.CreationDate).startswith("D:20240630")


def test_screen_pdf_has_srgb_output_intent(screen_pdf):
    (intent,) = screen_pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1"
    assert icc_header(intent.DestOutputProfile)[0] == "RGB"


def test_screen_pdf_fonts_are_embedded_with_tounicode(screen_pdf, print_pdf):
    for pdf in (screen_pdf, print_pdf):
        seen = 0
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descendant = font.DescendantFonts[0]
                descriptor = descendant.FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                assert "/ToUnicode" in font
                seen += 1
        assert seen


def test_screen_pdf_is_not_encrypted_and_has_no_external_references(screen_pdf):
    assert not screen_pdf.is_encrypted and screen_pdf.trailer.ID
    assert external_references(screen_pdf) == []
    assert "/Names" not in screen_pdf.Root or "/EmbeddedFiles" not in screen_pdf.Root.Names


# --------------------------------------------------------------------------- PDF/UA-1

def test_screen_pdf_is_tagged_with_language_and_displays_its_title(screen_pdf):
    root = screen_pdf.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "zh-CN"
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert "/StructTreeRoot" in root and "/ParentTree" in root.StructTreeRoot


def test_structure_uses_standard_types_or_the_role_map(screen_pdf):
    role_map = screen_pdf.Root.StructTreeRoot.get("/RoleMap", {})
    types = {str(e.S)[1:] for e in structure_elements(screen_pdf)}
    assert types - STANDARD_STRUCTURE_TYPES - {str(k)[1:] for k in role_map} == set()
    # Headings, paragraphs, lists, tables and figures are all there.
    assert {"H1", "H2", "P", "L", "LI", "Table", "TH", "TD", "Figure", "Link"} <= types


def test_headings_start_at_h1_and_never_skip_a_level(screen_pdf):
    levels = heading_levels(structure_elements(screen_pdf))
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


def test_every_figure_has_alternative_text(screen_pdf):
    figures = [e for e in structure_elements(screen_pdf) if e.S == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")).strip() for f in figures)


def test_contents_are_a_list_of_links_with_descriptions(screen_pdf, screen):
    links = [a for page in screen_pdf.pages for a in page.get("/Annots", [])
             if a.Subtype == "/Link"]
    assert len(links) >= len(screen.articles) - 1
    for link in links:
        assert str(link.get("/Contents", "")).startswith("转到")
        assert link.F & 4  # printable (PDF/A)
        assert "/StructParent" in link
    elements = structure_elements(screen_pdf)
    in_lists = [e for e in elements if e.S == "/Link" and _ancestor_types(e) & {"/LI", "/LBody"}]
    assert len(in_lists) >= len(screen.articles) - 1
    assert all(page.get("/Tabs") == "/S" for page in screen_pdf.pages if "/Annots" in page)


def _ancestor_types(element) -> set[str]:
    types, node = set(), element.get("/P")
    while node is not None and "/S" in node:
        types.add(str(node.S))
        node = node.get("/P")
    return types


def test_running_headers_and_folios_are_artifacts_and_all_content_is_tagged(screen_pdf):
    """Matterhorn 01-005 and 18-001: page furniture is an artifact, content is in the tree."""
    facts = content_facts(screen_pdf)
    tagged: dict[int, set[int]] = {}
    pages = {page.objgen: index for index, page in enumerate(screen_pdf.pages)}
    for element in structure_elements(screen_pdf):
        ids = marked_content_ids(element)
        if ids:
            tagged.setdefault(pages[element.Pg.objgen], set()).update(ids)
    for page, mcids in facts.mcids.items():
        assert mcids <= tagged.get(page, set()), f"page {page + 1}: untied marked content"
    inner = [r for r in facts.runs if 0 < r.page < len(screen_pdf.pages) - 2]
    assert any(r.artifact for r in inner)  # the running header and folio
    sans = {r.page for r in inner if r.artifact and "Sans" in r.font}
    assert len(sans) >= len(screen_pdf.pages) - 4
