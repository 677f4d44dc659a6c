"""Schemathesis against /api/v1/schema/: generated requests to every operation, with a token
carrying every scope, never answer 5xx, and every answer conforms to the document (status,
content type, body). Bounded: a few examples per operation, no shrinking, no deadline."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from elections.constants import Decision
from elections.models import RemovalSource
from elections.removals import RemovalData, record_removal
from tests.api.support import service_token
from tests.audit_helpers import without_sealing
from tests.factories import ChildDataFactory, ElectionFactory
from tests.supervision import approve

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(db, settings, monkeypatch, officer, witness, supervisor, notices):
    settings.API_RATE = "100000/min"
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]  # schemathesis calls localhost
    without_sealing(monkeypatch)
    office = officer.staff.office
    approve(
        ElectionFactory(
            office=office,
            presented_by=officer,
            witness=witness,
            submitted=True,
            children=[
                ChildDataFactory(a_number="A231000101"),
                ChildDataFactory(a_number="A231000102"),
            ],
            decisions=[Decision.REUNIFY, Decision.WAIVE],
        ),
        supervisor,
    )
    pending = ElectionFactory(office=office, presented_by=officer, witness=witness, submitted=True)
    # Removed without clearance: the report has an entry to check against its schema.
    record_removal(
        data=RemovalData(
            a_number=pending.parent.a_number,
            removed_on=timezone.localdate(timezone=office.tz),  # the office's today
            office_code=office.code,
        ),
        source=RemovalSource.API,
    )
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture
def bearers(db, office):
    """Every scope, for every office and for one office only."""
    _token, everywhere = service_token()
    _token, one_office = service_token(office=office, username="elp-system")
    return [{"Authorization": f"Bearer {raw}"} for raw in (everywhere, one_office)]


#: Examples per operation: valid requests, then requests the schema says are invalid.
POSITIVE_EXAMPLES = 5
NEGATIVE_EXAMPLES = 3


def fuzz(operation, mode: GenerationMode, examples: int, headers: dict) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # Schemathesis calls the WSGI application directly and sends requests' default
        # Accept-Encoding (gzip), but reads the body as sent, undecoded: ask for it plain.
        case.call_and_validate(headers={**headers, "Accept-Encoding": "identity"}, checks=CHECKS)

    run()


def test_every_operation_answers_as_its_schema_says(api_schema, bearers):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 7
    for headers in bearers:
        for operation in operations:
            fuzz(operation, GenerationMode.POSITIVE, POSITIVE_EXAMPLES, headers)
            fuzz(operation, GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, headers)
