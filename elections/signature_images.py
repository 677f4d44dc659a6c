"""Checks and re-encodes a drawn signature before it becomes part of a record (§9).

The tablet sends the signature pad's PNG as a data URL. Whatever arrives is treated as hostile:
only PNG, bounded in bytes, in width and height and in total pixels (checked from the header,
before any pixel is decoded), not blank, and re-encoded so no chunk or metadata of the original
survives.

The PNG's structure is checked here, chunk by chunk, before Pillow sees it. Pillow's answer for a
damaged or cut-off file depends on ``ImageFile.LOAD_TRUNCATED_IMAGES``, a process-wide switch that
WeasyPrint turns on, so Pillow alone would accept a truncated image once a PDF had been made.
"""

import base64
import binascii
import hashlib
import io
import logging
import struct
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

logger = logging.getLogger("formsvc.signatures")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
# Fewer inked pixels than this is an empty pad or an accidental tap, not a signature or mark.
MIN_INKED_PIXELS = 20
# Also what the signing pages say when the whole post is over the request-body limit.
TOO_LARGE = _("The signature image is too large.")

# For each colour type (PNG 11.2.2): the bit depths it allows and its samples per pixel.
_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Adam7 passes: first column, first row, column step, row step.
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))  # fmt: skip
# What a browser's canvas may write besides the pixels (with iCCP and bKGD), each at most once and
# before the image data; checked, then dropped. Text, EXIF, animation and any other chunk: refused.
_ANCILLARY_SIZES = {b"sRGB": 1, b"gAMA": 4, b"cHRM": 32, b"pHYs": 9}
_BKGD_SIZES = {0: 2, 2: 6, 3: 1, 4: 2, 6: 6}
_TRNS_SIZES = {0: 2, 2: 6}  # a palette's: one byte per entry at most; none with an alpha channel


def _not_png() -> ValidationError:
    return ValidationError(_("The signature must be a PNG image."), code="not_png")


def decode_data_url(value: str) -> bytes:
    value = (value or "").strip()
    if not value:
        raise ValidationError(
            _("The signature pad is empty. Please sign in the box."), code="blank"
        )
    if not value.startswith(DATA_URL_PREFIX):
        raise _not_png()
    encoded = value[len(DATA_URL_PREFIX) :]
    # base64 is 4/3 of the bytes: refuse before decoding anything too large.
    if len(encoded) > settings.FORMSVC_SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise ValidationError(TOO_LARGE, code="too_large")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _not_png() from None


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _chunks(data: bytes):
    """Yield ``(type, body)`` of each chunk up to IEND, checking lengths and CRCs; refuse a file
    that ends early or has anything after IEND (a ZIP or a script appended: a polyglot)."""
    pos = len(PNG_MAGIC)
    while pos + 12 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            break
        body = data[pos + 8 : end - 4]
        if zlib.crc32(kind + body) != struct.unpack_from(">I", data, end - 4)[0]:
            break
        if kind == b"IEND":
            if body or end != len(data):
                break
            return
        yield kind, body
        pos = end
    raise _not_png()


def _header(body: bytes) -> tuple[int, int, int, int, int]:
    """IHDR: width, height, bit depth, colour type, interlace; the size is bounded here, before
    anything is inflated, so a decompression bomb is refused from its first 33 bytes."""
    if len(body) != 13:
        raise _not_png()
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", body
    )
    if (
        not 0 < width <= 0x7FFFFFFF
        or not 0 < height <= 0x7FFFFFFF
        or depth not in _DEPTHS.get(colour, ())
        or compression != 0
        or filtering != 0
        or interlace not in (0, 1)
    ):
        raise _not_png()
    if (
        width > settings.FORMSVC_SIGNATURE_MAX_SIDE
        or height > settings.FORMSVC_SIGNATURE_MAX_SIDE
        or width * height > settings.FORMSVC_SIGNATURE_MAX_PIXELS
    ):
        raise ValidationError(_("The signature image has too many pixels."), code="too_many_pixels")
    return width, height, depth, colour, interlace


