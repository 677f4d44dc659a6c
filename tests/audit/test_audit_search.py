"""The auditor's search: every filter, sorting, paging, bad input, query count, CSV export."""

import csv
import importlib
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from elections.audit import views as views_audit
from elections.constants import Decision, Status
from elections.models import AccessAction, AccessLog, Child, Parent
from elections.names import search_key
from tests.audit_helpers import (
    TELEPHONE,
    el_paso,
    last_entry,
    make_audit_user,
    san_antonio,
    statements,
    two_children,
    without_sealing,
)
from tests.factories import ChildDataFactory, ParentFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("audit:search")
CSV = reverse("audit:search_csv")


@pytest.fixture
def auditor(db):
    return make_audit_user()


@pytest.fixture
def world(notices, monkeypatch):
    """Elections in every state the filters tell apart, in two field offices."""
    without_sealing(monkeypatch)
    elp, sna = el_paso(), san_antonio()
    records = {
        "approved": elp.approved(
            children=[ChildDataFactory(full_name="Ximena Quispe", a_number="A098765432")]
        ),
        "consult": elp.approved(decisions=Decision.CONSULT),
        "fast": elp.election(stage="submitted"),
        "returned": elp.returned(resubmit=True),
        "draft": elp.election(stage="started"),
        "telephone": sna.election(stage="submitted", **TELEPHONE),
        "old": sna.approved(**two_children()),
    }
    records["new"] = sna.superseding(records["old"], decisions=Decision.WAIVE)
    records["old"].refresh_from_db()
    return {"elp": elp, "sna": sna, **records}


def refs(response) -> set[str]:
    return {row["election"].reference for row in response.context["rows"]}


