"""A drawn signature is a PNG and nothing else (§9): hostile images from the tablet's side.

Every image here is built chunk by chunk, the way an attacker would send it past the signature
pad. Whatever arrives, the parent's and the staff's signing screens answer with a translated
message, never a server error, and only a complete, plain PNG becomes part of a record.
"""

import hashlib
import html
import io
import re
import struct
import zipfile
import zlib
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from elections import services, signature_images
from elections.constants import SignatureRole, Status
from elections.models import Signature
from tests.factories import STAFF_PASSWORD, ElectionFactory, scribble_png

MAGIC = signature_images.PNG_MAGIC
ADAM7 = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
)

# The messages a signature can be refused with, as the user reads them.
SIGNATURE_MESSAGES = (
    "The signature pad is empty. Please sign in the box.",
    "The signature must be a PNG image.",
    "The signature image is too large.",
    "The signature image has too many pixels.",
)


# --- building PNGs chunk by chunk -------------------------------------------------------------


def chunk(kind: bytes, body: bytes, *, crc: int | None = None) -> bytes:
    if crc is None:
        crc = zlib.crc32(kind + body)
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def chunks_of(png: bytes) -> list[tuple[bytes, bytes]]:
    found, pos = [], len(MAGIC)
    while pos < len(png):
        (length,) = struct.unpack_from(">I", png, pos)
        found.append((png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return found


def assemble(*parts: bytes) -> bytes:
    return MAGIC + b"".join(parts)


def ihdr(width, height, depth=8, colour=6, interlace=0) -> bytes:
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace))


def signature_parts(seed: int = 1) -> tuple[bytes, bytes]:
    """The IHDR body and the whole IDAT stream of a genuine drawn signature."""
    found = chunks_of(scribble_png(seed))
    assert found[0][0] == b"IHDR"
    return found[0][1], b"".join(body for kind, body in found if kind == b"IDAT")


def genuine(*, before_idat: bytes = b"", idat_size: int = 8192, after: bytes = b"") -> bytes:
    """A genuine signature, its IDAT stream split in chunks as libpng does, plus extras."""
    header, stream = signature_parts()
    idats = b"".join(
        chunk(b"IDAT", stream[i : i + idat_size]) for i in range(0, len(stream), idat_size)
    )
    return assemble(chunk(b"IHDR", header), before_idat, idats, chunk(b"IEND", b"")) + after


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        signature_images.clean_png(data)
    return caught.value


