"""The officer's country and language selects on a Spanish tablet: real countries only, in the
order a Spanish reader looks for them (Côte d'Ivoire among the C's, México after Mayotte)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ORIENTATION_IDS, TABLET_ORIENTATIONS, assert_accessible
from tests.factories import STAFF_PASSWORD, make_officer

pytestmark = pytest.mark.browser


def option_texts(select) -> list[str]:
    return select.locator("option").evaluate_all(
        "options => options.map(o => o.textContent.trim())"
    )


def following(names: list[str], name: str) -> str:
    return names[names.index(name) + 1]


@pytest.mark.parametrize("viewport", TABLET_ORIENTATIONS, ids=ORIENTATION_IDS)
def test_a_spanish_screen_lists_the_countries_in_spanish_order(
    transactional_db, live_server, make_tablet, office, viewport
):
    officer = make_officer(office, username="lbenitez", first_name="Laura", last_name="Benítez")
    page = make_tablet(locale="es-US", viewport=viewport)
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label("Nombre de usuario").fill(officer.get_username())
    page.get_by_label("Contraseña").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.locator("#id_a_number").fill("A-212-345-678")
    page.locator("form.start-lookup button[type=submit]").click()
    country = page.get_by_label("País de ciudadanía")
    expect(country).to_be_visible()

    countries = option_texts(country)
    assert countries[1] == "Afganistán" and countries[-1] == "Zimbabue"
    assert following(countries, "Costa Rica") == "Côte d’Ivoire"
    assert following(countries, "Côte d’Ivoire") == "Croacia"
    assert following(countries, "Mayotte") == "México"
    assert following(countries, "Trinidad y Tobago") == "Túnez"
    assert following(countries, "Islandia") == "Islas Aland"
    for not_a_country in (
        "Pseudoacentos",
        "Unión Europea",
        "Región desconocida",
        "Naciones Unidas",
    ):
        assert not_a_country not in countries

    languages = option_texts(page.get_by_label("Idioma principal"))
    assert following(languages, "Amárico") == "Árabe"
    assert following(languages, "Criollo haitiano") == "Español"

    # The choice a Spanish reader makes is the one recorded.
    country.select_option(label="México")
    expect(country).to_have_value("MX")
    assert_accessible(page)
