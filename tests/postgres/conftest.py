"""The deployment the scale-out and fault tests share: two app servers and the task worker."""

import pytest

from tests import appservers


@pytest.fixture(scope="session")
def deployment(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two gunicorn app servers (one with two sync workers, one with a threaded worker) and the
    task worker, as processes of their own on the test database and one storage folder.
    Started once for the run, by the first test that asks for them."""
    var_dir = tmp_path_factory.mktemp("deployment")
    with django_db_blocker.unblock():
        env = appservers.server_env(
            var_dir,
            appservers.database_url(),
            # Every export, however small, goes to the worker.
            FORMSVC_EXPORT_STREAM_MAX="0",
        )
    started = []
    try:
        started.append(appservers.start_server("server-a", env, var_dir, workers=2))
        started.append(appservers.start_server("server-b", env, var_dir, threads=4))
        started.append(appservers.start_worker(env, var_dir))
        yield {
            "a": started[0],
            "b": started[1],
            "worker": started[2],
            "var_dir": var_dir,
            "env": env,
        }
    finally:
        for process in started:
            process.stop()
