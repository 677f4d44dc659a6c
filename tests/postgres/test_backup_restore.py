"""scripts/backup-restore-check: pg_dump -> a fresh database -> restore -> every stored record
verified against the restored copy; a record damaged in storage is found and named."""

import io
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from elections.models import SealedRecord
from tests import appservers
from tests.records_support import approve, two_child_election

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCRIPT = appservers.ROOT / "scripts" / "backup-restore-check"


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def run_check(var_dir) -> subprocess.CompletedProcess:
    env = appservers.server_env(var_dir, appservers.database_url())
    # A one-off command at an operator's terminal: the production settings, no app secret.
    env.pop("SECRET_KEY")
    env["DJANGO_SETTINGS_MODULE"] = "formsvc.settings"
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=appservers.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_backup_restored_into_a_fresh_database_verifies_every_sealed_record(
    var_dir, office, officer, witness, supervisor, notices
):
    elections = [approve(two_child_election(office, officer, witness), supervisor) for _ in "ab"]
    records = list(SealedRecord.objects.order_by("created_at"))
    assert len(records) == 2

    checked = run_check(var_dir)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    for election, record in zip(elections, records, strict=True):
        assert f"VALID {election.reference} {record.pdf_sha256}" in checked.stdout
    assert "2 valid, 0 invalid, of 2 stored records" in checked.stdout
    assert "every record verified" in checked.stdout
    # The fresh database was dropped afterwards; the live one is untouched.
    assert SealedRecord.objects.count() == 2

    # A stored PDF altered in storage afterwards: verify_record --all fails and names it.
    damaged = records[1]
    with default_storage.open(damaged.pdf.name) as stored:
        altered = stored.read() + b"%tampered\n"
    default_storage.delete(damaged.pdf.name)
    assert default_storage.save(damaged.pdf.name, ContentFile(altered)) == damaged.pdf.name
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_record", "--all", stdout=out, stderr=err)
    assert exited.value.code == 1
    assert f"VALID {elections[0].reference}" in out.getvalue()
    assert f"INVALID {elections[1].reference} {damaged.pdf_sha256}" in err.getvalue()
    assert "1 valid, 1 invalid, of 2 stored records" in out.getvalue()
