"""The layout of elections/ (README "Architecture"): one package per job, layers checked by the
import-linter contracts in pyproject.toml, and no module named after a job it should live in."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "elections"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CAPABILITIES = ("officer", "review", "records", "audit", "api")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(PACKAGE, tmp_path / "elections", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_models_importing_the_auditors_code_is_caught(tmp_path):
    root = copy_of_the_package(tmp_path)
    with (root / "elections" / "models" / "audit.py").open("a") as module:
        module.write("\nfrom elections.audit import exports  # noqa: E402, F401\n")

    result = lint_imports(root)

    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert "models import nothing above them" in broken
    assert "elections.models.audit -> elections.audit.exports" in broken
    # The same import also breaks the layers, from the bottom up.
    assert "Entry points, then the user-facing capabilities" in broken


def test_one_capability_importing_another_is_caught(tmp_path):
    root = copy_of_the_package(tmp_path)
    with (root / "elections" / "officer" / "views.py").open("a") as module:
        module.write("\nfrom elections.review import checklist  # noqa: E402, F401\n")

    result = lint_imports(root)

    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert "The user-facing capabilities are independent of each other" in broken
    assert "elections.officer.views -> elections.review.checklist" in broken


def test_an_import_cycle_is_caught(tmp_path):
    root = copy_of_the_package(tmp_path)
    with (root / "elections" / "audit" / "exports.py").open("a") as module:
        module.write("\nfrom elections.audit import tasks  # noqa: E402, F401\n")

    result = lint_imports(root)

    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert "No import cycle between the modules of a package" in broken


def test_no_module_is_named_after_a_job_or_a_family():
    families = r"(views|forms|urls|selectors|admin|tests?)"
    jobs = "|".join(CAPABILITIES + ("auth",))
    misnamed = re.compile(rf"^({families}_\w+|\w+_({jobs}))$")
    modules = [
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and misnamed.match(path.stem)
    ]
    assert modules == []


def test_each_capability_is_a_package_with_its_templates_and_tests():
    for name in ("officer", "review", "records", "audit"):
        assert (PACKAGE / name / "__init__.py").is_file(), name
        assert (ROOT / "tests" / name / "__init__.py").is_file(), name
        assert (ROOT / "templates" / name).is_dir(), name
