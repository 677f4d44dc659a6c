"""``seed_scale`` on PostgreSQL: how many realistic elections a second it writes.

A throwaway PostgreSQL cluster is started (tests/pgcluster.py), migrated, and
``manage.py seed_scale --elections N`` runs into it in a fresh process, N from the environment
variable ``BENCH_ELECTIONS`` (default 100,000). Figures:

- ``seed_scale_elections_per_s``: elections written per second, accounts, offices and history
  included (the command's own figure, from its start to its last commit);
- ``seed_scale_common_surname_share_pct``: the share of parents whose name has the common surname
  the command names (about 2 by design).

``BENCH_SEED_PROFILE=/tmp/seed.prof`` also writes a cProfile of the command there (read it with
``python -m pstats``); the rate is then the profiled one, not a figure to report.
"""

import os
import sys
from pathlib import Path

DEFAULT_ELECTIONS = 100_000

CHILD = r"""
import io, json, os, sys
sys.path.insert(0, os.environ["FORMSVC_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "formsvc.settings")
import django
django.setup()
from django.core.management import call_command

elections = int(sys.argv[1])
call_command("migrate", verbosity=0)
out = io.StringIO()
profile_to = os.environ.get("BENCH_SEED_PROFILE")
if profile_to:
    import cProfile
    profiler = cProfile.Profile()  # Python 3.12: every thread, the writer's too
    profiler.enable()
call_command("seed_scale", elections=elections, password="formsvc-bench", stdout=out)
if profile_to:
    profiler.disable()
    profiler.dump_stats(profile_to)
rate = next(
    float(line.split()[1]) for line in out.getvalue().splitlines()
    if line.startswith("elections_per_s ")
)

from elections.management.scale_names import COMMON_SURNAME
from elections.models import Election, Parent
from elections.names import search_key

parents = Parent.objects.count()
common = Parent.objects.filter(search_name__contains=search_key(COMMON_SURNAME)).count()
print(json.dumps({"elections": Election.objects.count(), "rate": rate,
                  "share": 100 * common / parents}))
"""


def elections_to_seed() -> int:
    return int(os.environ.get("BENCH_ELECTIONS") or DEFAULT_ELECTIONS)


def run():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks._postgres import run_on_throwaway_postgres

    size = elections_to_seed()
    measured = run_on_throwaway_postgres(CHILD, str(size), what="seed_scale")
    if measured["elections"] != size:
        raise RuntimeError(f"seed_scale wrote {measured['elections']} elections, not {size}")
    return [
        ("seed_scale_elections_per_s", round(measured["rate"], 1), "elections/s"),
        ("seed_scale_common_surname_share_pct", round(measured["share"], 2), "%"),
    ]