@pytest.fixture(params=[False, True], ids=["pillow-strict", "pillow-loads-truncated"])
def truncated_images_flag(request, monkeypatch):
    """WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole process: the
    validation must give the same answer with the flag on and off."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", request.param)
    return request.param


# --- what a tablet sends is accepted --------------------------------------------------------


def test_a_genuine_drawn_signature_is_accepted(truncated_images_flag):
    cleaned = signature_images.clean_png(scribble_png(3))
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.size == (400, 150)


def test_a_canvas_png_with_colour_chunks_and_split_image_data_is_accepted(truncated_images_flag):
    # What browsers' canvases emit besides the pixels: colour space, gamma, density.
    icc = b"sRGB profile\x00\x00" + zlib.compress(b"not really a profile")
    extras = b"".join(
        [
            chunk(b"sRGB", b"\x00"),
            chunk(b"gAMA", struct.pack(">I", 45455)),
            chunk(b"cHRM", struct.pack(">8I", *range(8))),
            chunk(b"pHYs", struct.pack(">IIB", 3780, 3780, 1)),
            chunk(b"bKGD", b"\x00" * 6),
            chunk(b"iCCP", icc),
        ]
    )
    data = genuine(before_idat=extras, idat_size=512)
    cleaned = signature_images.clean_png(data)
    # Re-encoded: none of the original's ancillary chunks survive.
    assert {kind for kind, _ in chunks_of(cleaned)} <= {b"IHDR", b"IDAT", b"IEND"}


def test_an_interlaced_signature_is_accepted(truncated_images_flag):
    # Adam7 written by hand (Pillow does not write interlaced PNGs): seven passes of rows.
    width, height = 400, 150
    pixels = Image.open(io.BytesIO(scribble_png(4))).convert("RGBA").tobytes()
    raw = bytearray()
    for x0, y0, dx, dy in ADAM7:
        for y in range(y0, height, dy):
            raw.append(0)  # no filter
            for x in range(x0, width, dx):
                raw += pixels[(y * width + x) * 4 : (y * width + x) * 4 + 4]
    data = assemble(
        ihdr(width, height, interlace=1),
        chunk(b"IDAT", zlib.compress(bytes(raw))),
        chunk(b"IEND", b""),
    )
    cleaned = signature_images.clean_png(data)
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.convert("RGBA").tobytes() == pixels


# --- malformed chunks: a translated refusal, never a server error ----------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            assemble(
                chunk(b"IHDR", signature_parts()[0]),
                chunk(b"IDAT", signature_parts()[1], crc=1),
                chunk(b"IEND", b""),
            ),
            id="image-data-with-a-wrong-crc",
        ),
        pytest.param(
            assemble(chunk(b"IHDR", signature_parts()[0], crc=0)), id="header-with-a-wrong-crc"
        ),
        pytest.param(
            assemble(
                chunk(b"IHDR", signature_parts()[0]),
                struct.pack(">I", 10**9) + b"IDAT" + signature_parts()[1],
            ),
            id="a-length-past-the-end",
        ),
        pytest.param(
            assemble(struct.pack(">I", 0xFFFFFFF0) + b"IHDR" + signature_parts()[0]),
            id="a-length-over-2-31",
        ),
        pytest.param(
            assemble(chunk(b"IHDR", signature_parts()[0][:8])) + genuine()[33:],
            id="a-header-cut-short",
        ),
        pytest.param(
            genuine().replace(b"IDAT", b"I\xdcAT", 1), id="a-chunk-type-that-is-not-ascii"
        ),
        pytest.param(genuine(before_idat=chunk(b"gAMA", b"")), id="an-empty-gamma-chunk"),
        pytest.param(genuine(before_idat=chunk(b"pHYs", b"\x00")), id="a-short-density-chunk"),
        pytest.param(genuine(before_idat=chunk(b"acTL", b"\x00")), id="an-animation-chunk"),
        pytest.param(genuine(before_idat=chunk(b"fcTL", b"\x00" * 5)), id="a-frame-chunk"),
        pytest.param(genuine(before_idat=chunk(b"eXIf", b"MM\x00*")), id="an-exif-chunk"),
        pytest.param(genuine(before_idat=chunk(b"PLTE", b"\x00")), id="a-palette-in-rgba"),
        pytest.param(genuine(before_idat=chunk(b"tRNS", b"\x00" * 3)), id="alpha-twice"),
        pytest.param(genuine(before_idat=chunk(b"sRGB", b"\x00") * 2), id="a-colour-chunk-twice"),
        pytest.param(
            assemble(
                ihdr(400, 150, depth=7),
                chunk(b"IDAT", signature_parts()[1]),
                chunk(b"IEND", b""),
            ),
            id="a-bit-depth-png-does-not-have",
        ),
        pytest.param(
            assemble(ihdr(0, 150), chunk(b"IDAT", zlib.compress(b"")), chunk(b"IEND", b"")),
            id="no-width",
        ),
        pytest.param(
            assemble(
                chunk(b"IHDR", signature_parts()[0]),
                chunk(b"IDAT", b"not a zlib stream"),
                chunk(b"IEND", b""),
            ),
            id="image-data-that-is-not-zlib",
        ),
        pytest.param(
            assemble(
                ihdr(10, 10, colour=0),
                chunk(b"IDAT", zlib.compress(b"\x07" + b"\x00" * 10 + b"\x00" * 11 * 9)),
                chunk(b"IEND", b""),
            ),
            id="a-row-filter-png-does-not-have",
        ),
    ],
)
def test_a_malformed_png_is_refused_with_a_translated_message(data, truncated_images_flag):
    error = refusal(data)
    assert error.code == "not_png"
    with translation.override("es"):
        assert error.messages == ["La firma debe ser una imagen PNG."]


def test_a_decompression_bomb_is_told_it_has_too_many_pixels(truncated_images_flag):
    # 400 million pixels in a few hundred bytes: refused from the header, nothing inflated.
    bomb = assemble(
        ihdr(20000, 20000),
        chunk(b"IDAT", zlib.compress(b"\x00" * 100_000, 9)),
        chunk(b"IEND", b""),
    )
    assert len(bomb) < 1000
    error = refusal(bomb)
    assert error.code == "too_many_pixels"
    assert error.messages == ["The signature image has too many pixels."]


def test_image_data_inflating_past_the_header_size_is_refused(truncated_images_flag):
    data = assemble(
        ihdr(400, 150), chunk(b"IDAT", zlib.compress(b"\x00" * 10_000_000, 9)), chunk(b"IEND", b"")
    )
    assert refusal(data).code == "not_png"


# --- polyglots: a PNG that is also something else ------------------------------------------


def test_bytes_after_the_end_of_the_png_are_refused(truncated_images_flag):
    assert refusal(genuine(after=b"<script>alert(1)</script>")).code == "not_png"


def test_a_zip_archive_appended_to_the_png_is_refused(truncated_images_flag):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", "<script>alert(1)</script>")
    polyglot = genuine(after=archive.getvalue())
    assert zipfile.is_zipfile(io.BytesIO(polyglot))
    assert refusal(polyglot).code == "not_png"


@pytest.mark.parametrize(
    "text",
    [
        chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>"),
        chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"<script>alert(1)</script>")),
        chunk(b"iTXt", b"Comment\x00\x00\x00\x00\x00<svg onload=alert(1)>"),
    ],
    ids=["tEXt", "zTXt", "iTXt"],
)
def test_a_text_chunk_holding_markup_is_refused(text, truncated_images_flag):
    assert refusal(genuine(before_idat=text)).code == "not_png"


def test_a_second_end_chunk_is_refused(truncated_images_flag):
    assert refusal(genuine(after=chunk(b"IEND", b""))).code == "not_png"


def test_a_chunk_between_image_data_chunks_is_refused(truncated_images_flag):
    header, stream = signature_parts()
    data = assemble(
        chunk(b"IHDR", header),
        chunk(b"IDAT", stream[:100]),
        chunk(b"pHYs", struct.pack(">IIB", 1, 1, 0)),
        chunk(b"IDAT", stream[100:]),
        chunk(b"IEND", b""),
    )
    assert refusal(data).code == "not_png"


# --- truncated PNGs, whatever Pillow's process-wide flag says --------------------------------


def test_a_png_with_its_image_data_cut_is_refused(truncated_images_flag):
    header, stream = signature_parts()
    data = assemble(
        chunk(b"IHDR", header), chunk(b"IDAT", stream[: len(stream) // 2]), chunk(b"IEND", b"")
    )
    assert refusal(data).code == "not_png"


def test_a_png_without_its_end_chunk_is_refused(truncated_images_flag):
    header, stream = signature_parts()
    assert refusal(assemble(chunk(b"IHDR", header), chunk(b"IDAT", stream))).code == "not_png"


def test_a_png_cut_in_the_middle_of_the_file_is_refused(truncated_images_flag):
    data = scribble_png(2)
    assert refusal(data[: len(data) * 2 // 3]).code == "not_png"


def test_image_data_with_bytes_after_its_zlib_stream_is_refused(truncated_images_flag):
    header, stream = signature_parts()
    data = assemble(chunk(b"IHDR", header), chunk(b"IDAT", stream + b"<html>"), chunk(b"IEND", b""))
    assert refusal(data).code == "not_png"


# --- arbitrary input: only ever a translated refusal ----------------------------------------


def structured_pngs():
    """PNGs with correct CRCs and arbitrary contents: they get past a CRC check."""
    kinds = st.sampled_from(
        [b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"sRGB", b"gAMA", b"pHYs", b"iCCP", b"tEXt"]
    )
    header = st.builds(
        lambda w, h, d, c, i: ihdr(w, h, d, c, i),
        st.integers(0, 70),
        st.integers(0, 70),
        st.sampled_from([1, 2, 4, 8, 16, 3]),
        st.sampled_from([0, 2, 3, 4, 6, 5]),
        st.integers(0, 2),
    )
    image_data = st.one_of(st.binary(max_size=300).map(zlib.compress), st.binary(max_size=300)).map(
        lambda body: chunk(b"IDAT", body)
    )
    other = st.builds(chunk, kinds, st.binary(max_size=40))
    return st.builds(
        lambda head, parts, end: MAGIC + head + b"".join(parts) + end,
        header,
        st.lists(st.one_of(image_data, other), max_size=6),
        st.sampled_from([chunk(b"IEND", b""), b"", b"trailing"]),
    )


@st.composite
def well_formed_pngs(draw):
    """Complete PNGs of every colour type and bit depth with arbitrary pixels: they get past the
    structure check, so the decoder and the re-encoding see them."""
    colour, depth = draw(
        st.sampled_from(
            [(0, d) for d in (1, 2, 4, 8, 16)]
            + [(3, d) for d in (1, 2, 4, 8)]
            + [(c, d) for c in (2, 4, 6) for d in (8, 16)]
        )
    )
    width, height = draw(st.integers(1, 40)), draw(st.integers(1, 4))
    samples = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    row_bytes = (width * depth * samples + 7) // 8
    raw = b"".join(
        bytes([draw(st.integers(0, 4))]) + draw(st.binary(min_size=row_bytes, max_size=row_bytes))
        for _ in range(height)
    )
    extras = b""
    if colour == 3:
        entries = draw(st.integers(1, 2**depth))
        extras = chunk(b"PLTE", draw(st.binary(min_size=3 * entries, max_size=3 * entries)))
        if draw(st.booleans()):
            extras += chunk(b"tRNS", draw(st.binary(min_size=1, max_size=entries)))
    elif colour in (0, 2) and draw(st.booleans()):
        extras = chunk(b"tRNS", draw(st.binary(min_size=2 * samples, max_size=2 * samples)))
    return assemble(
        ihdr(width, height, depth, colour),
        extras,
        chunk(b"IDAT", zlib.compress(raw)),
        chunk(b"IEND", b""),
    )


def mutated_signatures():
    """A genuine signature with a few bytes changed, cut or inserted."""
    original = scribble_png(9, width=60, height=40)
    return st.builds(
        lambda pos, junk, cut: original[:pos] + junk + original[pos + cut :],
        st.integers(0, len(original)),
        st.binary(max_size=8),
        st.integers(0, 16),
    )


hostile_bytes = st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=400).map(lambda tail: MAGIC + tail),
    structured_pngs(),
    well_formed_pngs(),
    mutated_signatures(),
)
hostile_values = st.one_of(
    hostile_bytes.map(signature_images.as_data_url),
    st.text(max_size=200),
    st.text(max_size=200).map(lambda text: signature_images.DATA_URL_PREFIX + text),
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(value=hostile_values, loads_truncated=st.booleans())
def test_whatever_the_pad_sends_the_answer_is_a_clean_png_or_a_translated_refusal(
    value, loads_truncated
):
    process_wide = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = loads_truncated
    try:
        cleaned, digest = signature_images.clean_data_url(value)
    except ValidationError as error:
        assert len(error.messages) == 1
        assert error.messages[0] in SIGNATURE_MESSAGES
    else:
        assert digest == hashlib.sha256(cleaned).hexdigest()
        assert {kind for kind, _ in chunks_of(cleaned)} <= {b"IHDR", b"IDAT", b"IEND"}
        with Image.open(io.BytesIO(cleaned)) as image:
            image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = process_wide


# --- through the real signing screens -------------------------------------------------------


@pytest.fixture
def tablet(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def decided(officer, witness, notices):
    """A Spanish-speaking parent's election, choices made, waiting for the parent to sign."""
    return ElectionFactory(
        stage="decided", office=officer.staff.office, presented_by=officer, witness=witness
    )


