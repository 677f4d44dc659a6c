"""Recommendation 2: parents removed without an approved final election covering each child.

The officials coordinating reunification need, for each such removal, who the parent and the
children are, when and by which office the parent was removed, what the record does show (an
election returned or never approved, a refusal to sign, a consult still pending, or nothing at
all), how the parent can be reached in the home country and where each child was last known to
be. Each entry is built from the removal as recorded (the clearance of that moment) and the
registry as it stands now (the child's last known location).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from .identifiers import format_a_number
from .models import Child, ParentChild, Removal
from .names import spreadsheet_safe


@dataclass(frozen=True)
class ReportChild:
    a_number: str | None
    name: str
    date_of_birth: date
    removed_with_parent: bool
    removal: str
    election_id: str | None
    election_status: str | None
    decision: str | None
    record_shows: str
    location_kind: str
    location: str

    def as_dict(self) -> dict:
        return {
            "a_number": self.a_number,
            "name": self.name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "removed_with_parent": self.removed_with_parent,
            "removal": self.removal,
            "election_id": self.election_id,
            "election_status": self.election_status,
            "decision": self.decision,
            "record_shows": self.record_shows,
            "last_known_location": {"kind": self.location_kind, "name": self.location},
        }


@dataclass(frozen=True)
class ReportEntry:
    removal: Removal
    children: tuple[ReportChild, ...]

    @property
    def parent(self):
        return self.removal.parent

    def as_dict(self) -> dict:
        parent = self.parent
        return {
            "removal_id": str(self.removal.pk),
            "removed_on": self.removal.removed_on.isoformat(),
            "office": {"code": self.removal.office.code, "name": self.removal.office.name},
            "source": self.removal.source,
            "flags": [flag["code"] for flag in self.removal.flags],
            "parent": {
                "a_number": parent.a_number,
                "name": parent.full_name,
                "date_of_birth": parent.date_of_birth.isoformat(),
                "country_of_citizenship": parent.country_of_citizenship,
                "primary_language": parent.primary_language,
                "home_country_contact": parent.home_country_contact,
            },
            "record_shows": self.removal.clearance.get("reasons", []),
            "children": [child.as_dict() for child in self.children],
        }


def _removals(office_id=None):
    qs = (
        Removal.objects.filter(cleared=False)
        .select_related("parent", "office")
        .prefetch_related(
            Prefetch("children_removed", queryset=Child.objects.only("id")),
            Prefetch(
                "parent__child_links",
                queryset=ParentChild.objects.select_related("child").order_by(
                    "child__date_of_birth", "pk"
                ),
            ),
        )
        .order_by("-removed_on", "-recorded_at")
    )
    if office_id is not None:
        qs = qs.filter(office_id=office_id)
    return qs


def clearance_answer_for(removal: Removal, *, a_number, name, date_of_birth) -> dict:
    """What the clearance of the removal's moment said of one child: found by A-number, or by
    name and date of birth for a child recorded without one (several children may have none)."""
    for answer in removal.clearance.get("children", []):
        if a_number:
            if answer.get("a_number") == a_number:
                return answer
        elif not answer.get("a_number") and (answer.get("name"), answer.get("date_of_birth")) == (
            name,
            date_of_birth.isoformat(),
        ):
            return answer
    return {}


def _entry(removal: Removal) -> ReportEntry:
    taken = {child.pk for child in removal.children_removed.all()}
    children = []
    for link in removal.parent.child_links.all():
        child = link.child
        answer = clearance_answer_for(
            removal,
            a_number=child.a_number,
            name=child.full_name,
            date_of_birth=child.date_of_birth,
        )
        if answer and not answer.get("minor", True):
            continue  # an adult child was not the parent's to decide for
        children.append(
            ReportChild(
                a_number=child.a_number,
                name=child.full_name,
                date_of_birth=child.date_of_birth,
                removed_with_parent=child.pk in taken,
                removal=answer.get("removal", "blocked"),
                election_id=answer.get("election_id"),
                election_status=answer.get("election_status"),
                decision=answer.get("decision"),
                record_shows="; ".join(answer.get("reasons", []))
                or "no election has been recorded for this child",
                location_kind=child.get_location_kind_display() if child.location_kind else "",
                location=child.location_name,
            )
        )
    return ReportEntry(removal=removal, children=tuple(children))


def report_entries(*, office_id=None) -> list[ReportEntry]:
    """Every removal of a parent who was not cleared, newest first (of one office, if given)."""
    return [_entry(removal) for removal in _removals(office_id)]


CSV_HEADER = [
    "removed_on",
    "removing_office",
    "parent_a_number",
    "parent_name",
    "parent_date_of_birth",
    "parent_country",
    "parent_primary_language",
    "parent_home_country_contact",
    "child_a_number",
    "child_name",
    "child_date_of_birth",
    "child_removed_with_parent",
    "child_election_id",
    "child_election_status",
    "child_decision",
    "record_shows",
    "child_last_known_location_kind",
    "child_last_known_location",
    "flags",
]


def csv_rows(entries):
    """One row per child of each entry (a parent with no child recorded gets one row), each cell
    safe to open in a spreadsheet."""
    for row in _rows(entries):
        yield [spreadsheet_safe(str(cell)) for cell in row]


def _rows(entries):
    for entry in entries:
        parent = entry.parent
        head = [
            entry.removal.removed_on.isoformat(),
            entry.removal.office.code,
            format_a_number(parent.a_number),
            parent.full_name,
            parent.date_of_birth.isoformat(),
            parent.country_of_citizenship,
            parent.primary_language,
            parent.home_country_contact,
        ]
        flags = " ".join(flag["code"] for flag in entry.removal.flags)
        if not entry.children:
            shows = "; ".join(entry.removal.clearance.get("reasons", []))
            yield [*head, "", "", "", "", "", "", "", shows, "", "", flags]
        for child in entry.children:
            yield [
                *head,
                format_a_number(child.a_number or ""),
                child.name,
                child.date_of_birth.isoformat(),
                "yes" if child.removed_with_parent else "no",
                child.election_id or "",
                child.election_status or "",
                child.decision or "",
                child.record_shows,
                child.location_kind,
                child.location,
                flags,
            ]
