"""The removal gate in the auditor's workspace: the report of parents removed without a documented
choice (Recommendation 2) and its CSV, the flagged removals on the dashboard and in their list,
and a parent's removals on the record page."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from elections import undocumented
from elections.constants import Decision
from elections.models import AccessAction, RemovalFlag, RemovalSource
from elections.removals import RemovalData, record_removal
from tests.audit_helpers import el_paso, last_entry, make_audit_user, san_antonio, without_sealing
from tests.factories import (
    ChildDataFactory,
    ChildFactory,
    ParentChildFactory,
    ParentFactory,
    UserFactory,
    birthday_years_ago,
    today,
)

pytestmark = pytest.mark.django_db

REPORT = reverse("audit:removals_report")
REPORT_CSV = reverse("audit:removals_report_csv")
FLAGGED = reverse("audit:removals_flagged")
DASHBOARD = reverse("audit:dashboard")


@pytest.fixture(autouse=True)
def _quick_approval(monkeypatch):
    without_sealing(monkeypatch)  # the removals, not the PDFs, are under test


def removed(parent, *, office, children=()):
    return record_removal(
        data=RemovalData(
            a_number=parent.a_number,
            # The office's own today: San Antonio's date is not El Paso's for an hour a day.
            removed_on=timezone.localdate(timezone=office.tz),
            office_code=office.code,
            children_removed=[child.a_number for child in children],
        ),
        source=RemovalSource.IMPORT,
    )


@pytest.fixture
def world(notices):
    """In El Paso: a cleared parent removed without the child who was to travel with them, and a
    parent whose election was returned, removed with their child. In San Antonio: a registered
    parent with no election at all, removed, and a cleared parent removed as the record said."""
    elp, sna = el_paso(), san_antonio()
    cleared = elp.approved(
        children=[
            ChildDataFactory(full_name="Ana Sofía López", date_of_birth=birthday_years_ago(9)),
            ChildDataFactory(full_name="José Luis López", date_of_birth=birthday_years_ago(6)),
        ],
        decisions=[Decision.REUNIFY, Decision.WAIVE],
    )
    returned = elp.returned(
        children=[ChildDataFactory(full_name="Kevin Morales Cruz")], decisions=[Decision.REUNIFY]
    )
    unrecorded = ParentChildFactory(
        parent=ParentFactory(
            full_name="Rosa Elvia Tzul Pérez",
            home_country_contact='=HYPERLINK("http://x") sister Marta, +502 5555 0101',
            registered_office=sna.office,
        ),
        child=ChildFactory(full_name="Dayana Tzul Reyes", location_name="Nuevo Amanecer, TX"),
    )
    matching = sna.approved(
        children=[ChildDataFactory(full_name="Brayan Chávez Mejía")], decisions=[Decision.WAIVE]
    )
    left_behind = removed(cleared.parent, office=elp.office)
    returned_child = returned.covered.get().child
    taken = removed(returned.parent, office=elp.office, children=[returned_child])
    nothing = removed(unrecorded.parent, office=sna.office)
    ok = removed(matching.parent, office=sna.office)
    return {
        "elp": elp,
        "sna": sna,
        "cleared": cleared,
        "returned": returned,
        "unrecorded": unrecorded,
        "matching": matching,
        "left_behind": left_behind,
        "taken": taken,
        "nothing": nothing,
        "ok": ok,
    }


@pytest.fixture
def auditor_client(client):
    client.force_login(make_audit_user())
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- The report (Recommendation 2) ------------------------------------------------------------


def test_the_report_lists_each_parent_removed_without_a_documented_choice(world, auditor_client):
    response = auditor_client.get(REPORT)

    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(html)
    assert "Rosa Elvia Tzul Pérez" in page
    assert world["returned"].parent.full_name in page
    # Cleared parents are not in it, even the one whose removal is flagged.
    assert world["cleared"].parent.full_name not in page
    assert world["matching"].parent.full_name not in page
    assert page.count("Removed on") == 2
    # What the record shows for each child, and where the child was last known to be.
    assert "the election was returned to the officer for correction" in page
    assert "no election has been recorded for this child" in page
    assert "Nuevo Amanecer, TX" in page
    assert "sister Marta, +502 5555 0101" in page
    assert "Removed without clearance" in page
    assert "A child with no final approved choice was taken" in page
    # The returned election links to the auditor's record page.
    record = reverse("audit:record", args=[world["returned"].pk])
    assert f'href="{record}"' in html
    assert world["returned"].reference in page


def test_the_report_shows_whether_each_child_was_removed_with_the_parent(world, auditor_client):
    html = auditor_client.get(REPORT).content.decode()
    rows = re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", html, flags=re.S)
    by_child = {
        name: text_of(row)
        for row in rows
        for name in ("Kevin Morales Cruz", "Dayana Tzul Reyes")
        if name in row
    }
    assert " yes " in by_child["Kevin Morales Cruz"]
    assert " no " in by_child["Dayana Tzul Reyes"]


def test_the_report_can_be_limited_to_one_removing_office(world, auditor_client):
    page = text_of(auditor_client.get(REPORT, {"office": "SNA"}).content.decode())

    assert "Rosa Elvia Tzul Pérez" in page
    assert world["returned"].parent.full_name not in page
    assert "1 removal" in page


def test_an_unknown_office_is_reported_and_the_whole_report_is_shown(world, auditor_client):
    page = text_of(auditor_client.get(REPORT, {"office": "XYZ"}).content.decode())

    assert "XYZ" in page and "Some filters could not be used" in page
    assert "2 removals" in page


def test_opening_the_report_is_recorded_in_the_access_log(world, auditor_client):
    auditor_client.get(REPORT, {"office": "ELP"})

    entry = last_entry()
    assert entry.action == AccessAction.REPORT
    assert entry.username == "auditor"
    assert entry.status_code == 200
    assert entry.detail == {"format": "page", "office": "ELP", "entries": 1}


def test_the_report_is_in_spanish_for_a_spanish_speaking_auditor(world, auditor_client):
    with translation.override("es"):
        response = auditor_client.get(REPORT, HTTP_ACCEPT_LANGUAGE="es")
    page = text_of(response.content.decode())
    assert "Expulsados sin una elección documentada" in page
    assert "Expulsado sin autorización" in page
    assert "la elección se devolvió al oficial para que la corrija" in page


# --- The CSV --------------------------------------------------------------------------------


def csv_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_has_one_row_per_child_with_the_report_s_columns(world, auditor_client):
    response = auditor_client.get(REPORT_CSV)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_of(response)
    assert header == undocumented.CSV_HEADER
    assert len(rows) == 2
    column = {name: index for index, name in enumerate(header)}
    kevin = next(r for r in rows if r[column["child_name"]] == "Kevin Morales Cruz")
    assert kevin[column["child_removed_with_parent"]] == "yes"
    assert kevin[column["child_election_status"]] == "returned"
    assert kevin[column["removing_office"]] == "ELP"
    assert "not_cleared" in kevin[column["flags"]]


def test_the_csv_follows_the_office_filter_and_is_access_logged(world, auditor_client):
    response = auditor_client.get(REPORT_CSV, {"office": "SNA"})

    _header, *rows = csv_of(response)
    assert [row[3] for row in rows] == ["Rosa Elvia Tzul Pérez"]
    entry = last_entry()
    assert entry.action == AccessAction.REPORT
    assert entry.detail == {"format": "csv", "office": "SNA", "entries": 1}


def test_csv_cells_cannot_run_as_spreadsheet_formulas(world, auditor_client):
    _header, *rows = csv_of(auditor_client.get(REPORT_CSV, {"office": "SNA"}))

    contact = rows[0][undocumented.CSV_HEADER.index("parent_home_country_contact")]
    assert contact.startswith("'=HYPERLINK")
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row if cell)


def test_a_non_auditor_gets_403_for_the_report_and_its_csv_and_nothing_is_logged(world, client):
    client.force_login(world["elp"].supervisor)
    before = last_entry()
    assert client.get(REPORT).status_code == 403
    assert client.get(REPORT_CSV).status_code == 403
    assert client.get(FLAGGED).status_code == 403
    assert last_entry() == before
    client.force_login(UserFactory())
    assert client.get(REPORT).status_code == 403


# --- Flagged removals: the dashboard and the list -------------------------------------------


def flag_counts(html: str) -> dict[str, int]:
    return {
        code: int(count)
        for code, count in re.findall(
            r'<tr data-flag="(\w+)">.*?<td class="text-end">(\d+)</td>', html, flags=re.S
        )
    }


def test_the_dashboard_counts_removals_by_flag(world, auditor_client):
    html = auditor_client.get(DASHBOARD).content.decode()

    assert flag_counts(html) == {
        RemovalFlag.NOT_CLEARED: 2,
        RemovalFlag.REUNIFY_LEFT_BEHIND: 1,
        RemovalFlag.WAIVE_TAKEN: 0,
        RemovalFlag.BLOCKED_TAKEN: 1,
    }
    page = text_of(html)
    assert "4 removals recorded" in page
    assert "3 removals did not match the clearance given at the time" in page
    assert "1 of a parent who was cleared" in page
    assert f'href="{FLAGGED}?flag=reunify_left_behind"' in html
    # The charts are still there, each a figure of its own.
    assert len(re.findall(r"<figure ", html)) == 7


def test_a_cleared_parent_s_flagged_removal_is_in_the_list_of_flagged_removals(
    world, auditor_client
):
    page = text_of(auditor_client.get(FLAGGED, {"flag": "reunify_left_behind"}).content.decode())

    assert world["cleared"].parent.full_name in page
    assert "A child to be removed with the parent was left behind: Ana Sofía López" in page
    assert world["returned"].parent.full_name not in page
    assert "1 flagged removal" in page


def test_the_list_of_flagged_removals_leaves_out_a_removal_that_matched(world, auditor_client):
    html = auditor_client.get(FLAGGED).content.decode()
    page = text_of(html)

    assert "3 flagged removals" in page
    assert world["matching"].parent.full_name not in page
    assert f'href="{reverse("audit:record", args=[world["cleared"].pk])}"' in html
    assert (
        text_of(auditor_client.get(FLAGGED, {"office": "SNA"}).content.decode()).count(
            "Rosa Elvia Tzul Pérez"
        )
        == 1
    )


# --- The record page ------------------------------------------------------------------------


def test_the_record_page_shows_the_parent_s_removals_with_their_flags(world, auditor_client):
    html = auditor_client.get(reverse("audit:record", args=[world["cleared"].pk])).content
    page = text_of(html.decode())

    assert "Removals of this parent" in page
    assert today().isoformat() in page
    assert "A child to be removed with the parent was left behind" in page
    assert world["elp"].office.name in page


def test_a_record_whose_parent_was_never_removed_shows_no_removals(notices, auditor_client):
    election = el_paso().election(stage="submitted")

    page = text_of(auditor_client.get(reverse("audit:record", args=[election.pk])).content.decode())

    assert "Removals of this parent" not in page


def test_two_children_without_an_a_number_each_show_what_the_record_shows_for_them(
    notices, auditor_client
):
    elp = el_paso()
    returned = elp.returned(
        children=[
            ChildDataFactory(a_number=None, full_name="Allison Pu Cac"),
            ChildDataFactory(a_number=None, full_name="Dylan Pu Cac"),
        ],
        decisions=[Decision.REUNIFY, Decision.WAIVE],
    )
    removed(returned.parent, office=elp.office)

    html = auditor_client.get(REPORT).content.decode()

    rows = {
        name: text_of(row)
        for row in re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", html, flags=re.S)
        for name in ("Allison Pu Cac", "Dylan Pu Cac")
        if name in row
    }
    assert str(Decision.REUNIFY.label) in rows["Allison Pu Cac"]
    assert str(Decision.WAIVE.label) in rows["Dylan Pu Cac"]
    (entry,) = undocumented.report_entries()
    assert {child.name: child.decision for child in entry.children} == {
        "Allison Pu Cac": Decision.REUNIFY,
        "Dylan Pu Cac": Decision.WAIVE,
    }


def test_a_flag_about_a_child_without_an_a_number_names_the_child(notices, auditor_client):
    elp = el_paso()
    cleared = elp.approved(
        children=[ChildDataFactory(a_number=None, full_name="Génesis Batz Cruz")],
        decisions=[Decision.REUNIFY],
    )
    removed(cleared.parent, office=elp.office)

    page = text_of(auditor_client.get(FLAGGED).content.decode())

    assert "A child to be removed with the parent was left behind: Génesis Batz Cruz" in page
