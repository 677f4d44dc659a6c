"""What the auditor sees of the removal gate: the report of parents removed without a documented
choice (Recommendation 2), the removals that departed from the clearance (flagged) and the
removals of one parent.

The clearance a removal was checked against is stored in English, the record's own language;
the pages show its reasons, statuses and decisions from their codes, in the auditor's language.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import translation

from elections import undocumented
from elections.clearance import Reason
from elections.constants import Decision, Status
from elections.models import Child, Election, Removal, RemovalFlag
from elections.models.gate import FLAGGED


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code or "")


def flag_label(code: str) -> str:
    return _label(RemovalFlag, code)


def reason_label(code: str) -> str:
    return _label(Reason, code)


def election_reference(election_id: str | None) -> str:
    """The short reference of an election from its id, as ``Election.reference`` writes it."""
    return f"E-{election_id.replace('-', '')[:8].upper()}" if election_id else ""


@dataclass(frozen=True)
class ReportChildRow:
    child: undocumented.ReportChild
    reference: str
    linked: bool
    status: str
    decision: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ReportRow:
    entry: undocumented.ReportEntry
    flags: tuple[dict, ...]
    parent_reasons: tuple[str, ...]
    children: tuple[ReportChildRow, ...]


def report_rows(entries: list[undocumented.ReportEntry]) -> list[ReportRow]:
    """The report's entries as the page shows them: each child's election with a link to its
    record page when formsvc holds it, and every reason in the auditor's language."""
    ids = {child.election_id for entry in entries for child in entry.children if child.election_id}
    known = {str(pk) for pk in Election.objects.filter(pk__in=ids).values_list("pk", flat=True)}
    rows = []
    for entry in entries:
        children = []
        for child in entry.children:
            answer = undocumented.clearance_answer_for(
                entry.removal,
                a_number=child.a_number,
                name=child.name,
                date_of_birth=child.date_of_birth,
            )
            codes = answer.get("reason_codes") or [Reason.NO_ELECTION.value]
            children.append(
                ReportChildRow(
                    child=child,
                    reference=election_reference(child.election_id),
                    linked=child.election_id in known,
                    status=_label(Status, child.election_status) if child.election_status else "",
                    decision=_label(Decision, child.decision) if child.decision else "",
                    reasons=tuple(reason_label(code) for code in codes),
                )
            )
        parent_codes = entry.removal.clearance.get("reason_codes", [])
        rows.append(
            ReportRow(
                entry=entry,
                flags=tuple(flag_rows(entry.removal)),
                parent_reasons=tuple(
                    reason_label(code) for code in parent_codes if code == Reason.NO_CHILDREN
                ),
                children=tuple(children),
            )
        )
    return rows


def _flag_child_name(flag: dict, names: dict) -> str:
    """The child a flag concerns, by name: from the clearance by A-number, or, for a child
    recorded without one, from the flag's own words ("Name: what happened", in English)."""
    if flag.get("child"):
        return names.get(flag["child"]) or ""
    try:
        code = RemovalFlag(flag.get("code"))
    except ValueError:
        return ""
    if code == RemovalFlag.NOT_CLEARED:
        return ""
    with translation.override("en"):
        suffix = f": {code.label}"
    detail = flag.get("detail", "")
    return detail[: -len(suffix)] if detail.endswith(suffix) else ""


def flag_rows(removal: Removal) -> list[dict]:
    """Each flag of a removal, in words, with the child it concerns when there is one."""
    names = {c.get("a_number"): c.get("name") for c in removal.clearance.get("children", [])}
    return [
        {
            "code": flag.get("code", ""),
            "label": flag_label(flag.get("code", "")),
            "child": flag.get("child", ""),
            "child_name": _flag_child_name(flag, names),
        }
        for flag in removal.flags
    ]


def flag_counts() -> list[dict]:
    """How many removals carry each flag (a removal may carry several), every flag listed."""
    counted = Counter()
    for flags in Removal.objects.flagged().values_list("flags", flat=True):
        counted.update({flag.get("code") for flag in flags})
    return [
        {"code": code, "label": str(label), "count": counted.get(code, 0)}
        for code, label in RemovalFlag.choices
    ]


def removal_totals() -> dict:
    """Removals recorded, flagged, flagged although cleared, and not cleared: one count each,
    in one statement."""
    return Removal.objects.aggregate(
        removals=Count("pk"),
        flagged=Count("pk", filter=FLAGGED),
        flagged_cleared=Count("pk", filter=FLAGGED & Q(cleared=True)),
        not_cleared=Count("pk", filter=Q(cleared=False)),
    )


def _with_children(queryset):
    return queryset.select_related("parent", "office").prefetch_related(
        Prefetch("children_removed", queryset=Child.objects.order_by("date_of_birth", "pk"))
    )


def flagged_removals(*, flag: str | None = None, office_id: int | None = None) -> list[Removal]:
    """Every flagged removal, newest first, whether the parent was cleared or not; of one flag
    and one office if given. (JSON containment is not portable, so the flag is matched here.)"""
    qs = _with_children(Removal.objects.flagged()).order_by("-removed_on", "-recorded_at")
    if office_id is not None:
        qs = qs.filter(office_id=office_id)
    removals = list(qs)
    if flag:
        removals = [r for r in removals if any(f.get("code") == flag for f in r.flags)]
    return removals


def latest_elections(parent_ids) -> dict:
    """The newest election of each parent, for a link to its record page."""
    latest = {}
    for election in (
        Election.objects.filter(parent_id__in=parent_ids)
        .only("id", "parent_id", "created_at")
        .order_by("created_at")
    ):
        latest[election.parent_id] = election
    return latest


def parent_removals(parent_id) -> list[Removal]:
    """The removals recorded for one parent, newest first."""
    return list(
        _with_children(Removal.objects.filter(parent_id=parent_id)).order_by(
            "-removed_on", "-recorded_at"
        )
    )
