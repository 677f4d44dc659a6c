"""Checks and re-encodes a drawn signature before it becomes part of a record (§9).

The tablet sends the signature pad's PNG as a data URL. Whatever arrives is treated as hostile:
only PNG, bounded in bytes, in width and height and in total pixels (checked from the header,
before any pixel is decoded), not blank, and re-encoded so no chunk or metadata of the original
survives.
"""

import base64
import binascii
import hashlib
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
# Fewer inked pixels than this is an empty pad or an accidental tap, not a signature or mark.
MIN_INKED_PIXELS = 20


def decode_data_url(value: str) -> bytes:
    value = (value or "").strip()
    if not value:
        raise ValidationError(
            _("The signature pad is empty. Please sign in the box."), code="blank"
        )
    if not value.startswith(DATA_URL_PREFIX):
        raise ValidationError(_("The signature must be a PNG image."), code="not_png")
    encoded = value[len(DATA_URL_PREFIX) :]
    # base64 is 4/3 of the bytes: refuse before decoding anything too large.
    if len(encoded) > settings.FORMSVC_SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise ValidationError(_("The signature image is too large."), code="too_large")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The signature must be a PNG image."), code="not_png") from None


def clean_png(data: bytes) -> bytes:
    """Return a re-encoded copy of a drawn signature, or raise ValidationError."""
    if len(data) > settings.FORMSVC_SIGNATURE_MAX_BYTES:
        raise ValidationError(_("The signature image is too large."), code="too_large")
    if not data.startswith(PNG_MAGIC):
        raise ValidationError(_("The signature must be a PNG image."), code="not_png")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != "PNG":
                raise ValidationError(_("The signature must be a PNG image."), code="not_png")
            width, height = probe.size
            if (
                width > settings.FORMSVC_SIGNATURE_MAX_SIDE
                or height > settings.FORMSVC_SIGNATURE_MAX_SIDE
                or width * height > settings.FORMSVC_SIGNATURE_MAX_PIXELS
            ):
                raise ValidationError(
                    _("The signature image has too many pixels."), code="too_many_pixels"
                )
            probe.load()
            image = probe.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("The signature must be a PNG image."), code="not_png") from None
    if _inked_pixels(image) < MIN_INKED_PIXELS:
        raise ValidationError(
            _("The signature pad is empty. Please sign in the box."), code="blank"
        )
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
