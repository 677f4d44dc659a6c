"""DESIGN.md §4: nothing outside elections/workflow.py sets an election's status."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
#: The one module that changes status; migrations and tests are not application code.
ALLOWED = {ROOT / "elections" / "workflow.py"}
SKIPPED_DIRS = {".venv", "migrations", "tests", "node_modules", "staticfiles", ".git"}

STATUS_WRITES = [
    # election.status = ..., setattr(election, "status", ...)
    re.compile(r"\.status\s*=(?!=)"),
    re.compile(r"""setattr\([^,]+,\s*["']status["']"""),
    # Election.objects.filter(...).update(status=...), create(status=...), Election(status=...)
    re.compile(r"\b(update|create|update_or_create|get_or_create|Election)\([^)]*\bstatus\s*="),
]


def application_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)
    ]


def status_writes(text: str) -> list[str]:
    return [
        line.strip() for line in text.splitlines() if any(p.search(line) for p in STATUS_WRITES)
    ]


def test_the_check_finds_status_writes_in_every_form():
    for line in (
        "election.status = Status.APPROVED",
        "locked.status=Status.SUBMITTED",
        'setattr(election, "status", "approved")',
        "Election.objects.filter(pk=pk).update(status=Status.VOID)",
        "Election.objects.create(office=office, status='approved')",
        "Election(parent=parent, status=Status.APPROVED)",
    ):
        assert status_writes(line) == [line], line
    for line in (
        "if election.status == Status.APPROVED:",
        "election.status != Status.DRAFT",
        "qs.filter(status=Status.SUBMITTED)",
        "status = models.CharField(max_length=16)",
    ):
        assert status_writes(line) == [], line


def test_nothing_outside_workflow_assigns_an_elections_status():
    files = application_files()
    assert ROOT / "elections" / "workflow.py" in files
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in files
        if path not in ALLOWED and (found := status_writes(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_workflow_is_where_status_is_assigned():
    assert status_writes((ROOT / "elections" / "workflow.py").read_text(encoding="utf-8"))
