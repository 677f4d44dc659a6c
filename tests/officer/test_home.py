"""The officer's home: every election the officer resumes, with its link, status, reference and
time in the field office's zone, in the officer's language; names and reasons typed by people
are printed as text, never as markup."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from elections import workflow
from elections.models import Election, Parent
from tests.factories import ElectionFactory, ParentFactory

pytestmark = pytest.mark.django_db

HOSTILE_NAME = 'Ana <img src=x onerror="alert(1)"> & Cruz'
HOSTILE_REASON = "Check the <script>alert('reason')</script> child's date of birth & place."


@pytest.fixture
def elections(office, officer, witness, supervisor, notices):
    """One draft, one returned with its reason and one awaiting approval, of the officer's."""
    draft = ElectionFactory(office=office, presented_by=officer, witness=witness)
    returned = ElectionFactory(
        stage="submitted", office=office, presented_by=officer, witness=witness
    )
    workflow.election_return(election=returned, actor=supervisor, reason=HOSTILE_REASON)
    submitted = ElectionFactory(
        stage="submitted",
        office=office,
        presented_by=officer,
        witness=witness,
        parent=ParentFactory.build(full_name=HOSTILE_NAME),
    )
    return {
        name: Election.objects.select_related("parent").get(pk=e.pk)
        for name, e in (("draft", draft), ("returned", returned), ("submitted", submitted))
    }


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def office_clock(moment, office) -> str:
    """The time and offset as records print them: 14:05 (UTC-06:00)."""
    local = timezone.localtime(moment, ZoneInfo(office.time_zone))
    offset = f"{local:%z}"
    return f"{local:%H:%M} (UTC{offset[:3]}:{offset[3:]})"


def test_the_home_links_each_election_to_where_the_officer_goes_on(client, officer, elections):
    client.force_login(officer)
    page = client.get(reverse("elections:home")).content.decode()
    to_finish = section(page, "open-heading")
    for name in ("draft", "returned"):
        url = reverse("elections:resume", args=[elections[name].pk])
        # The name and the Continue button both lead to the election's next step.
        assert to_finish.count(f'href="{url}"') == 2
        assert elections[name].reference in to_finish
        assert elections[name].parent.a_number_display in to_finish
    awaiting = section(page, "submitted-heading")
    summary = reverse("elections:summary", args=[elections["submitted"].pk])
    assert f'href="{summary}"' in awaiting
    assert f'href="{reverse("elections:resume", args=[elections["submitted"].pk])}"' not in page


def test_the_home_shows_each_status_and_the_time_in_the_field_offices_zone(
    client, officer, office, elections
):
    client.force_login(officer)
    page = client.get(reverse("elections:home")).content.decode()
    to_finish = section(page, "open-heading")
    assert re.search(r'text-bg-danger fs-6">Returned for correction<', to_finish)
    assert re.search(r'text-bg-secondary fs-6">Draft<', to_finish)
    draft = elections["draft"]
    assert f"Last saved {draft.updated_at.astimezone(ZoneInfo(office.time_zone)):%B}" in to_finish
    assert office_clock(draft.updated_at, office) in to_finish
    submitted = elections["submitted"]
    assert office_clock(submitted.submitted_at, office) in section(page, "submitted-heading")


def test_the_home_speaks_the_officers_language(client, officer, elections):
    client.force_login(officer)
    page = client.get(reverse("elections:home"), headers={"accept-language": "es"}).content.decode()
    to_finish = section(page, "open-heading")
    assert 'text-bg-danger fs-6">Devuelta para corrección<' in to_finish
    assert 'text-bg-secondary fs-6">Borrador<' in to_finish
    assert "Guardada por última vez el " in to_finish
    assert ">Continuar</a>" in to_finish
    assert "<strong>Devuelta por el supervisor:</strong> Check the" in to_finish
    assert "Returned for correction" not in page and "Last saved" not in page
    months = (
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
    ).split()
    assert any(f" de {month} de " in to_finish for month in months)


def test_names_and_return_reasons_are_printed_as_text_never_as_markup(client, officer, elections):
    client.force_login(officer)
    page = client.get(reverse("elections:home")).content.decode()
    assert "<img src=x" not in page
    assert "<script>alert" not in page
    assert "Ana &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Cruz" in page
    assert "Check the &lt;script&gt;alert(&#x27;reason&#x27;)&lt;/script&gt;" in page
    assert Parent.objects.filter(full_name=HOSTILE_NAME).exists()
