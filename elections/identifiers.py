"""Alien registration numbers (A-numbers).

Stored as ``A`` followed by nine digits. Officers type them in every shape found on paper:
``A-012-345-678``, ``12345678``, ``a 012 345 678``; an eight-digit number gets a leading zero.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

A_NUMBER_PATTERN = r"^A\d{9}$"
_SEPARATORS = re.compile(r"[\s\-./]+")


def normalize_a_number(raw: str) -> str:
    """Return the stored form of an A-number, or raise ValidationError with a translated message."""
    cleaned = _SEPARATORS.sub("", (raw or "").strip()).upper()
    if cleaned.startswith("A"):
        cleaned = cleaned[1:]
    if not cleaned.isdigit() or len(cleaned) not in (8, 9) or not cleaned.isascii():
        raise ValidationError(
            _(
                "An A-number is the letter A followed by 8 or 9 digits, for example A012345678. "
                "You typed “%(value)s”."
            ),
            code="a_number_format",
            params={"value": raw},
        )
    return "A" + cleaned.zfill(9)


def format_a_number(stored: str) -> str:
    """``A012345678`` -> ``A012-345-678``, the way it is printed on forms."""
    if not stored or not re.match(A_NUMBER_PATTERN, stored):
        return stored or ""
    digits = stored[1:]
    return f"A{digits[:3]}-{digits[3:6]}-{digits[6:]}"
