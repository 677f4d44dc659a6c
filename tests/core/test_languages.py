"""The country and language lists of the officer's selects: only real countries, each list in
the order its reader's language sorts (ICU collation), not in code-point order."""

from __future__ import annotations

import icu
import pytest
from django.utils import translation

from elections import languages
from elections.models import Facility
from elections.officer.forms import StartForm

NOT_A_COUNTRY = {
    "en": ["Pseudo-Accents", "Pseudo-Bidi", "European Union", "Eurozone", "United Nations",
           "Unknown Region", "Outlying Oceania", "Canary Islands", "Ascension Island"],
    "es": ["Pseudoacentos", "Pseudobidi", "Unión Europea", "zona del euro", "Naciones Unidas",
           "Región desconocida", "Territorios alejados de Oceanía", "Canarias", "Isla de la Ascensión"],
}  # fmt: skip


def country_names(lang: str) -> list[str]:
    with translation.override(lang):
        return [name for _code, name in languages.country_choices()]


def language_names(lang: str) -> list[str]:
    with translation.override(lang):
        return [name for _group, items in languages.language_choices() for _code, name in items]


def neighbours(names: list[str], name: str) -> tuple[str, str]:
    at = names.index(name)
    return names[at - 1], names[at + 1]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_country_list_has_no_pseudo_locale_organisation_or_unknown_region(lang):
    with translation.override(lang):
        codes = {code for code, _name in languages.country_choices()}
    names = country_names(lang)

    assert not codes & {"XA", "XB", "EU", "EZ", "UN", "QO", "ZZ", "AC", "CP", "CQ", "DG", "EA"}
    assert not codes & {"IC", "TA"}
    assert not set(names) & set(NOT_A_COUNTRY[lang])


def test_the_countries_are_iso_3166_1_and_kosovo():
    iso_and_icu_extras = set(icu.Locale.getISOCountries())

    assert languages.ALL_COUNTRY_CODES <= iso_and_icu_extras
    # ISO 3166-1 assigns 249 codes; Kosovo (XK) is kept as the place people come from.
    assert len(languages.ALL_COUNTRY_CODES) == 250
    assert {"XK", "GT", "HN", "SV", "MX", "AX", "CI", "TN"} <= languages.ALL_COUNTRY_CODES


def test_the_officer_cannot_choose_the_european_union_as_a_citizenship():
    form = StartForm(
        data={"country_of_citizenship": "EU"},
        facilities=[],
        facility_queryset=Facility.objects.none(),
    )
    offered = {value for value, _label in form.fields["country_of_citizenship"].choices}

    assert "EU" not in offered
    assert not form.is_valid()
    assert "country_of_citizenship" in form.errors


def test_spanish_countries_are_in_spanish_alphabetical_order():
    names = country_names("es")

    assert neighbours(names, "Costa Rica") == ("Corea del Sur", "Côte d’Ivoire")
    assert neighbours(names, "Côte d’Ivoire") == ("Costa Rica", "Croacia")
    assert neighbours(names, "México") == ("Mayotte", "Micronesia")
    assert neighbours(names, "Túnez") == ("Trinidad y Tobago", "Turkmenistán")
    # CLDR's Spanish name for Åland is "Islas Aland": it sorts among the I's.
    assert neighbours(names, "Islas Aland") == ("Islandia", "Islas Caimán")
    assert neighbours(names, "Perú") == ("Paraguay", "Polinesia Francesa")
    assert names[0] == "Afganistán" and names[-1] == "Zimbabue"


def test_english_countries_are_in_english_alphabetical_order():
    names = country_names("en")

    assert neighbours(names, "Åland Islands") == ("Afghanistan", "Albania")
    assert neighbours(names, "Côte d’Ivoire") == ("Costa Rica", "Croatia")
    assert neighbours(names, "Curaçao") == ("Cuba", "Cyprus")
    assert neighbours(names, "Réunion") == ("Qatar", "Romania")
    assert names[0] == "Afghanistan" and names[-1] == "Zimbabwe"


def test_spanish_language_names_with_accents_sort_with_their_letter():
    names = language_names("es")

    assert neighbours(names, "Árabe") == ("Amárico", "Bengalí")
    assert neighbours(names, "Español") == ("Criollo haitiano", "Francés")
    assert names.index("Wólof") == names.index("Vietnamita") + 1


def test_english_language_names_are_in_english_alphabetical_order():
    names = language_names("en")

    assert neighbours(names, "Arabic") == ("Amharic", "Bangla")
    assert neighbours(names, "Kʼicheʼ") == ("Kaqchikel", "Mam")


def test_each_language_keeps_its_own_order_whichever_screen_asked_first():
    english_first = country_names("en")
    spanish = country_names("es")
    english_again = country_names("en")

    assert english_again == english_first
    assert spanish.index("Alemania") < spanish.index("Estados Unidos") < spanish.index("Suiza")
    assert spanish != english_first
