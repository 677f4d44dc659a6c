"""People's names and the other words printed on the record (R1, R2, R4, R5, R6).

A name the record prints must be one a reader can see. Typed text is cleaned the same way
wherever it enters (forms, services, the API):

1. NFC: ``e`` + U+0301 is stored as ``é``, so the same name is always the same string.
2. Removed: control characters (Cc), format characters (Cf: zero-width space, soft hyphen, bidi
   embeddings, overrides and isolates, word joiner, BOM, tag characters...), surrogates,
   private-use and unassigned code points, every Default_Ignorable_Code_Point (DerivedCore-
   Properties.txt; this includes the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, the combining
   grapheme joiner U+034F, U+17B4/U+17B5 and the variation selectors), and the few characters
   fonts draw as nothing that Unicode does not call ignorable (braille blank U+2800, object
   replacement U+FFFC, musical null notehead U+1D159).
3. ZWNJ (U+200C) and ZWJ (U+200D) are kept where a script needs them: between two letters or
   marks (Persian ``می‌خواهم``, Indic conjuncts) and after a virama (Devanagari half forms, old
   Malayalam chillus at the end of a word). Anywhere else, and all but the last of a run, they
   are removed.
4. A combining mark with nothing to sit on (at the start, or after a space) is removed: it would
   be drawn on a dotted circle.
5. Every kind of space (Zs, Zl, Zp, tabs, line breaks) becomes one ordinary space; spaces are
   collapsed and stripped. Multi-line fields keep their line breaks, one blank line at most.

A person's name must then contain a letter (Lu, Ll, Lt or Lo: a modifier letter such as ``ʻ``
alone is not a name); digits, punctuation, marks or symbols alone are refused. Other printed text
must contain a letter, or a letter or a digit where digits alone are legitimate (an operator ID).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# Default_Ignorable_Code_Point, DerivedCoreProperties.txt of Unicode 15 (the version of Python
# 3.12's unicodedata). ZWNJ and ZWJ (U+200C, U+200D) are in it; they are handled apart.
_DEFAULT_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),  # SOFT HYPHEN
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x061C, 0x061C),  # ARABIC LETTER MARK
    (0x115F, 0x1160),  # HANGUL CHOSEONG FILLER..HANGUL JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ..AA
    (0x180B, 0x180F),  # MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
    (0x200B, 0x200F),  # ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
    (0x202A, 0x202E),  # LEFT-TO-RIGHT EMBEDDING..RIGHT-TO-LEFT OVERRIDE
    (0x2060, 0x206F),  # WORD JOINER..NOMINAL DIGIT SHAPES (with the isolates)
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFE00, 0xFE0F),  # VARIATION SELECTOR-1..16
    (0xFEFF, 0xFEFF),  # ZERO WIDTH NO-BREAK SPACE (BOM)
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0xFFF0, 0xFFF8),  # reserved
    (0x1BCA0, 0x1BCA3),  # SHORTHAND FORMAT CONTROLS
    (0x1D173, 0x1D17A),  # MUSICAL SYMBOL BEGIN BEAM..END PHRASE
    (0xE0000, 0xE0FFF),  # LANGUAGE TAG, TAG characters, VARIATION SELECTOR-17..256, reserved
)
# Drawn as nothing by the fonts that have them, though Unicode does not call them ignorable.
_BLANK_GLYPHS = frozenset({0x2800, 0xFFFC, 0x1D159})
_INVISIBLE = (
    frozenset(code for first, last in _DEFAULT_IGNORABLE_RANGES for code in range(first, last + 1))
    | _BLANK_GLYPHS
)
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_SPACE_CATEGORIES = frozenset({"Zs", "Zl", "Zp"})
_NAME_LETTERS = frozenset({"Lu", "Ll", "Lt", "Lo"})
JOINERS = frozenset({"\u200c", "\u200d"})
_VIRAMA = 9  # canonical combining class of the viramas

NAME_MESSAGE = _(
    "%(field)s must be written with letters: spaces, invisible characters, digits or symbols "
    "alone are not a name."
)
LETTERS_MESSAGE = _(
    "%(field)s must be written with letters: spaces, invisible characters or symbols alone "
    "cannot be read."
)
LETTERS_OR_DIGITS_MESSAGE = _(
    "%(field)s must have letters or digits: spaces, invisible characters or symbols alone "
    "cannot be read."
)


def _category(char: str) -> str:
    return unicodedata.category(char)


def is_invisible_char(char: str) -> bool:
    """A character that prints as nothing and is removed from typed text (spaces are not)."""
    return ord(char) in _INVISIBLE or _category(char) in _REMOVED_CATEGORIES


def _is_space(char: str) -> bool:
    return char.isspace() or _category(char) in _SPACE_CATEGORIES


def strip_invisible(value) -> str:
    """``value`` without its invisible characters; spaces and everything else untouched."""
    return "".join(
        char for char in str(value or "") if _is_space(char) or not is_invisible_char(char)
    )


def _clean_line(line: str) -> str:
    chars = []
    for char in line:
        if _is_space(char):
            chars.append(" ")
        elif char in JOINERS or not is_invisible_char(char):
            chars.append(char)
    out: list[str] = []
    for index, char in enumerate(chars):
        before = out[-1] if out else ""
        if char in JOINERS:
            after = chars[index + 1] if index + 1 < len(chars) else ""
            if after in JOINERS:
                continue  # a run of joiners keeps only its last
            inside_word = (
                before and _category(before)[0] in "LM" and after and _category(after)[0] in "LM"
            )
            after_virama = before and unicodedata.combining(before) == _VIRAMA
            if inside_word or after_virama:
                out.append(char)
        elif _category(char)[0] == "M" and before in ("", " "):
            continue  # an orphan mark would be drawn on a dotted circle
        else:
            out.append(char)
    return " ".join(part for part in "".join(out).split(" ") if part)


def normalize_text(value, *, multiline: bool = False) -> str:
    """Typed text as the record stores it: NFC, nothing invisible, ordinary single spaces."""
    text = unicodedata.normalize("NFC", str(value or ""))
    if not multiline:
        return unicodedata.normalize("NFC", _clean_line(text))
    lines: list[str] = []
    for line in text.splitlines():
        cleaned = _clean_line(line)
        if cleaned or (lines and lines[-1]):
            lines.append(cleaned)
    while lines and not lines[-1]:
        lines.pop()
    return unicodedata.normalize("NFC", "\n".join(lines))


def _has_name_letter(text: str) -> bool:
    return any(_category(char) in _NAME_LETTERS for char in text)


def is_visible_name(value) -> bool:
    """A name a reader can see: once cleaned, it has at least one letter."""
    return _has_name_letter(normalize_text(value))


def is_readable_text(value, *, digits_suffice: bool = False) -> bool:
    """Printed text a reader can see: a letter, or a letter or digit where digits can do."""
    wanted = "LN" if digits_suffice else "L"
    return any(_category(char)[0] in wanted for char in normalize_text(value, multiline=True))


def name_key(value) -> str:
    """What two names are compared by: the cleaned name, case-folded (``José`` = ``JOSÉ``)."""
    return unicodedata.normalize("NFC", normalize_text(value).casefold())


def search_key(value) -> str:
    """What the auditor's name search compares: the cleaned name with its accents and other
    marks taken off, case-folded (``Benítez`` = ``BENITEZ`` = ``benitez``; ``Ñ`` = ``n``)."""
    decomposed = unicodedata.normalize("NFKD", normalize_text(value))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare.casefold())


def _check_length(text: str, max_length: int | None) -> None:
    if max_length is not None:
        MaxLengthValidator(max_length)(text)


def clean_person_name(value, *, field=None, max_length: int | None = None) -> str:
    """The name as stored, or a translated ValidationError (code ``name_unreadable``)."""
    name = normalize_text(value)
    if not _has_name_letter(name):
        raise ValidationError(
            NAME_MESSAGE, code="name_unreadable", params={"field": field or _("The name")}
        )
    _check_length(name, max_length)
    return name


def clean_printed_text(
    value,
    *,
    field,
    digits_suffice: bool = False,
    multiline: bool = False,
    max_length: int | None = None,
) -> str:
    """Required free text printed on the record, cleaned; refused if nothing readable is left."""
    text = normalize_text(value, multiline=multiline)
    if not is_readable_text(text, digits_suffice=digits_suffice):
        raise ValidationError(
            LETTERS_OR_DIGITS_MESSAGE if digits_suffice else LETTERS_MESSAGE,
            code="text_unreadable",
            params={"field": field},
        )
    _check_length(text, max_length)
    return text


def spreadsheet_safe(value: str) -> str:
    """A CSV cell that a spreadsheet would run as a formula, written as text instead."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
