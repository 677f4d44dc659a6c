"""Shared by the PostgreSQL benchmarks: run a measuring script against a throwaway cluster.

The script (``child``) runs in a fresh interpreter with Django configured for production-like
settings on that cluster, and prints its results as JSON on its last line.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_on_throwaway_postgres(child: str, *args: str, what: str):
    sys.path.insert(0, str(ROOT))
    from tests import pgcluster

    missing = [n for n in ("initdb", "pg_ctl", "createdb") if not (pgcluster.PG_BIN / n).exists()]
    if missing:
        raise RuntimeError(f"PostgreSQL binaries not found in {pgcluster.PG_BIN}: {missing}")
    cluster = pgcluster._start_cluster()
    try:
        env = {
            **os.environ,
            "FORMSVC_ROOT": str(ROOT),
            "DATABASE_URL": cluster.url,
            "SECRET_KEY": "formsvc-benchmarks-only",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            # No collectstatic here: the pages link their static files, they do not serve them.
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        }
        result = subprocess.run(
            [sys.executable, "-c", child, *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{what} benchmark failed:\n{result.stdout}{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        cluster.stop()
