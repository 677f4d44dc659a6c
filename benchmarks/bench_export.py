"""Bulk export of sealed records (DESIGN.md §8: streamed, memory flat, >= 200 records/s).

For 1,000 and 10,000 sealed records:

- ``export_records_per_s_<n>``: records written per second by the export the auditor's search
  runs (``exports.stream_zip``: every PDF read from storage, hashed and written into the ZIP,
  manifest.csv and its SHA-256 at the end), the ZIP consumed as an HTTP client would;
- ``export_peak_rss_mb_<n>``: the peak resident memory of the process that ran it. Each export
  runs in a fresh process, so the figure is that export's own; it must not grow with ``n``.

The records live in a throwaway SQLite database: one election is built, approved and sealed
through the services and the workflow, and 9,999 copies of it (each with its own parent, child
and stored PDF file, hard-linked to the sealed one) are inserted directly. 1,000 of them are in
one field office, so the 1,000-record export is a real search (``office=``) of the same data.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = (1_000, 10_000)
BATCH = 1_000

CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, os.environ["FORMSVC_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "formsvc.settings")
import django
django.setup()
from django.http import QueryDict
from elections.audit import exports, selectors as selectors_audit
from elections.audit.forms import AuditSearchForm

def peak_rss_kb():
    # This process's own high-water mark. ru_maxrss would not do: Linux carries it over from
    # the parent across fork and exec, and the parent has just rendered a PDF.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

query = sys.argv[1]
form = AuditSearchForm(QueryDict(query) if query else None)
filters = form.filters() if form.is_bound else AuditSearchForm(None).filters()
elections = selectors_audit.audit_election_search(filters=filters)
result = exports.ExportResult()
written = 0
start = time.perf_counter()
for chunk in exports.stream_zip(elections, result):
    written += len(chunk)
elapsed = time.perf_counter() - start
print(json.dumps({
    "records": result.records,
    "seconds": elapsed,
    "bytes": written,
    "mismatches": len(result.mismatches),
    "peak_rss_kb": peak_rss_kb(),
}))
"""


def _template_election():
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
    officer = make_officer(office, username="officer")
    witness = make_officer(office, username="witness")
    supervisor = make_supervisor(office, username="supervisor")
    election = ElectionFactory(
        office=office,
        presented_by=officer,
        witness=witness,
        submitted=True,
        children=[ChildDataFactory()],
        decisions=[Decision.REUNIFY],
    )
    return approve(election, supervisor)


def _copies(template, count: int, media: Path) -> None:
    """``count`` more sealed elections like ``template``, inserted in batches.

    Approved rows are written with plain querysets: the lock guards refuse rows added to an
    approved election, which is right for the application and beside the point here.
    """
    import uuid

    from django.db import models, transaction

    from elections.models import Child, Election, ElectionChild, FieldOffice, Parent
    from elections.models.sealing import SealedRecord

    sealed = template.sealed_record
    source = Path(sealed.pdf.path)
    item = template.covered.get()
    small_office = FieldOffice.objects.create(
        code="BNK", name="Benchmark Field Office", time_zone="America/Chicago"
    )
    skip = {"id", "parent_id", "supersedes_id", "office_id", "created_at", "updated_at"}
    election_fields = {
        f.attname: getattr(template, f.attname)
        for f in Election._meta.concrete_fields
        if f.attname not in skip
    }
    for start in range(0, count, BATCH):
        parents, children, elections, covered, records = [], [], [], [], []
        for n in range(start, min(start + BATCH, count)):
            parent = Parent(
                a_number=f"A{300_000_000 + n:09d}",
                full_name=f"{template.parent.full_name} {n}",
                date_of_birth=template.parent.date_of_birth,
                country_of_citizenship=template.parent.country_of_citizenship,
                primary_language=template.parent.primary_language,
            )
            child = Child(
                a_number=f"A{400_000_000 + n:09d}",
                full_name=f"{item.child.full_name} {n}",
                date_of_birth=item.child.date_of_birth,
                location_kind=item.child.location_kind,
                location_name=item.child.location_name,
            )
            election = Election(
                id=uuid.uuid4(),
                parent=parent,
                office_id=small_office.pk if n < SIZES[0] else template.office_id,
                **election_fields,
            )
            name = f"records/{election.pk}/record-{election.reference}.pdf"
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            os.link(source, media / name)
            parents.append(parent)
            children.append(child)
            elections.append(election)
            covered.append(
                ElectionChild(
                    election=election,
                    child=child,
                    decision=item.decision,
                    decided_at=item.decided_at,
                    position=0,
                )
            )
            records.append(
                SealedRecord(
                    election=election,
                    pdf=name,
                    pdf_sha256=sealed.pdf_sha256,
                    pdf_size=sealed.pdf_size,
                    snapshot_json=sealed.snapshot_json,
                    snapshot_sha256=sealed.snapshot_sha256,
                    chain_head=sealed.chain_head,
                    chain_length=sealed.chain_length,
                    language=sealed.language,
                    certificate_sha256=sealed.certificate_sha256,
                    timestamped=sealed.timestamped,
                    created_at=sealed.created_at,
                )
            )
        with transaction.atomic():
            Parent.objects.bulk_create(parents)
            Child.objects.bulk_create(children)
            Election.objects.bulk_create(elections)
            models.QuerySet(ElectionChild).bulk_create(covered)
            SealedRecord.objects.bulk_create(records)


def _export_in_fresh_process(query: str, database: Path, var_dir: Path) -> dict:
    env = {
        **os.environ,
        "FORMSVC_ROOT": str(Path(__file__).resolve().parent.parent),
        "DATABASE_URL": f"sqlite:///{database}",
        "FORMSVC_VAR_DIR": str(var_dir),
        "SECRET_KEY": "formsvc-benchmarks-only",
        "DEBUG": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", CHILD, query],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"export process failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run():
    from django.db import connection
    from django.test.utils import override_settings

    from tests.records_support import make_keyset

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        media = root / "var" / "media"
        database = root / "export-bench.sqlite3"
        keys = make_keyset(root / "keys", "formsvc benchmark")
        with override_settings(
            MEDIA_ROOT=media,
            FORMSVC_SIGNING_P12=keys.p12,
            FORMSVC_SIGNING_P12_PASSWORD=keys.password,
            FORMSVC_SIGNING_CA=keys.ca,
            FORMSVC_TSA_URL="",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            test_settings = connection.settings_dict.setdefault("TEST", {})
            previous_test_name = test_settings.get("NAME")
            test_settings["NAME"] = str(database)
            old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
            try:
                template = _template_election()
                _copies(template, SIZES[-1] - 1, media)
                connection.close()
                figures = []
                for size, query in ((SIZES[0], "office=BNK"), (SIZES[1], "")):
                    measured = _export_in_fresh_process(query, database, root / "var")
                    if measured["records"] != size or measured["mismatches"]:
                        raise RuntimeError(f"expected {size} records, got {measured}")
                    figures += [
                        (
                            f"export_records_per_s_{size}",
                            round(measured["records"] / measured["seconds"], 1),
                            "records/s",
                        ),
                        (
                            f"export_peak_rss_mb_{size}",
                            round(measured["peak_rss_kb"] / 1024, 1),
                            "MB",
                        ),
                    ]
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)
                if previous_test_name is None:
                    test_settings.pop("NAME", None)
                else:
                    test_settings["NAME"] = previous_test_name
    return figures
