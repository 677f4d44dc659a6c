"""``make bench``: run every ``benchmarks/bench_*.py`` and print one line per figure.

Each module defines ``run()``, which sets up what it needs (a throwaway test database, keys in a
temporary folder, ...), measures, and returns an iterable of ``(name, value, unit)``; this script
prints them as ``name value unit``. Every module runs in a process of its own, with Django set
up before it is imported, so no module's database or settings reach another's figures.
A module that fails is reported on stderr, the others still run, and the exit status is 1.

``python benchmarks/run.py [NAME ...]`` runs only the named modules (``pdf`` or ``bench_pdf``).
"""

import importlib.util
import logging
import os
import subprocess
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "formsvc.settings")
    # Benchmarks never serve requests; a fixed key keeps them runnable without DEBUG.
    os.environ.setdefault("SECRET_KEY", "formsvc-benchmarks-only")
    import django

    django.setup()


def modules(names: list[str]) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    if names:
        found = [path for path in found if path.stem in names or path.stem[6:] in names]
    return found


def run_one(path: Path) -> int:
    """In this process: set Django up, import the module, print its figures."""
    setup_django()
    # The application's info log (one line per sealed record, ...) would drown the figures.
    logging.getLogger("formsvc").setLevel(logging.WARNING)
    spec = importlib.util.spec_from_file_location(f"benchmarks.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        for name, value, unit in module.run():
            print(f"{name} {value} {unit}", flush=True)
    except Exception:
        print(f"{path.name} failed:", file=sys.stderr)
        traceback.print_exc()
        return 1
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        return run_one(Path(argv[1]))
    status = 0
    for path in modules(argv):
        done = subprocess.run([sys.executable, __file__, "--one", str(path)], cwd=ROOT)
        status = status or done.returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
