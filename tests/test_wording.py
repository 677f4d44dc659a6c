"""One wording on every screen: language names written the way each language writes them
(Spanish "en español" mid-sentence, "Español" as a menu item), one spelling of "Username", and
no placeholders (examples are in the help text under a field, where they stay readable)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from elections import languages
from elections.officer.forms import NoticeForm
from tests.factories import ElectionFactory

BASE = Path(settings.BASE_DIR)
SPANISH_PO = BASE / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Where the screens' English comes from: templates and the Python that renders them.
SOURCES = [
    *sorted((BASE / "templates").rglob("*.html")),
    *sorted((BASE / "elections").rglob("*.py")),
]


def spanish_catalog():
    with SPANISH_PO.open("rb") as po:
        return read_po(po, locale="es")


def capitalised_spanish_language_names() -> set[str]:
    names = {Locale("es").languages[code] for code in languages.COMMON_LANGUAGES}
    with translation.override("es"):
        names |= {str(name) for name in languages.INDIGENOUS_LANGUAGES.values()}
    return {name[:1].upper() + name[1:] for name in names}


def test_no_spanish_translation_capitalises_a_language_name_inside_a_sentence():
    names = "|".join(re.escape(name) for name in sorted(capitalised_spanish_language_names()))
    mid_sentence = re.compile(rf"\b(?:en|de|del|al|a|y|o|es)\s+(?:<strong>)?(?:{names})\b")
    offending = []
    for message in spanish_catalog():
        for text in message.string if isinstance(message.string, tuple) else [message.string]:
            if text and mid_sentence.search(text):
                offending.append(text)
    assert not offending, offending


def test_the_scan_would_find_a_capitalised_language_name_mid_sentence():
    names = "|".join(re.escape(name) for name in sorted(capitalised_spanish_language_names()))
    mid_sentence = re.compile(rf"\b(?:en|de|del|al|a|y|o|es)\s+(?:<strong>)?(?:{names})\b")
    assert mid_sentence.search("Aviso en Español, versión 1")
    assert mid_sentence.search("Intérprete: Ana, al Kʼicheʼ")
    assert not mid_sentence.search("Aviso en español, versión 1")


def test_the_language_switch_names_spanish_as_a_menu_item_with_a_capital():
    assert dict(settings.LANGUAGES)["es"] == "Español"


def test_username_is_spelled_one_way_in_the_english_messages_and_templates():
    spelled_apart = [
        str(source.relative_to(BASE))
        for source in SOURCES
        if re.search(r"\buser[ _-]name\b", source.read_text(encoding="utf-8"), re.IGNORECASE)
    ]
    catalog = spanish_catalog()

    assert not spelled_apart, spelled_apart
    assert catalog.get("Username").string == "Nombre de usuario"
    assert catalog.get("username").string == "nombre de usuario"
    for message in catalog:
        if message.id and re.search(r"(?<!%\()\busername\b", str(message.id), re.IGNORECASE):
            assert "nombre de usuario" in message.string.lower(), message.id


def test_no_screen_has_a_placeholder():
    with_placeholder = [
        str(source.relative_to(BASE))
        for source in SOURCES
        if re.search(r"placeholder\s*=|[\"']placeholder[\"']\s*:", source.read_text("utf-8"))
    ]
    assert not with_placeholder, with_placeholder


# --- What the officer reads --------------------------------------------------------------------


@pytest.fixture
def tablet(client, officer):
    client.force_login(officer)
    return client


def test_the_officer_signs_in_with_the_same_username_label_as_the_signatures_form(client, db):
    english = client.get(reverse("login")).content.decode()
    spanish = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    admin = client.get(reverse("admin:login")).content.decode()

    assert re.search(r"<label[^>]*>\s*Username", english)
    assert re.search(r"<label[^>]*>\s*Nombre de usuario", spanish)
    assert re.search(r"<label[^>]*>\s*Username", admin)


def test_the_handover_page_in_spanish_names_the_notice_language_in_lower_case(
    tablet, office, officer, witness, notices
):
    election = ElectionFactory(stage="notice", office=office, presented_by=officer, witness=witness)

    page = tablet.get(
        reverse("elections:handover", args=[election.pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()

    assert "en español con el inglés al lado" in page
    assert "en Español" not in page


def test_the_notice_step_in_spanish_names_the_parents_language_in_lower_case(
    tablet, office, officer, witness, notices
):
    election = ElectionFactory(
        stage="children", office=office, presented_by=officer, witness=witness, language="mam"
    )

    page = tablet.get(
        reverse("elections:notice", args=[election.pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()

    assert "es <strong>mam</strong>" in page
    # In the language select the same name is a list item, capitalised.
    assert ">Mam</option>" in page


def test_a_refused_notice_choice_names_the_language_in_lower_case_in_spanish(db):
    with translation.override("es"):
        form = NoticeForm(
            data={"language": "es", "delivery_mode": "officer_read"},
            languages=["en", "es"],
            witnesses=[],
            witness_queryset=get_user_model().objects.none(),
            parent_language="quc",
        )
        form.is_valid()
        errors = " ".join(form.errors.get("delivery_mode", []))

    assert "El idioma principal del padre o la madre es quiché, no el idioma del aviso" in errors


@pytest.mark.parametrize(
    ("lang", "code", "in_text", "in_list"),
    [
        ("es", "es", "español", "Español"),
        ("es", "ar", "árabe", "Árabe"),
        ("es", "mam", "mam", "Mam"),
        ("es", "yua", "maya yucateco", "Maya yucateco"),
        ("en", "es", "Spanish", "Spanish"),
        ("en", "mam", "Mam", "Mam"),
    ],
)
def test_a_language_is_named_for_a_sentence_and_for_a_list(lang, code, in_text, in_list):
    with translation.override(lang):
        assert languages.language_name_in_text(code) == in_text
        assert languages.language_name(code) == in_list
