"""Formatting for records: dates and times the way each language writes them (Babel), with the
field office's time zone and UTC offset (R8), and language and country names."""

from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date
from django import template
from django.utils import timezone, translation

from elections import languages
from elections.identifiers import format_a_number
from elections.signature_images import as_data_url

register = template.Library()


def _locale(language: str | None) -> str:
    return (language or translation.get_language() or "en").replace("-", "_")


@register.filter
def long_date(value, language=None):
    """18 May 2021 / 18 de mayo de 2021."""
    if not value:
        return ""
    return format_date(value, format="long", locale=_locale(language))


@register.filter
def age(born, on=None):
    """A person's age in whole years today (or ``on``): "9 years" / "9 años"."""
    if not born:
        return ""
    on = on or timezone.localdate()
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return translation.ngettext("%(years)d year", "%(years)d years", years) % {"years": years}


@register.filter
def office_time(value, office):
    """A moment in the office's time zone, with its offset: 18 May 2021, 14:05 (UTC-06:00)."""
    if not value:
        return ""
    return local_time(value, office.time_zone)


@lru_cache(maxsize=2048)
def _long_date_in(day: date, locale: str) -> str:
    # Babel works out a date's words afresh each time; lists show the same few days on every row.
    return format_date(day, format="long", locale=locale)


def local_time(value, time_zone: str, language: str | None = None) -> str:
    local = timezone.localtime(value, timezone=ZoneInfo(time_zone))
    # The date in the language's own words, then a 24-hour time and a numeric UTC offset that
    # reads the same in every language.
    stamp = f"{_long_date_in(local.date(), _locale(language))}, {local:%H:%M}"
    offset = local.strftime("%z")
    return f"{stamp} (UTC{offset[:3]}:{offset[3:]})"


@register.simple_tag
def office_time_in(value, office, language):
    if not value:
        return ""
    return local_time(value, office.time_zone, language)


@register.filter
def language_name(code, in_language=None):
    return languages.language_name(code, in_language)


@register.filter
def language_in_text(code):
    """The language's name inside a sentence: "en español", "in Spanish"."""
    return languages.language_name_in_text(code)


@register.filter
def country_name(code, in_language=None):
    return languages.country_name(code, in_language)


@register.filter
def a_number(value):
    return format_a_number(value or "")


@register.filter
def png_data_url(value):
    return as_data_url(value)


@register.filter
def person(user, empty="—"):
    """A staff member as records name them: full name, else username; ``empty`` for nobody
    (a draft has no witness yet, a telephone attestation may have no signer)."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
