"""Reading a PDF the way a preflight tool does: the machine-checkable conditions of PDF/X-4
(ISO 15930-7), PDF/A-2 (ISO 19005-2) and PDF/UA-1 (ISO 14289-1, the Matterhorn Protocol's
checkpoints), written out because no validator can be reached from our machines."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree import ElementTree

import pikepdf

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "prism": "http://prismstandard.org/namespaces/basic/3.0/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
}

# ISO 32000-1, 14.8.4: the standard structure types (a tagged PDF may use others only through
# its RoleMap).
STANDARD_STRUCTURE_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl",
    "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note",
    "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu",
    "WT", "WP", "Figure", "Formula", "Form",
}
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


def xmp_tree(pdf: pikepdf.Pdf) -> ElementTree.Element:
    data = pdf.Root.Metadata.read_bytes()
    start, end = data.index(b"<x:xmpmeta"), data.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
    return ElementTree.fromstring(data[start:end])  # noqa: S314 - our own test output


def xmp_values(tree: ElementTree.Element, path: str) -> list[str]:
    """Texts of ``prefix:name`` wherever it sits in the RDF (element or rdf:li items)."""
    prefix, name = path.split(":")
    found = []
    for element in tree.iter(f"{{{NS[prefix]}}}{name}"):
        items = list(element.iter(f"{{{NS['rdf']}}}li"))
        found.extend((item.text or "") for item in items) if items else found.append(
            element.text or "")
    return found


@dataclass
class TextRun:
    page: int
    font: str
    colour_space: str
    colour: tuple[float, ...]
    artifact: bool  # inside /Artifact marked content


@dataclass
class ContentFacts:
    operators: set[str] = field(default_factory=set)
    runs: list[TextRun] = field(default_factory=list)
    mcids: dict[int, set[int]] = field(default_factory=dict)  # page → MCIDs used


def content_facts(pdf: pikepdf.Pdf) -> ContentFacts:
    """Every operator, and each text run with its font, fill colour and artifact state."""
    facts = ContentFacts()
    for number, page in enumerate(pdf.pages):
        fonts = {str(name): str(font.get("/BaseFont", "")) for name, font in
                 page.Resources.get("/Font", {}).items()}
        space, colour, font = "/DeviceGray", (0.0,), ""
        stack: list[tuple] = []
        marked: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            facts.operators.add(op)
            if op == "q":
                stack.append((space, colour))
            elif op == "Q" and stack:
                space, colour = stack.pop()
            elif op == "cs":
                space = str(operands[0])
            elif op in ("sc", "scn"):
                colour = tuple(float(v) for v in operands if isinstance(v, int | Decimal))
            elif op == "k":
                space, colour = "/DeviceCMYK", tuple(float(v) for v in operands)
            elif op == "g":
                space, colour = "/DeviceGray", tuple(float(v) for v in operands)
            elif op == "rg":
                space, colour = "/DeviceRGB", tuple(float(v) for v in operands)
            elif op == "Tf":
                font = fonts.get(str(operands[0]), str(operands[0]))
            elif op in ("BMC", "BDC"):
                marked.append(str(operands[0]))
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and (
                        "/MCID" in operands[1]):
                    facts.mcids.setdefault(number, set()).add(int(operands[1].MCID))
            elif op == "EMC" and marked:
                marked.pop()
            elif op in TEXT_SHOWING:
                facts.runs.append(TextRun(number, font, space, colour, "/Artifact" in marked))
    return facts


def structure_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the StructTreeRoot, depth first."""
    found = []

    def walk(node) -> None:
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR" and (
                    kid.get("/Type") != "/MCR") and "/S" in kid:
                found.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def marked_content_ids(element: pikepdf.Dictionary) -> list[int]:
    kids = element.get("/K")
    if kids is None:
        return []
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    return [int(kid) for kid in kids if isinstance(kid, int)]


def open_pdf(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def icc_header(stream: pikepdf.Stream) -> tuple[str, str]:
    """(colour space, device class) from an ICC profile's header."""
    data = stream.read_bytes()
    return data[16:20].decode().strip(), data[12:16].decode().strip()


def external_references(pdf: pikepdf.Pdf) -> list[str]:
    """Things that point outside the file: launch/remote actions, file specifications,
    reference XObjects, OPI, JavaScript."""
    problems = []
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        if obj.get("/S") in ("/Launch", "/GoToR", "/ImportData", "/JavaScript", "/GoToE"):
            problems.append(str(obj.get("/S")))
        if obj.get("/Type") == "/Filespec" or "/Ref" in obj or "/OPI" in obj:
            problems.append("file reference")
        if "/JS" in obj or "/AA" in obj:
            problems.append("script or additional action")
    return problems


def heading_levels(elements: list[pikepdf.Dictionary]) -> list[int]:
    return [int(m.group(1)) for e in elements if (m := re.fullmatch(r"/H(\d)", str(e.S)))]
