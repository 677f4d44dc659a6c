"""The case system sending the same family twice at the same moment registers it once."""

import threading

import pytest
from django.db import connection, connections

from elections import intake
from elections.models import Child, Parent, ParentChild, RegistryDiscrepancy
from tests.core.test_intake import family_unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(*reports) -> list[str]:
    barrier = threading.Barrier(len(reports))
    outcomes: list[str] = []

    def send(report):
        try:
            barrier.wait(timeout=10)
            intake.register_family_unit(data=report)
            outcomes.append("registered")
        except Exception as error:  # noqa: BLE001 - any failure is the test's finding
            outcomes.append(f"failed: {error!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(report,)) for report in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_same_new_family_sent_twice_at_once_is_one_family(office):
    assert connection.vendor == "postgresql"
    assert _at_once(family_unit(), family_unit()) == ["registered", "registered"]
    assert (Parent.objects.count(), Child.objects.count(), ParentChild.objects.count()) == (1, 2, 2)
    assert not RegistryDiscrepancy.objects.exists()


def test_the_same_contradiction_sent_twice_at_once_is_one_discrepancy(office):
    intake.register_family_unit(data=family_unit())
    report = family_unit(full_name="María Pérez de Ixcoy")
    assert _at_once(report, report) == ["registered", "registered"]
    assert RegistryDiscrepancy.objects.count() == 1
    assert Parent.objects.get().full_name == "María Guadalupe Pérez López"
