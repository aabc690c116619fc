"""The two PDF variants of an issue, finished on WeasyPrint's PDF object before it is written.

- **screen** (what members download and the archive keeps): WeasyPrint's ``pdf/a-2a`` variant
  (tagged, sRGB output intent), finished to also claim PDF/UA-1: running headers and folios
  marked as artifacts (WeasyPrint 70 leaves them as untied marked content), link annotations
  with a ``/Contents`` description, and XMP metadata of our own — title, publisher, issue
  number, ISSN, dates, language, ``pdfaid`` and ``pdfuaid`` with their extension schemas.
- **print** (the print-shop file): WeasyPrint's ``pdf/x-4`` variant with a FOGRA39 CMYK output
  intent (``@color-profile device-cmyk`` in the page CSS; colours are ``device-cmyk()``),
  finished with a slug: the MediaBox grows by ``SLUG_MM`` beyond the 3 mm bleed and crop marks
  are drawn there in registration colour, never on artwork; RGB images are tagged with the
  sRGB profile (colour-managed, as PDF/X-4 allows); links are removed (no annotations on a
  printed page); the output intent names the registered printing condition.

Everything here is deterministic: the XMP identifiers are derived from the issue, so identical
input still renders to identical bytes (WeasyPrint's own PDF/X XMP uses a random UUID).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from xml.sax.saxutils import escape

import pydyf

BLEED_MM = 3
SLUG_MM = 10
MARK_OFFSET_MM = 4  # crop marks start 1 mm outside the bleed …
MARK_LENGTH_MM = 5  # … and stop 2 mm inside the slug's outer edge
PT_PER_MM = 72 / 25.4
OUTPUT_PROFILE = "publishing/icc/FOGRA39L-bulletin.icc"
OUTPUT_CONDITION = "FOGRA39"
OUTPUT_CONDITION_TEXT = ("Offset printing, ISO 12647-2:2004/Amd 1, paper type 1 or 2 "
                         "(coated art, 115 g/m2), characterization data FOGRA39L")
_NAMESPACE = uuid.UUID("6f1a9a52-55f3-4b8e-9d47-9a3f2c6b1e10")


@dataclass(frozen=True)
class PdfVariant:
    name: str
    weasyprint_variant: str
    print_shop: bool


SCREEN = PdfVariant("screen", "pdf/a-2a", print_shop=False)
PRINT = PdfVariant("print", "pdf/x-4", print_shop=True)


@dataclass
class DocumentFacts:
    """What the XMP metadata and the link descriptions say about one rendered document."""

    key: str  # stable per document: "dalian-digital-trade/9"
    title: str
    publisher: str
    publication: str
    created: dt.date
    issue_number: int | None = None
    issn: str = ""
    internal_permit: str = ""
    lang: str = "zh-CN"
    link_labels: dict[str, str] = field(default_factory=dict)  # anchor → what it leads to


# --------------------------------------------------------------------------- colours

# Brand and text colours of print.css, for each variant. Print: body text 100 % K, greys K only,
# the brand red and tints in CMYK (values from the FOGRA39 profile, rounded).
SCREEN_COLOURS = {
    "ink": "#1b1b1b", "ink-soft": "#333333", "ink-muted": "#555555", "folio": "#4b4b4b",
    "brand": "#8f1b1e", "rule": "#c9b99c", "rule-light": "#d8cdb8", "tint": "#f4efe4",
    "paper": "#f7f3ea", "cover-ink": "#fffaf0", "cover-accent": "#f1d9b5",
    "cover-foot": "#5a4a3a",
}
PRINT_COLOURS = {
    "ink": "device-cmyk(0 0 0 1)", "ink-soft": "device-cmyk(0 0 0 0.85)",
    "ink-muted": "device-cmyk(0 0 0 0.75)", "folio": "device-cmyk(0 0 0 0.8)",
    "brand": "device-cmyk(0 1 0.9 0.45)", "rule": "device-cmyk(0 0.12 0.3 0.22)",
    "rule-light": "device-cmyk(0 0.06 0.18 0.14)", "tint": "device-cmyk(0 0.03 0.1 0.04)",
    "paper": "device-cmyk(0 0.02 0.07 0.03)", "cover-ink": "device-cmyk(0 0.01 0.05 0)",
    "cover-accent": "device-cmyk(0 0.11 0.29 0.06)", "cover-foot": "device-cmyk(0 0.15 0.3 0.7)",
}


def colour_css(variant: PdfVariant, *, profile_url: str = "") -> str:
    """The custom properties print.css paints with, and for print the CMYK output profile."""
    colours = PRINT_COLOURS if variant.print_shop else SCREEN_COLOURS
    css = ":root { " + " ".join(f"--{k}: {v};" for k, v in colours.items()) + " }\n"
    if variant.print_shop and profile_url:
        css = (f'@color-profile device-cmyk {{ src: url("{profile_url}"); '
               "components: c, m, y, k; }\n") + css
    return css


# --------------------------------------------------------------------------- finishing

def finisher(variant: PdfVariant, facts: DocumentFacts) -> Callable:
    """The ``finisher`` WeasyPrint calls with the document and its ``pydyf.PDF``."""

    def finish(document, pdf: pydyf.PDF) -> None:
        pages = [obj for obj in pdf.objects
                 if isinstance(obj, dict) and obj.get("Type") == "/Page"]
        if variant.print_shop:
            for page in pages:
                page.pop("Annots", None)
            _tag_rgb_images(pdf)
            _name_output_condition(pdf)
            _add_slug_and_marks(pdf, pages)
        else:
            _margin_content_as_artifacts(pdf, pages)
            _describe_links(pdf, facts)
        _replace_xmp(pdf, variant, facts)

    return finish


def _ref(reference) -> str:
    return reference.decode() if isinstance(reference, bytes) else str(reference)


def _object(pdf: pydyf.PDF, reference) -> object:
    return pdf.objects[int(_ref(reference).split()[0])]


def _tag_rgb_images(pdf: pydyf.PDF) -> None:
    """Untagged RGB images are sRGB (the web's assumption, and our uploads'): say so, so that
    the RIP converts them to the output condition (PDF/X-4 forbids DeviceRGB with a CMYK
    output intent)."""
    images = [obj for obj in pdf.objects if isinstance(obj, pydyf.Stream)
              and obj.extra.get("Subtype") == "/Image" and obj.extra.get("ColorSpace") == "/DeviceRGB"]
    if not images:
        return
    profile = pydyf.Stream([(files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()],
                           pydyf.Dictionary({"N": 3}), compress=True)
    pdf.add_object(profile)
    for image in images:
        image.extra["ColorSpace"] = pydyf.Array(("/ICCBased", profile.reference))


def _name_output_condition(pdf: pydyf.PDF) -> None:
    for intent in pdf.catalog.get("OutputIntents", []):
        intent["OutputConditionIdentifier"] = pydyf.String(OUTPUT_CONDITION)
        intent["OutputCondition"] = pydyf.String(OUTPUT_CONDITION_TEXT)
        intent["RegistryName"] = pydyf.String("http://www.color.org")
        intent["Info"] = pydyf.String("Coated FOGRA39 (bulletin, ArgyllCMS from FOGRA39L)")


def _add_slug_and_marks(pdf: pydyf.PDF, pages: list) -> None:
    """MediaBox = trim + bleed + slug; crop marks in the slug, in registration colour."""
    slug = (BLEED_MM + SLUG_MM) * PT_PER_MM
    start, length = MARK_OFFSET_MM * PT_PER_MM, MARK_LENGTH_MM * PT_PER_MM
    registration = pydyf.Array(("/Separation", "/All", "/DeviceCMYK", pydyf.Dictionary({
        "FunctionType": 2, "Domain": pydyf.Array((0, 1)), "C0": pydyf.Array((0, 0, 0, 0)),
        "C1": pydyf.Array((1, 1, 1, 1)), "N": 1})))
    open_stream = pydyf.Stream([b"q"], compress=True)
    pdf.add_object(open_stream)
    for page in pages:
        resources = _object(pdf, page["Resources"])
        colour_spaces = _object(pdf, resources["ColorSpace"])
        colour_spaces["Registration"] = registration
        left, bottom, right, top = (float(v) for v in page["TrimBox"])
        page["MediaBox"] = pydyf.Array((left - slug, bottom - slug, right + slug, top + slug))
        lines = []
        for x, y, dx, dy in ((left, bottom, -1, -1), (right, bottom, 1, -1),
                             (left, top, -1, 1), (right, top, 1, 1)):
            lines.append(f"{x + dx * start:.3f} {y:.3f} m {x + dx * (start + length):.3f} "
                         f"{y:.3f} l S")
            lines.append(f"{x:.3f} {y + dy * start:.3f} m {x:.3f} "
                         f"{y + dy * (start + length):.3f} l S")
        marks = pydyf.Stream([b"Q q /Registration CS 1 SCN 0.25 w 0 J",
                              *(line.encode() for line in lines), b"Q"], compress=True)
        pdf.add_object(marks)
        contents = page["Contents"]
        page["Contents"] = pydyf.Array((open_stream.reference, contents, marks.reference))


def _margin_content_as_artifacts(pdf: pydyf.PDF, pages: list) -> None:
    """Running headers and folios are page furniture (PDF/UA: artifacts). WeasyPrint 70 marks
    them up like content and builds structure elements it never attaches to the tree; mark
    their content as /Artifact and drop them from the parent tree."""
    root = pdf.catalog.get("StructTreeRoot")
    if root is None:
        return
    tree = _object(pdf, root)
    document = _object(pdf, tree["K"][0])
    attached = {_ref(kid) for kid in document["K"]}
    document_ref = _ref(document.reference)
    elements = [obj for obj in pdf.objects
                if isinstance(obj, dict) and obj.get("Type") == "/StructElem"]
    by_ref = {_ref(obj.reference): obj for obj in elements}
    orphans = [e for e in elements
               if _ref(e.get("P")) == document_ref and _ref(e.reference) not in attached]
    page_numbers = {_ref(page.reference): index for index, page in enumerate(pages)}
    untied: dict[int, set[int]] = {}

    def collect(element) -> None:
        for kid in element["K"]:
            if isinstance(kid, int):
                untied.setdefault(page_numbers[_ref(element["Pg"])], set()).add(kid)
            elif _ref(kid) in by_ref:
                collect(by_ref[_ref(kid)])

    for orphan in orphans:
        collect(orphan)
    parent_tree = _object(pdf, tree["ParentTree"])["Nums"]
    for page_index, mcids in untied.items():
        stream = _object(pdf, pages[page_index]["Contents"])
        chunks = stream.stream
        for index, chunk in enumerate(chunks):
            if (isinstance(chunk, dict) and chunk.get("MCID") in mcids
                    and 0 < index < len(chunks) - 1 and chunks[index + 1] == b"BDC"):
                chunks[index - 1], chunks[index], chunks[index + 1] = "/Artifact", b"", b"BMC"
        stream.stream = [chunk for chunk in chunks if chunk != b""]
        numbers = parent_tree[2 * page_index + 1]
        for mcid in mcids:
            if mcid < len(numbers):
                numbers[mcid] = "null"


def _describe_links(pdf: pydyf.PDF, facts: DocumentFacts) -> None:
    """PDF/UA: every link annotation describes where it leads in /Contents."""
    for obj in pdf.objects:
        if not (isinstance(obj, dict) and obj.get("Subtype") == "/Link"):
            continue
        destination = obj.get("Dest")
        if isinstance(destination, pydyf.String):
            label = facts.link_labels.get(str(destination.string), "")
            obj["Contents"] = pydyf.String(f"转到：{label}" if label else "转到本刊内的位置")
        elif isinstance(obj.get("A"), dict) and "URI" in obj["A"]:
            obj["Contents"] = pydyf.String(f"链接：{obj['A']['URI'].string}")


# --------------------------------------------------------------------------- XMP

_EXTENSION_SCHEMAS = """
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag>
<rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li>
<rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PRISM Basic Metadata</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://prismstandard.org/namespaces/basic/3.0/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>prism</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>publicationName</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>Title of the magazine</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>number</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>Issue number</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>issn</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>ISSN of the publication</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>coverDate</pdfaProperty:name>
<pdfaProperty:valueType>Date</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>Date on the cover</pdfaProperty:description></rdf:li>
</rdf:Seq></pdfaSchema:property>
</rdf:li>
</rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""


