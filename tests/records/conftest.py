"""Fixtures shared by the record tests: a media folder of the test's own, an approved two-child
election, and its sealed PDF's bytes."""

import pytest

from elections.models import SealedRecord
from elections.records import sealing
from tests.records_support import approve, two_child_election


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved(office, officer, witness, supervisor, notices):
    return approve(two_child_election(office, officer, witness), supervisor)


@pytest.fixture
def sealed(approved) -> bytes:
    return sealing.sealed_pdf_bytes(SealedRecord.objects.get(election=approved))
