import pytest
from django.db import connection

pytestmark = pytest.mark.postgres


@pytest.mark.django_db
def test_the_suite_runs_against_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int, 1 + 1")
        version, two = cursor.fetchone()
    assert version >= 150000
    assert two == 2
