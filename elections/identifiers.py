"""Alien registration numbers (A-numbers).

Stored as ``A`` followed by nine digits. Officers type them in every shape found on paper:
``A-012-345-678``, ``12345678``, ``a 012 345 678``; an eight-digit number gets a leading zero.
Pasted or phone-typed shapes are read too: invisible characters (a zero-width space, a bidi mark)
are removed, fullwidth letters and digits (``Ａ０１２``) are read through NFKC, and any dash
(``–``, ``‐``) separates like ``-``.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .names import strip_invisible

A_NUMBER_PATTERN = r"^A\d{9}$"
_SEPARATORS = re.compile(r"[\s\-./\u2010-\u2015\u2212]+")


def _readable(raw) -> str:
    return strip_invisible(unicodedata.normalize("NFKC", str(raw or "")))


def normalize_a_number(raw: str) -> str:
    """Return the stored form of an A-number, or raise ValidationError with a translated message."""
    cleaned = _SEPARATORS.sub("", _readable(raw)).upper()
    if cleaned.startswith("A"):
        cleaned = cleaned[1:]
    if not cleaned.isdigit() or len(cleaned) not in (8, 9) or not cleaned.isascii():
        raise ValidationError(
            _(
                "An A-number is the letter A followed by 8 or 9 digits, for example A012345678. "
                "You typed “%(value)s”."
            ),
            code="a_number_format",
            # What the officer sees they typed: an invisible character could not be shown, and a
            # bidi override would turn the rest of the message around.
            params={"value": strip_invisible(raw)},
        )
    return "A" + cleaned.zfill(9)


def normalize_optional_a_number(raw: str | None) -> str | None:
    """A child's A-number, if known: None when nothing visible was typed, else as above."""
    if not _readable(raw).strip():
        return None
    return normalize_a_number(raw)


def format_a_number(stored: str) -> str:
    """``A012345678`` -> ``A012-345-678``, the way it is printed on forms."""
    if not stored or not re.match(A_NUMBER_PATTERN, stored):
        return stored or ""
    digits = stored[1:]
    return f"A{digits[:3]}-{digits[3:6]}-{digits[6:]}"
