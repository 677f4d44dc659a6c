"""The languages a parent may speak, named the way the reader of the screen says them.

Names come from Babel (CLDR) in the language of the screen. CLDR does not yet name several Mayan
languages spoken by parents from Guatemala; for those we carry translated names ourselves. None of
them has a written notice: a parent who speaks one is always served through an interpreter (R4).

Lists are sorted the way the reader's language sorts (ICU collation): "Côte d’Ivoire" after
"Costa Rica", "México" after "Mayotte", "Árabe" among the A's, where a code-point sort would put
every accented initial after Z.
"""

from functools import lru_cache

import icu
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
    notice", "aviso en español", "al mam" (``language_name`` capitalises it for a list item, a
    menu or a label, as CLDR does)."""
    locale = _babel_locale()
    name = locale.languages.get(code)
    if name:
        return name
    name = language_name(code)
    if _names_languages_in_lower_case(locale):
        # Our own names (the Mayan languages CLDR lacks) follow the language's rule too.
        return name[:1].lower() + name[1:]
    return name


def _names_languages_in_lower_case(locale: Locale) -> bool:
    """Whether the language writes language names in lower case (Spanish: "inglés")."""
    english = locale.languages.get("en", "")
    return english[:1].islower()


def needs_interpreter_always(code: str) -> bool:
    """Languages with no written notice of their own, where the parent must hear it interpreted."""
    return code in INDIGENOUS_LANGUAGES


def _ui_language() -> str:
    return translation.get_language() or "en"


@lru_cache(maxsize=8)
def _collator(locale_code: str) -> icu.Collator:
    """ICU's collator for the language of ``locale_code``, built once per language; the cached
    lists below are sorted with it, so it is only read while a cache entry is built."""
    return icu.Collator.createInstance(icu.Locale(str(_babel_locale(locale_code))))


def _sorted_by_name(pairs, locale_code: str) -> tuple[tuple[str, str], ...]:
    key = _collator(locale_code).getSortKey
    return tuple(sorted(pairs, key=lambda pair: key(pair[1])))


@lru_cache(maxsize=8)
def _language_groups(locale_code: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    with translation.override(locale_code):
        common = [(c, language_name(c)) for c in COMMON_LANGUAGES]
        indigenous = [(c, language_name(c)) for c in INDIGENOUS_LANGUAGES]
    return _sorted_by_name(common, locale_code), _sorted_by_name(indigenous, locale_code)


def language_choices() -> list[tuple[str, str]]:
    """Choices for a select, in the active UI language: common languages first, then the rest,
    each group in the order of that language."""
    common, indigenous = _language_groups(_ui_language())
    return [
        (str(_("Common languages")), list(common)),
        (str(_("Indigenous languages (interpreter always required)")), list(indigenous)),
    ]


ALL_LANGUAGE_CODES = frozenset(COMMON_LANGUAGES) | frozenset(INDIGENOUS_LANGUAGES)


# The two-letter regions CLDR names that are not a country a parent can be a citizen of. What
# remains is ISO 3166-1's assigned codes (249) plus Kosovo.
NOT_COUNTRIES = frozenset(
    {
        # ISO 3166 "exceptionally reserved" codes for parts of a country listed on its own:
        "AC",  # Ascension Island: part of Saint Helena, Ascension and Tristan da Cunha (SH)
        "CP",  # Clipperton Island: French (FR)
        "CQ",  # Sark: part of Guernsey (GG)
        "DG",  # Diego Garcia: part of the British Indian Ocean Territory (IO)
        "EA",  # Ceuta and Melilla: Spain (ES)
        "IC",  # Canary Islands: Spain (ES)
        "TA",  # Tristan da Cunha: part of Saint Helena, Ascension and Tristan da Cunha (SH)
        # Organisations and groupings, not a citizenship:
        "EU",  # European Union
        "EZ",  # Eurozone
        "UN",  # United Nations
        "QO",  # Outlying Oceania (a CLDR grouping of small islands)
        # Not a place:
        "XA",  # Pseudo-Accents (a test locale)
        "XB",  # Pseudo-Bidi (a test locale)
        "ZZ",  # Unknown Region
    }
)
# Kept although outside ISO 3166-1: "XK", Kosovo. It is a real place with its own passports and
# people come from it; the code is the one the EU, CLDR and travel documents use for it.


@lru_cache(maxsize=8)
def _territories(locale_code: str) -> tuple[tuple[str, str], ...]:
    territories = _babel_locale(locale_code).territories
    pairs = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return _sorted_by_name(pairs, locale_code)


def country_choices() -> list[tuple[str, str]]:
    """Every country, named and sorted in the active UI language."""
    return list(_territories(_ui_language()))


def country_name(code: str, in_language: str | None = None) -> str:
    return _babel_locale(in_language).territories.get(code, code)


ALL_COUNTRY_CODES = frozenset(code for code, _name in _territories("en"))