def _row_starts(width: int, height: int, bits_per_pixel: int, interlace: int):
    """Where each scanline's filter byte is in the inflated image data, and its exact size."""
    starts, size = [], 0
    for x0, y0, dx, dy in _ADAM7 if interlace else ((0, 0, 1, 1),):
        columns, rows = (width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy
        if columns > 0 and rows > 0:
            stride = 1 + (columns * bits_per_pixel + 7) // 8
            starts.extend(range(size, size + rows * stride, stride))
            size += rows * stride
    return starts, size


def _harmless(kind: bytes, body: bytes, colour: int) -> bool:
    """A well-formed colour space, gamma, density or background chunk, as a canvas writes."""
    if kind == b"iCCP":  # a profile name of 1 to 79 bytes, NUL, compression method 0, the profile
        name_end = body.find(b"\x00")
        return 0 < name_end < 80 and body[name_end + 1 : name_end + 2] == b"\x00"
    if kind == b"bKGD":
        return len(body) == _BKGD_SIZES[colour]
    return len(body) == _ANCILLARY_SIZES.get(kind)


def checked_png(data: bytes) -> bytes:
    """Check a PNG's structure strictly; return a minimal PNG with only what draws the pixels.

    IHDR first and sane; every CRC right; only the chunks a canvas writes; image data in one run,
    inflated within the exact size the header gives and complete, every row with a known filter;
    exactly one IEND, at the very end. Raises ValidationError otherwise.
    """
    if not data.startswith(PNG_MAGIC):
        raise _not_png()
    chunks = _chunks(data)
    kind, body = next(chunks, (None, b""))
    if kind != b"IHDR":
        raise _not_png()
    width, height, depth, colour, interlace = _header(body)
    header, palette, transparency, image_data, seen = body, b"", b"", [], set()
    for kind, body in chunks:
        if kind == b"IDAT":
            image_data.append(body)
            continue
        if image_data or kind in seen:
            raise _not_png()  # the image data is one run, and nothing comes twice
        seen.add(kind)
        if kind == b"PLTE":
            if colour in (0, 4) or len(body) % 3 or not 3 <= len(body) <= 3 * 2 ** min(depth, 8):
                raise _not_png()
            palette = body
        elif kind == b"tRNS":
            allowed = range(1, len(palette) // 3 + 1) if colour == 3 else [_TRNS_SIZES.get(colour)]
            if len(body) not in allowed:
                raise _not_png()
            transparency = body
        elif not _harmless(kind, body, colour):
            raise _not_png()
    if not image_data or (colour == 3 and not palette):
        raise _not_png()

    stream = b"".join(image_data)
    starts, size = _row_starts(width, height, depth * _SAMPLES[colour], interlace)
    inflater = zlib.decompressobj()
    try:
        # One byte more than the header allows: enough to tell "too much" without inflating it.
        raw = inflater.decompress(stream, size + 1)
    except zlib.error:
        raise _not_png() from None
    if len(raw) != size or not inflater.eof or inflater.unused_data:
        raise _not_png()  # cut short, longer than the header says, or something after it
    if max(raw[start] for start in starts) > 4:
        raise _not_png()  # a row filter PNG does not have
    return b"".join(
        [
            PNG_MAGIC,
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", palette) if palette else b"",
            _chunk(b"tRNS", transparency) if transparency else b"",
            _chunk(b"IDAT", stream),
            _chunk(b"IEND", b""),
        ]
    )


def clean_png(data: bytes) -> bytes:
    """Return a re-encoded copy of a drawn signature, or raise ValidationError."""
    if len(data) > settings.FORMSVC_SIGNATURE_MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    minimal = checked_png(data)
    try:
        with Image.open(io.BytesIO(minimal), formats=["PNG"]) as probe:
            probe.load()
            image = probe.convert("RGBA")
    except Exception as error:
        # Pillow raises many kinds of error (OSError, ValueError, SyntaxError, zlib.error, ...);
        # the structure is already checked, so any of them means a damaged image, not a 500.
        logger.info("signature image refused by the decoder: %s", type(error).__name__)
        raise _not_png() from None
    if _inked_pixels(image) < MIN_INKED_PIXELS:
        raise ValidationError(
            _("The signature pad is empty. Please sign in the box."), code="blank"
        )
    image.info = {}
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _inked_pixels(image: Image.Image) -> int:
    """Pixels that are neither transparent nor near-white: the ink of the stroke."""
    alpha = image.getchannel("A")
    luminance = image.convert("L")
    ink = Image.eval(alpha, lambda a: 255 if a > 32 else 0)
    dark = Image.eval(luminance, lambda v: 255 if v < 200 else 0)
    both = Image.composite(dark, Image.new("L", image.size, 0), ink)
    # Count from the histogram: no Python loop over up to FORMSVC_SIGNATURE_MAX_PIXELS pixels.
    return sum(both.histogram()[1:])


def clean_data_url(value: str) -> tuple[bytes, str]:
    """Decode, check and re-encode a signature pad data URL; returns the PNG and its SHA-256."""
    png = clean_png(decode_data_url(value))
    return png, hashlib.sha256(png).hexdigest()


def as_data_url(png: bytes | memoryview | None) -> str:
    if not png:
        return ""
    return DATA_URL_PREFIX + base64.b64encode(bytes(png)).decode("ascii")
