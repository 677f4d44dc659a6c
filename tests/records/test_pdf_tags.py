"""The sealed record is a tagged PDF/A-3a a screen reader can read (Section 508): after the seal
(pyHanko's incremental update) it still has its structure tree (headings in order, the children's
table with header cells, every image a figure with its alternative text), the document's language
and the English beside it tagged as English, its title shown by viewers, its PDF/A-3a
identification, and a seal that verifies."""

import io
import re
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject

from elections.models import SealedRecord
from elections.records import verification

# --- Reading the structure tree back ------------------------------------------------------------


@dataclass
class Element:
    """One structure element: its type, its own and inherited language, and the text it tags."""

    tag: str
    lang: str
    own_lang: str | None
    alt: str | None
    attributes: dict
    depth: int
    identifier: str | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.texts).split())


def _marked_texts(reader: PdfReader) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page number, MCID)."""
    texts: dict[tuple[int, int], str] = {}
    for number, page in enumerate(reader.pages):
        open_ids: list[int | None] = []

        def before(operator, operands, cm, tm, open_ids=open_ids):
            if operator == b"BDC":
                properties = operands[1] if len(operands) > 1 else {}
                open_ids.append(properties.get("/MCID") if hasattr(properties, "get") else None)
            elif operator == b"BMC":
                open_ids.append(None)
            elif operator == b"EMC" and open_ids:
                open_ids.pop()

        def text(value, cm, tm, font, size, number=number, open_ids=open_ids):
            mcid = next((item for item in reversed(open_ids) if item is not None), None)
            if mcid is not None:
                texts[number, mcid] = texts.get((number, mcid), "") + value

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


def structure(data: bytes) -> list[Element]:
    """Every structure element of the file, in the tree's (reading) order."""
    reader = PdfReader(io.BytesIO(data))
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    texts = _marked_texts(reader)
    catalog_lang = str(reader.trailer["/Root"].get("/Lang", ""))
    elements: list[Element] = []

    def walk(node, depth, lang, page, ancestors):
        node = node.get_object()
        if not isinstance(node, DictionaryObject) or node.get("/Type", "/StructElem") != (
            "/StructElem"
        ):
            return
        own = node.get("/Lang")
        lang = str(own) if own is not None else lang
        if "/Pg" in node:
            page = pages[node.raw_get("/Pg").idnum]
        element = Element(
            tag=str(node["/S"])[1:],
            lang=lang,
            own_lang=None if own is None else str(own),
            alt=None if node.get("/Alt") is None else str(node["/Alt"]),
            attributes=dict(node.get("/A") or {}),
            depth=depth,
            identifier=None if node.get("/ID") is None else str(node["/ID"]),
        )
        elements.append(element)
        kids = node.get("/K")
        if kids is None:
            return
        kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if isinstance(kid, int):
                for holder in (*ancestors, element):
                    holder.texts.append(texts.get((page, kid), ""))
            elif isinstance(kid, IndirectObject):
                walk(kid, depth + 1, lang, page, (*ancestors, element))

    for top in reader.trailer["/Root"]["/StructTreeRoot"]["/K"]:
        walk(top, 0, catalog_lang, 0, ())
    return elements


def images_drawn(data: bytes) -> int:
    """How many times the pages paint an image."""
    reader = PdfReader(io.BytesIO(data))
    count = 0
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Do" and xobjects[operands[0]].get_object()["/Subtype"] == "/Image":
                count += 1
    return count


# --- The tests ----------------------------------------------------------------------------------


def test_the_sealed_record_is_tagged_pdfa_3a_with_its_language_and_a_title_viewers_show(
    approved, sealed
):
    reader = PdfReader(io.BytesIO(sealed))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/StructTreeRoot"]["/Type"] == "/StructTreeRoot"
    assert catalog["/Lang"] == "es"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3\b", xmp)
    assert re.search(r"pdfaid:conformance(>|=\")A\b", xmp)
    # The title a viewer shows instead of the file name, in Spanish with the English beside it.
    title = f"Registro de la elección / Election record {approved.reference}"
    assert reader.metadata.title.startswith(title)
    assert title in xmp
    assert approved.parent.full_name in reader.metadata.title