def _info_text(pdf: pydyf.PDF, key: str) -> str:
    value = pdf.info.get(key)
    return str(value.string) if isinstance(value, pydyf.String) else ""


def xmp_packet(variant: PdfVariant, facts: DocumentFacts, *, info: dict[str, str]) -> bytes:
    """The document's XMP, consistent with its Info dictionary (PDF/A requires both agree)."""
    created = facts.created.isoformat()
    document_id = uuid.uuid5(_NAMESPACE, f"{facts.key}|{variant.name}")
    instance_id = uuid.uuid5(document_id, f"{created}|{info.get('Title', '')}")
    e = escape
    parts = [
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        '<dc:format>application/pdf</dc:format>',
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(info.get("Title", ""))}'
        '</rdf:li></rdf:Alt></dc:title>',
        f'<dc:language><rdf:Bag><rdf:li>{e(facts.lang)}</rdf:li></rdf:Bag></dc:language>',
    ]
    if info.get("Author"):
        parts.append(f'<dc:creator><rdf:Seq><rdf:li>{e(info["Author"])}</rdf:li></rdf:Seq>'
                     '</dc:creator>')
    if facts.publisher:
        parts.append(f'<dc:publisher><rdf:Bag><rdf:li>{e(facts.publisher)}</rdf:li></rdf:Bag>'
                     '</dc:publisher>')
    if info.get("Subject"):
        parts.append('<dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
                     f'{e(info["Subject"])}</rdf:li></rdf:Alt></dc:description>')
    identifiers = [f"ISSN {facts.issn}"] if facts.issn else []
    if facts.internal_permit:
        identifiers.append(f"内部资料准印证号 {facts.internal_permit}")
    if identifiers:
        parts.append("<dc:identifier>" + e("; ".join(identifiers)) + "</dc:identifier>")
    parts.append("</rdf:Description>")
    parts.append('<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
                 f"<xmp:CreateDate>{created}</xmp:CreateDate>"
                 f"<xmp:ModifyDate>{created}</xmp:ModifyDate>"
                 f"<xmp:MetadataDate>{created}</xmp:MetadataDate>"
                 + (f"<xmp:CreatorTool>{e(info['Creator'])}</xmp:CreatorTool>"
                    if info.get("Creator") else "")
                 + "</rdf:Description>")
    parts.append('<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
                 f"<pdf:Producer>{e(info.get('Producer', ''))}</pdf:Producer>"
                 + (f"<pdf:Keywords>{e(info['Keywords'])}</pdf:Keywords>"
                    if info.get("Keywords") else "")
                 + ("<pdf:Trapped>False</pdf:Trapped>" if variant.print_shop else "")
                 + "</rdf:Description>")
    parts.append('<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">'
                 f"<xmpMM:DocumentID>uuid:{document_id}</xmpMM:DocumentID>"
                 f"<xmpMM:InstanceID>uuid:{instance_id}</xmpMM:InstanceID>"
                 "<xmpMM:VersionID>1</xmpMM:VersionID>"
                 f"<xmpMM:RenditionClass>{'default' if not variant.print_shop else 'proof:pdf'}"
                 "</xmpMM:RenditionClass></rdf:Description>")
    prism = [f"<prism:publicationName>{e(facts.publication)}</prism:publicationName>",
             f"<prism:coverDate>{created}</prism:coverDate>"]
    if facts.issue_number is not None:
        prism.append(f"<prism:number>{facts.issue_number}</prism:number>")
    if facts.issn:
        prism.append(f"<prism:issn>{e(facts.issn)}</prism:issn>")
    parts.append('<rdf:Description rdf:about="" '
                 'xmlns:prism="http://prismstandard.org/namespaces/basic/3.0/">'
                 + "".join(prism) + "</rdf:Description>")
    if variant.print_shop:
        parts.append('<rdf:Description rdf:about="" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">'
                     "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion></rdf:Description>")
    else:
        parts.append('<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
                     "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>A</pdfaid:conformance>"
                     "</rdf:Description>")
        parts.append('<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
                     "<pdfuaid:part>1</pdfuaid:part></rdf:Description>")
        parts.append(_EXTENSION_SCHEMAS)
    body = "\n".join(parts)
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            f"{body}\n</rdf:RDF>\n</x:xmpmeta>\n"
            + "\n".join(" " * 99 for _ in range(20))  # padding, as XMP writers leave
            + '\n<?xpacket end="w"?>').encode()


def _replace_xmp(pdf: pydyf.PDF, variant: PdfVariant, facts: DocumentFacts) -> None:
    info = {key: _info_text(pdf, key) for key in
            ("Title", "Author", "Subject", "Keywords", "Creator", "Producer")}
    packet = xmp_packet(variant, facts, info=info)
    if "Metadata" in pdf.catalog:
        stream = _object(pdf, pdf.catalog["Metadata"])
        stream.stream = [packet]
        stream.compress = False
    else:
        stream = pydyf.Stream([packet], pydyf.Dictionary({"Type": "/Metadata",
                                                          "Subtype": "/XML"}))
        pdf.add_object(stream)
        pdf.catalog["Metadata"] = stream.reference
