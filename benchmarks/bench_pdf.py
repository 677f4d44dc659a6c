"""The sealed PDF of a two-child election (DESIGN.md §8).

- ``pdf_seal_ms``: median wall time of ``sealing.render_and_seal`` (snapshot, HTML, PDF/A-3a
  with the record's JSON embedded, PAdES seal), budget 500 ms;
- ``pdf_render_ms``: the reference, median wall time of the sealed path's own render without
  the seal: ``sealing.render_record_pdf``, the function ``render_and_seal`` calls, with the same
  HTML, snapshot, base URL, URL fetcher and font configuration, the collector paused the same
  way, warmed by the same rounds;
- ``pdf_seal_vs_render``: the ratio of the two, budget 1.5. Both are measured in the same
  process, interleaved (alternating which goes first) so both see the same machine; the sealed
  path is that render plus the snapshot, the HTML and the signature, so it is 1.0 or more.

The election is built and approved through the services and the workflow in a throwaway test
database, with signing keys in a temporary folder.
"""

import statistics
import tempfile
import time
from pathlib import Path

ROUNDS = 25
WARMUP = 2


def _approved_two_child_election():
    from elections.constants import Decision
    from tests.factories import (
        ChildDataFactory,
        ElectionFactory,
        FacilityFactory,
        FieldOfficeFactory,
        load_project_notices,
        make_officer,
        make_supervisor,
    )
    from tests.records_support import approve

    load_project_notices()
    office = FieldOfficeFactory(code="ELP", name="El Paso Field Office", time_zone="America/Denver")
    FacilityFactory(office=office, name="El Paso Service Processing Center")
    officer = make_officer(office, username="officer", first_name="Laura", last_name="Benítez")
    witness = make_officer(office, username="witness", first_name="Marcus", last_name="Reed")
    supervisor = make_supervisor(
        office, username="supervisor", first_name="Diane", last_name="Okafor"
    )
    election = ElectionFactory(
        office=office,
        presented_by=officer,
        witness=witness,
        submitted=True,
        children=[ChildDataFactory(), ChildDataFactory()],
        decisions=[Decision.REUNIFY, Decision.WAIVE],
    )
    return approve(election, supervisor)


def _measure(election) -> tuple[float, float]:
    from django.utils import timezone

    from elections.records import pdf, sealing

    sealed = sealing.render_and_seal(election)
    snapshot_sha256 = sealing.sha256_hex(sealed.snapshot_json)
    sealed_at = timezone.now()

    def ours_once() -> float:
        start = time.perf_counter()
        sealing.render_and_seal(election)
        return (time.perf_counter() - start) * 1000

    def render_once() -> float:
        start = time.perf_counter()
        # As render_and_seal runs it: inside the same paused collector.
        with pdf.collector_paused():
            sealing.render_record_pdf(
                election,
                html=sealed.html,
                snapshot_json=sealed.snapshot_json,
                snapshot_sha256=snapshot_sha256,
                sealed_at=sealed_at,
            )
        return (time.perf_counter() - start) * 1000

    ours, reference = [], []
    for round_ in range(WARMUP + ROUNDS):
        # Alternate which goes first, so neither always runs after the other's garbage.
        if round_ % 2:
            pair = (ours_once(), render_once())
        else:
            pair = tuple(reversed((render_once(), ours_once())))
        if round_ >= WARMUP:
            ours.append(pair[0])
            reference.append(pair[1])
    return statistics.median(ours), statistics.median(reference)


def run():
    from django.db import connection
    from django.test.utils import override_settings

    from elections.selectors import election_queryset_for_rules
    from tests.records_support import make_keyset

    with tempfile.TemporaryDirectory() as folder:
        keys = make_keyset(Path(folder) / "keys", "formsvc benchmark")
        with override_settings(
            MEDIA_ROOT=Path(folder) / "media",
            FORMSVC_SIGNING_P12=keys.p12,
            FORMSVC_SIGNING_P12_PASSWORD=keys.password,
            FORMSVC_SIGNING_CA=keys.ca,
            FORMSVC_TSA_URL="",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
            try:
                election = _approved_two_child_election()
                election = election_queryset_for_rules().get(pk=election.pk)
                ours, reference = _measure(election)
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)
    return [
        ("pdf_seal_ms", round(ours, 1), "ms"),
        ("pdf_render_ms", round(reference, 1), "ms"),
        ("pdf_seal_vs_render", round(ours / reference, 2), "ratio"),
    ]
