"""Approval seals in its own transaction through the sealer ``elections.records`` installs at
start-up (elections/apps.py), so the domain core never imports records (pyproject.toml)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from elections import workflow
from elections.constants import Status
from elections.models import SealedRecord
from tests.factories import fresh
from tests.supervision import approve, submitted

pytestmark = pytest.mark.django_db


def test_start_up_installs_the_records_sealer(officer, witness, supervisor):
    election = approve(submitted(officer=officer, witness=witness), supervisor)
    assert election.status == Status.APPROVED
    assert SealedRecord.objects.filter(election=election).exists()


def test_without_a_sealer_nothing_is_approved(officer, witness, supervisor, monkeypatch):
    election = submitted(officer=officer, witness=witness)
    monkeypatch.setattr(workflow, "_sealer", None)
    with pytest.raises(ImproperlyConfigured):
        approve(election, supervisor)
    assert fresh(election).status == Status.SUBMITTED
    assert not SealedRecord.objects.exists()