@pytest.fixture
def parent_signed(officer, witness, notices):
    return ElectionFactory(
        stage="parent_signed", office=officer.staff.office, presented_by=officer, witness=witness
    )


def post_as_a_browser(client, url, data, **headers):
    """A form post as a browser sends it: URL-encoded, not the test client's multipart."""
    return client.post(
        url, urlencode(data), content_type="application/x-www-form-urlencoded", **headers
    )


def with_spanish(messages):
    with translation.override("es"):
        return {str(translation.gettext(message)) for message in messages}


SPANISH_SIGNATURE_MESSAGES = with_spanish(SIGNATURE_MESSAGES) | with_spanish(
    ["Null characters are not allowed."]
)


def test_a_malformed_signature_on_the_parents_screen_is_refused_in_spanish(
    tablet, decided, monkeypatch
):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    header, stream = signature_parts()
    for data in (
        genuine().replace(b"IDAT", b"I\xdcAT", 1),  # was a server error
        assemble(chunk(b"IHDR", header), chunk(b"IDAT", stream)),  # truncated: was accepted
        genuine(after=b"PK\x03\x04polyglot"),  # was accepted
    ):
        response = tablet.post(
            reverse("elections:parent_sign", args=[decided.pk]),
            {"method": "drawn", "signature": signature_images.as_data_url(data), "reason": ""},
        )
        assert response.status_code == 200
        assert "La firma debe ser una imagen PNG." in response.content.decode()
    assert not Signature.objects.filter(election=decided).exists()