def search(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response


def expect(world, *names) -> set[str]:
    return {world[name].reference for name in names}


def test_without_filters_every_election_of_every_office_is_listed(client, auditor, world):
    client.force_login(auditor)
    response = search(client)
    assert refs(response) == expect(
        world, "approved", "consult", "fast", "returned", "draft", "telephone", "old", "new"
    )
    assert response.context["page"].count == 8


def test_an_a_number_in_any_format_finds_the_parent_or_a_child(client, auditor, world):
    client.force_login(auditor)
    parent = world["consult"].parent.a_number  # "A201000123"
    dashed = f"{parent[1:4]}-{parent[4:7]}-{parent[7:]}"
    assert refs(search(client, a_number=dashed)) == expect(world, "consult")
    assert refs(search(client, a_number="98765432")) == expect(world, "approved")


def test_a_name_matches_part_of_a_parent_or_a_child_name(client, auditor, world):
    client.force_login(auditor)
    assert refs(search(client, name="quispe")) == expect(world, "approved")
    name = world["telephone"].parent.full_name.split()[1]
    assert world["telephone"].reference in refs(search(client, name=name))


def test_a_name_is_found_whatever_its_accents_and_case(client, auditor, world):
    parent = world["elp"].election(
        stage="submitted", parent=ParentFactory(full_name="Rosa Benítez Ñuñez")
    )
    child = world["sna"].election(
        stage="submitted", children=[ChildDataFactory(full_name="Itzel Canas Ibanez")]
    )
    client.force_login(auditor)
    for typed in ("Benitez", "BENITEZ", "benítez", "nunez", "ÑUÑEZ", "rosa benitez"):
        assert refs(search(client, name=typed)) == {parent.reference}, typed
    for typed in ("Ítzel Cañas", "IBÁÑEZ", "cañas ibañez"):
        assert refs(search(client, name=typed)) == {child.reference}, typed
    assert refs(search(client, name="Benitex")) == set()


def test_a_changed_name_is_searched_by_its_new_spelling(client, auditor, world):
    election = world["elp"].election(stage="started", parent=ParentFactory(full_name="Ana Zuloaga"))
    parent = election.parent
    parent.full_name = "Ana Peñalver"
    parent.save(update_fields=["full_name"])
    client.force_login(auditor)
    assert refs(search(client, name="penalver")) == {election.reference}
    assert refs(search(client, name="zuloaga")) == set()


def test_the_migration_gives_rows_already_stored_their_search_name(world):
    from django.apps import apps

    migration = importlib.import_module("elections.migrations.0012_search_name")
    Parent.objects.update(search_name="")
    Child.objects.update(search_name="")
    migration.fill(apps, connection.schema_editor())
    assert Parent.objects.get(pk=world["approved"].parent_id).search_name == search_key(
        world["approved"].parent.full_name
    )
    assert Child.objects.get(full_name="Ximena Quispe").search_name == "ximena quispe"
    assert not Child.objects.filter(search_name="").exists()


def test_the_office_filter_takes_office_codes(client, auditor, world):
    client.force_login(auditor)
    assert refs(search(client, office="SNA")) == expect(world, "telephone", "old", "new")
    assert len(refs(search(client, office=["SNA", "ELP"]))) == 8


def test_the_date_range_filters_the_chosen_date(client, auditor, world):
    client.force_login(auditor)
    today = timezone.now().date()
    assert len(refs(search(client, date_from=today.isoformat()))) == 8
    assert refs(search(client, date_to=(today - timedelta(days=1)).isoformat())) == set()
    approved = search(client, date_field="approved", date_from=today.isoformat())
    assert refs(approved) == expect(world, "approved", "consult", "old", "new")


FILTER_CASES = [
    ({"status": "approved"}, ("approved", "consult", "new")),
    ({"status": ["draft", "superseded"]}, ("draft", "old")),
    ({"decision": "waive"}, ("new",)),
    ({"decision": "consult"}, ("consult",)),
    ({"flag": "fast"}, ("fast", "returned", "telephone")),
    ({"flag": "telephone"}, ("telephone",)),
    ({"flag": "superseded"}, ("old",)),
    ({"flag": "returned"}, ("returned",)),
    ({"flag": "consult_pending"}, ("consult",)),
    ({"flag": ["fast", "telephone"]}, ("telephone",)),
    ({"office": "ELP", "status": "submitted"}, ("fast", "returned")),
]


def test_each_status_decision_and_flag_filter_narrows_the_list(client, auditor, world):
    # One world for every case: building it is the slow part.
    client.force_login(auditor)
    for params, names in FILTER_CASES:
        assert refs(search(client, **params)) == expect(world, *names), params


def test_a_nonsense_date_is_reported_and_the_rest_of_the_search_is_kept(client, auditor, world):
    client.force_login(auditor)
    response = search(client, office="SNA", date_from="2024-13-45", status="approved")
    assert refs(response) == expect(world, "new")
    problems = " ".join(response.context["filter_problems"])
    assert "From" in problems and "not a date" in problems
    assert "Some filters could not be used" in response.content.decode()


def test_unknown_codes_are_named_and_left_out_while_known_ones_apply(client, auditor, world):
    client.force_login(auditor)
    response = search(
        client, office=["SNA", "XYZ"], status=["approved", "bogus"], flag="nope", sort="height"
    )
    assert refs(response) == expect(world, "new")
    problems = " ".join(response.context["filter_problems"])
    for word in ("XYZ", "bogus", "nope", "height"):
        assert word in problems


def test_a_malformed_a_number_or_an_inverted_range_is_reported(client, auditor, world):
    client.force_login(auditor)
    response = search(client, a_number="B12", office="ELP")
    assert "A-number" in " ".join(response.context["filter_problems"])
    assert len(refs(response)) == 5
    today = timezone.now().date()
    response = search(
        client, date_from=today.isoformat(), date_to=(today - timedelta(days=3)).isoformat()
    )
    assert "before the start date" in " ".join(response.context["filter_problems"])
    assert len(refs(response)) == 8


def test_the_list_sorts_by_the_chosen_column(client, auditor, world):
    client.force_login(auditor)
    names = [r["election"].parent.full_name for r in search(client, sort="name").context["rows"]]
    assert names == sorted(names)
    backwards = [
        r["election"].parent.full_name for r in search(client, sort="-name").context["rows"]
    ]
    assert backwards == sorted(names, reverse=True)
    approved = [r["election"] for r in search(client, sort="approved").context["rows"]]
    stamps = [e.approved_at for e in approved if e.approved_at]
    assert stamps == sorted(stamps)
    assert approved[-1].approved_at is None  # never approved: last either way


def _walk(client, **params) -> tuple[list[list[str]], list[list[str]]]:
    """Every page from the first by "Next", then back by "Previous": references per page."""
    forward, backward = [], []
    response = search(client, **params)
    while True:
        forward.append([row["election"].reference for row in response.context["rows"]])
        page = response.context["page"]
        if not page.has_next:
            break
        response = search(client, **params, after=page.next_cursor)
    while True:
        backward.append([row["election"].reference for row in response.context["rows"]])
        page = response.context["page"]
        if not page.has_previous:
            break
        response = search(client, **params, before=page.previous_cursor)
    return forward, backward


def test_next_and_previous_walk_every_match_once_in_the_sorted_order(
    client, auditor, world, monkeypatch
):
    client.force_login(auditor)
    for sort in ("-created", "created", "approved", "-submitted", "name", "-office", "status"):
        monkeypatch.setattr(views_audit, "PAGE_SIZE", 50)
        whole = [row["election"].reference for row in search(client, sort=sort).context["rows"]]
        monkeypatch.setattr(views_audit, "PAGE_SIZE", 2)
        forward, backward = _walk(client, sort=sort)
        assert [ref for page in forward for ref in page] == whole, sort
        assert all(len(page) == 2 for page in forward[:-1]), sort
        assert backward == list(reversed(forward)), sort


def test_the_pages_keep_the_filters_and_a_bad_cursor_gives_the_first_page(
    client, auditor, world, monkeypatch
):
    monkeypatch.setattr(views_audit, "PAGE_SIZE", 3)
    client.force_login(auditor)
    first = search(client, office="ELP")
    html = first.content.decode()
    assert len(first.context["rows"]) == 3
    assert f"office=ELP&amp;after={first.context['page'].next_cursor}" in html
    assert 'rel="prev"' not in html
    second = search(client, office="ELP", after=first.context["page"].next_cursor)
    assert len(second.context["rows"]) == 2
    assert 'rel="prev"' in second.content.decode()
    assert refs(first) | refs(second) == expect(
        world, "approved", "consult", "fast", "returned", "draft"
    )
    for bad in ("banana", "e30", "W251bGwsIjEiXQ", "x" * 700):
        assert refs(search(client, office="ELP", after=bad)) == refs(first), bad


def test_beyond_a_thousand_matches_the_count_says_more_than(client, auditor, world, monkeypatch):
    from elections.audit import keyset

    client.force_login(auditor)
    assert "8 elections" in search(client).content.decode()
    monkeypatch.setattr(keyset, "CAP", 5)
    monkeypatch.setattr(views_audit.keyset, "CAP", 5)
    assert "More than 5 elections" in search(client).content.decode()
    spanish = client.get(SEARCH, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Más de 5 elecciones" in spanish


def test_every_page_of_a_search_says_the_same_count_as_its_first(
    client, auditor, world, monkeypatch
):
    from elections.audit import keyset

    client.force_login(auditor)
    monkeypatch.setattr(views_audit, "PAGE_SIZE", 3)
    for cap, heading in ((1000, "8 elections"), (5, "More than 5 elections")):
        monkeypatch.setattr(keyset, "CAP", cap)
        monkeypatch.setattr(views_audit.keyset, "CAP", cap)
        response = search(client)
        pages = [response]
        while response.context["page"].has_next:
            response = search(client, after=response.context["page"].next_cursor)
            pages.append(response)
        response = search(client, before=response.context["page"].previous_cursor)
        pages.append(response)
        assert len(pages) == 4, cap
        for page in pages:
            assert heading in page.content.decode(), cap


def test_the_list_shows_flags_status_and_office(client, auditor, world):
    client.force_login(auditor)
    html = search(client).content.decode()
    for text in (
        "Fast decision",
        "Telephone interpreter",
        "Consult pending",
        "Returned at least once",
        "San Antonio Field Office",
        "Superseded",
    ):
        assert text in html


def test_names_typed_by_people_are_printed_as_text_never_as_markup(client, auditor, world):
    """A parent's and a child's name with markup in it come out in the list as the text typed."""
    world["elp"].election(
        stage="submitted",
        parent=ParentFactory.build(full_name='Ana <img src=x onerror="alert(1)"> & Cruz'),
        children=[ChildDataFactory(full_name="Luz <script>alert('child')</script>")],
    )
    client.force_login(auditor)
    html = search(client, name="cruz").content.decode()
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "Ana &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Cruz" in html
    html = search(client, name="luz").content.decode()
    assert "Luz &lt;script&gt;alert(&#x27;child&#x27;)&lt;/script&gt;" in html


def test_the_search_costs_the_same_queries_at_any_size(client, auditor, world):
    client.force_login(auditor)
    urls = [
        SEARCH,
        SEARCH + "?flag=fast&decision=reunify&sort=name",
        SEARCH + "?office=ELP",
        SEARCH + "?name=perez",
    ]
    before = [statements(client, url) for url in urls]
    for _ in range(4):
        world["elp"].election(stage="submitted", **two_children())
        world["sna"].approved()
    after = [statements(client, url) for url in urls]
    assert before == after
    assert max(after) <= 10


def test_opening_the_search_is_recorded_in_the_access_log(client, auditor, world):
    client.force_login(auditor)
    client.get(SEARCH, {"office": "SNA"}, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="AuditBrowser")
    entry = last_entry()
    assert entry.user == auditor and entry.username == "auditor" and entry.role == "auditor"
    assert entry.action == AccessAction.PAGE
    assert entry.path == SEARCH + "?office=SNA"
    assert entry.ip_address == "10.1.2.3" and entry.user_agent == "AuditBrowser"
    assert entry.status_code == 200


# --- CSV --------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_has_the_same_columns_and_rows_as_the_list(client, auditor, world):
    client.force_login(auditor)
    page = search(client, office="SNA", sort="name")
    response = client.get(CSV, {"office": "SNA", "sort": "name"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == page.context["columns"]
    assert [row[0] for row in rows[1:]] == [r["election"].reference for r in page.context["rows"]]
    old = next(row for row in rows[1:] if row[1] == str(world["old"].pk))
    assert old[7] == Status.SUPERSEDED.label
    assert old[10].endswith("+00:00")  # UTC, ISO 8601
    assert "Superseded" in old[11]


def test_the_csv_export_is_recorded_with_its_size(client, auditor, world):
    client.force_login(auditor)
    read_csv(client.get(CSV, {"status": "approved"}))
    entry = last_entry()
    assert entry.action == AccessAction.EXPORT_CSV
    assert entry.detail["records"] == 3
    assert entry.detail["query"] == "status=approved"


def test_a_csv_beyond_the_maximum_is_refused_naming_the_maximum(client, auditor, world, settings):
    settings.FORMSVC_CSV_EXPORT_MAX_ROWS = 5
    client.force_login(auditor)
    response = client.get(CSV, {"office": ["ELP", "SNA"]}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "at most 5" in response.content.decode()
    refused = AccessLog.objects.filter(action=AccessAction.EXPORT_CSV).get()
    assert refused.detail["refused"] is True and refused.detail["maximum"] == 5
    assert refs(response) == {r["election"].reference for r in response.context["rows"]}


def test_a_name_that_looks_like_a_formula_is_written_as_text(client, auditor, world):
    world["elp"].election(
        stage="children", children=[ChildDataFactory(full_name="=HYPERLINK(evil)")]
    )
    client.force_login(auditor)
    rows = read_csv(client.get(CSV, {"name": "HYPERLINK"}))
    assert rows[1][4].startswith("'=HYPERLINK")
