"""The languages a parent may speak, named the way the reader of the screen says them.

Names come from Babel (CLDR) in the language of the screen. CLDR does not yet name several Mayan
languages spoken by parents from Guatemala; for those we carry translated names ourselves. None of
them has a written notice: a parent who speaks one is always served through an interpreter (R4).
"""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# ISO 639 codes offered for a parent's primary language and an interpreter's language.
COMMON_LANGUAGES = [
    "es", "en", "pt", "fr", "ht", "ar", "ru", "zh", "hi", "pa", "ro", "tr", "uk", "vi",
    "bn", "ne", "so", "am", "ti", "wo", "ff", "ln",
]  # fmt: skip

# Indigenous languages of Central America and Mexico. Babel's name is used where CLDR has one;
# these are the names for the rest.
INDIGENOUS_LANGUAGES = {
    "quc": _("Kʼicheʼ"),
    "mam": _("Mam"),
    "kjb": _("Qʼanjobʼal"),
    "ixl": _("Ixil"),
    "knj": _("Akateko"),
    "cac": _("Chuj"),
    "jac": _("Popti’ (Jakaltek)"),
    "kek": _("Qʼeqchiʼ"),
    "cak": _("Kaqchikel"),
    "tzj": _("Tzʼutujil"),
    "poh": _("Poqomchiʼ"),
    "acr": _("Achi"),
    "usp": _("Uspanteko"),
    "ttc": _("Tektiteko"),
    "mop": _("Mopan"),
    "nah": _("Nahuatl"),
    "yua": _("Yucatec Maya"),
    "tzh": _("Tzeltal"),
    "tzo": _("Tzotzil"),
    "mix": _("Mixtec"),
    "zap": _("Zapotec"),
    "cab": _("Garifuna"),
    "miq": _("Miskito"),
}


def _babel_locale(code: str | None = None) -> Locale:
    code = code or translation.get_language() or "en"
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale("en")


def language_name(code: str, in_language: str | None = None) -> str:
    """The name of ``code`` in ``in_language`` (default: the active UI language)."""
    if not code:
        return ""
    name = _babel_locale(in_language).languages.get(code)
    if not name and code in INDIGENOUS_LANGUAGES:
        with translation.override(in_language or translation.get_language()):
            return str(INDIGENOUS_LANGUAGES[code])
    return name[:1].upper() + name[1:] if name else code


def language_name_in_text(code: str) -> str:
    """The name of ``code`` as written inside a sentence of the active language: "Spanish
    notice", "aviso en español" (``language_name`` capitalises it for a list or a label)."""
    name = _babel_locale().languages.get(code)
    return name or language_name(code)


def needs_interpreter_always(code: str) -> bool:
    """Languages with no written notice of their own, where the parent must hear it interpreted."""
    return code in INDIGENOUS_LANGUAGES


def language_choices() -> list[tuple[str, str]]:
    """Choices for a select, in the active UI language: common languages first, then the rest."""
    common = sorted(((c, language_name(c)) for c in COMMON_LANGUAGES), key=lambda p: p[1])
    indigenous = sorted(((c, language_name(c)) for c in INDIGENOUS_LANGUAGES), key=lambda p: p[1])
    return [
        (str(_("Common languages")), common),
        (str(_("Indigenous languages (interpreter always required)")), indigenous),
    ]


ALL_LANGUAGE_CODES = frozenset(COMMON_LANGUAGES) | frozenset(INDIGENOUS_LANGUAGES)


@lru_cache(maxsize=8)
def _territories(locale_code: str) -> tuple[tuple[str, str], ...]:
    territories = _babel_locale(locale_code).territories
    pairs = [
        (code, name) for code, name in territories.items() if len(code) == 2 and code.isalpha()
    ]
    return tuple(sorted(pairs, key=lambda p: p[1]))


def country_choices() -> list[tuple[str, str]]:
    return list(_territories(translation.get_language() or "en"))


def country_name(code: str, in_language: str | None = None) -> str:
    return _babel_locale(in_language).territories.get(code, code)


ALL_COUNTRY_CODES = frozenset(code for code, _name in _territories("en"))