def field_errors(page: str) -> list[str]:
    return [
        html.unescape(error)
        for error in re.findall(r'<div class="invalid-feedback d-block"[^>]*>(.*?)</div>', page)
    ]


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.one_of(hostile_values, hostile_bytes))
def test_whatever_is_posted_as_the_parents_signature_the_screen_answers_in_spanish(
    tablet, decided, value
):
    response = post_as_a_browser(
        tablet,
        reverse("elections:parent_sign", args=[decided.pk]),
        {
            "method": "drawn",
            "signature": value,
            "reason": "",
            "covers": services.election_consent_digest(election=decided),
        },
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        errors = field_errors(response.content.decode())
        assert errors and set(errors) <= SPANISH_SIGNATURE_MESSAGES, errors


def test_a_signature_just_over_the_byte_limit_is_refused_on_the_form_with_the_fields_kept(
    tablet, parent_signed, witness
):
    oversized = signature_images.as_data_url(
        genuine(after=b"\x00" * django_settings.FORMSVC_SIGNATURE_MAX_BYTES)
    )
    response = tablet.post(
        reverse("elections:staff_sign", args=[parent_signed.pk]),
        {
            "witness-username": "witness",
            "witness-password": STAFF_PASSWORD,
            "witness-signature": oversized,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The signature image is too large." in body
    assert 'value="witness"' in body
    assert not Signature.objects.filter(election=parent_signed, role=SignatureRole.WITNESS).exists()


def a_signature_over_the_request_limit() -> str:
    return signature_images.DATA_URL_PREFIX + "A" * (
        django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    )


def test_a_body_over_the_request_limit_gets_the_parents_screen_back_in_spanish(tablet, decided):
    url = reverse("elections:parent_sign", args=[decided.pk])
    response = post_as_a_browser(
        tablet, url, {"method": "drawn", "signature": a_signature_over_the_request_limit()}
    )
    assert response.status_code == 413
    body = response.content.decode()
    assert "La imagen de la firma es demasiado grande." in body
    # The same signing screen, ready to sign again, in the parent's language.
    assert "data-signing-form" in body and response.headers["Content-Language"] == "es"
    assert not Signature.objects.filter(election=decided).exists()
    # The message belongs to that answer only.
    assert "demasiado grande" not in tablet.get(url).content.decode()


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [
        ("en", "The signature image is too large."),
        ("es", "La imagen de la firma es demasiado grande."),
    ],
)
def test_a_body_over_the_request_limit_gets_the_staff_signing_page_back(
    tablet, parent_signed, accept_language, message
):
    response = post_as_a_browser(
        tablet,
        reverse("elections:staff_sign", args=[parent_signed.pk]),
        {
            "witness-username": "witness",
            "witness-password": STAFF_PASSWORD,
            "witness-signature": a_signature_over_the_request_limit(),
        },
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert message in page
    # The officer's forms are there for the browser to restore what was typed.
    assert 'name="witness-username"' in page and 'name="officer-password"' in page
    assert not Signature.objects.filter(election=parent_signed, role=SignatureRole.WITNESS).exists()


def test_a_body_over_the_request_limit_on_a_post_only_action_is_a_translated_413(tablet, decided):
    response = post_as_a_browser(
        tablet,
        reverse("elections:submit", args=[decided.pk]),
        {"padding": a_signature_over_the_request_limit()},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 413
    assert "Lo que se envió es demasiado grande." in response.content.decode()
    decided.refresh_from_db()
    assert decided.status == Status.DRAFT


def test_a_body_over_the_request_limit_from_a_signed_out_tablet_leads_to_the_sign_in(
    client, decided
):
    response = post_as_a_browser(
        client,
        reverse("elections:parent_sign", args=[decided.pk]),
        {"method": "drawn", "signature": a_signature_over_the_request_limit()},
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