def test_the_headings_are_one_h1_then_an_h2_for_each_section_in_reading_order(sealed):
    headings = [e for e in structure(sealed) if re.fullmatch(r"H[1-6]", e.tag)]
    assert [h.tag for h in headings] == ["H1"] + ["H2"] * 8
    assert headings[0].text == "Registro sellado de la elección / Sealed election record"
    assert [h.text for h in headings[1:]] == [
        "Padre o madre / Parent",
        "Hijos y decisiones / Children and decisions",
        "Aviso / Notice",
        "Firmas / Signatures",
        "Aprobación del supervisor / Supervisor approval",
        "Registro / Record",
        "Sello y verificación / Seal and verification",
        "Pista de auditoría / Audit trail",
    ]


def test_the_children_table_has_header_cells_each_data_cell_refers_to(approved, sealed):
    elements = structure(sealed)
    assert {"Table", "TR", "TH", "TD"} <= {e.tag for e in elements}
    headers = {e.identifier: e.text for e in elements if e.tag == "TH"}
    assert None not in headers  # each header cell has the identifier data cells point at
    columns = [
        "Hijo o hija / Child",
        "Dónde se encuentra / Where held",
        "Parentesco / Relationship",
        "Decisión / Decision",
    ]
    assert set(headers.values()) == set(columns)
    cells = [e for e in elements if e.tag == "TD"]
    rows = [cells[start : start + 4] for start in range(0, len(cells), 4)]
    assert len(rows) == approved.covered.count() == 2
    for row in rows:
        assert [[headers[str(key)] for key in cell.attributes["/Headers"]] for cell in row] == [
            [column] for column in columns
        ]
    assert rows[0][3].text.startswith("Llevar a mi hijo o hija conmigo / Take my child with me")
    assert rows[1][3].text.startswith(
        "Dejar a mi hijo o hija en los Estados Unidos / Leave my child in the United States"
    )


def test_every_image_is_a_figure_with_its_alternative_text(approved, sealed):
    figures = [e for e in structure(sealed) if e.tag == "Figure"]
    assert len(figures) == images_drawn(sealed) == 1 + approved.signatures.count()
    alts = [f.alt for f in figures]
    assert all(alt and alt.strip() for alt in alts)
    assert "Código QR de la dirección de verificación" in alts
    for signature in approved.signatures.all():
        assert f"Firma de {signature.printed_name}" in alts


def test_the_english_beside_the_spanish_is_tagged_english_and_the_spanish_spanish(approved, sealed):
    elements = structure(sealed)

    def languages_of(text: str) -> set[str]:
        return {e.lang for e in elements if e.text == text}

    def languages_of_passages(start: str) -> set[str]:
        # The elements that carry a language of their own, whose text starts so.
        return {e.lang for e in elements if e.own_lang and e.text.startswith(start)}

    # Labels, choices and dates print "Spanish / English": each half is read in its language.
    assert languages_of("Nombre completo /") == {"es"}
    assert languages_of("Full name") == {"en"}
    born = approved.parent.date_of_birth
    assert languages_of(f"{born:%B} {born.day}, {born.year}") == {"en"}
    # The decisions in the notice's own words, and the notice side by side.
    assert languages_of_passages("“Llevar a mi hijo o hija conmigo.") == {"es"}
    assert languages_of_passages("“Take my child with me.") == {"en"}
    assert languages_of_passages("1. Llevar a mi hijo o hija conmigo.") == {"es"}
    assert languages_of_passages("1. Take my child with me.") == {"en"}
    english = " ".join(e.text for e in elements if e.own_lang == "en")
    assert "Audit trail head" in english
    assert "What this signature means:" in english
    assert "Cabeza de la pista de auditoría" not in english
    assert approved.parent.full_name not in english


def test_the_tagged_record_still_verifies_after_the_seal(approved, sealed):
    result = verification.verify_pdf(sealed)
    assert result.ok, result.codes
    assert result.record == SealedRecord.objects.get(election=approved)
    # The seal is one incremental update over the rendered, tagged file: the structure tree is
    # the one WeasyPrint wrote, not a copy pyHanko made.
    assert sealed.count(b"/StructTreeRoot") >= 1
    assert len(structure(sealed)) > 100
