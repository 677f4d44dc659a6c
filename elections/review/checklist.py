"""The supervisor's checklist: every rule R1-R13 of DESIGN.md §3 with its state and the evidence
in the record that shows it (R7: the supervisor acknowledges what they have seen).

The states come from ``rules`` (a problem fails the rule, a warning needs acknowledging); the
evidence is read from the election as loaded by ``selectors.election_queryset_for_rules``.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from elections import rules, workflow
from elections.constants import INTERPRETER_MODES, NO_ELECTION_METHODS, Status
from elections.languages import country_name, language_name, language_name_in_text
from elections.templatetags.formsvc import local_time

PASS = "pass"
FAIL = "fail"
WARN = "warn"
PENDING = "pending"

TITLES = {
    "R1": _("The parent is identified, with how and by whom"),
    "R2": _("Every child is named, a minor, located, and their relationship verified"),
    "R3": _("The exact notice shown, its language, how and when it was delivered"),
    "R4": _("The notice in the parent's language, or through a recorded interpreter"),
    "R5": _("One decision per child, with its time; a legal contact for a consult"),
    "R6": _("Signatures of the parent, the presenting officer, the witness and the interpreter"),
    "R7": _("Acknowledged by a supervisor who neither presented nor witnessed it"),
    "R8": _("Every event timestamped by the server"),
    "R9": _("Nothing changes after approval; a new decision is a new election"),
    "R10": _("The notice shown in the parent's language with English beside it"),
    "R11": _("No option pre-selected; the parent chose after the notice"),
    "R12": _("A refusal to sign is never a waiver"),
    "R13": _("The time from notice to decision, and a fast decision acknowledged"),
}
RULES = tuple(TITLES)


@dataclass
class ChecklistItem:
    rule: str
    title: str
    state: str = PASS
    evidence: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return {
            PASS: _("Met"),
            FAIL: _("Not met"),
            WARN: _("Acknowledge"),
            PENDING: _("Pending"),
        }[self.state]


def _name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@dataclass
class _Record:
    """What every rule's evidence reads, loaded once."""

    election: object
    reviewer: object
    parent: object
    covered: list
    links: dict
    signatures: list
    interpreter: object
    decided: list

    def at(self, moment) -> str:
        return local_time(moment, self.election.office.time_zone) if moment else "—"


def checklist(election, *, reviewer=None) -> list[ChecklistItem]:
    """R1-R13 for this election, in order. ``reviewer`` is the supervisor reading it: R7 fails
    for them if they presented, witnessed or signed it."""
    items = {rule: ChecklistItem(rule=rule, title=str(TITLES[rule])) for rule in RULES}
    for warning in rules.warnings(election):
        items[warning.rule].warnings.append(str(warning.message))
        items[warning.rule].state = WARN
    # A problem outranks a warning on the same rule.
    for problem in rules.submission_problems(election):
        items[problem.rule].problems.append(str(problem.message))
        items[problem.rule].state = FAIL

    parent = election.parent
    covered = list(election.covered.all())
    record = _Record(
        election=election,
        reviewer=reviewer,
        parent=parent,
        covered=covered,
        links={link.child_id: link for link in parent.child_links.all()},
        signatures=list(election.signatures.all()),
        interpreter=getattr(election, "interpreter", None),
        decided=[item.decided_at for item in covered if item.decided_at],
    )
    for rule in RULES:
        EVIDENCE[rule](items[rule], record)
    return [items[rule] for rule in RULES]


def _r1_parent(item: ChecklistItem, record: _Record) -> None:
    election, parent = record.election, record.parent
    item.evidence = [
        f"{parent.full_name} · {parent.a_number_display} · "
        + str(_("born %(date)s") % {"date": parent.date_of_birth.isoformat()})
        + f" · {country_name(parent.country_of_citizenship)}"
        + f" · {language_name(parent.primary_language)}",
        str(
            _("Identity: %(method)s: %(document)s; verified by %(who)s, %(when)s")
            % {
                "method": election.get_identity_method_display() or "—",
                "document": election.identity_document or "—",
                "who": _name(election.identity_verified_by),
                "when": record.at(election.identity_verified_at),
            }
        ),
        str(_("Held at: %(facility)s") % {"facility": election.facility or "—"}),
    ]


def _r2_children(item: ChecklistItem, record: _Record) -> None:
    on = rules.decision_date(record.election)
    for covered in record.covered:
        child = covered.child
        link = record.links.get(child.id)
        item.evidence.append(
            str(
                _(
                    "%(name)s %(a_number)s, born %(dob)s (%(age)s on the decision date); "
                    "%(kind)s: %(place)s; %(relationship)s, %(how)s"
                )
                % {
                    "name": child.full_name,
                    "a_number": child.a_number_display,
                    "dob": child.date_of_birth.isoformat(),
                    "age": rules.age_on(child.date_of_birth, on),
                    "kind": child.get_location_kind_display(),
                    "place": child.location_name,
                    "relationship": link.get_relationship_display() if link else "—",
                    "how": (
                        link.get_evidence_display()
                        + (f" ({link.evidence_note})" if link.evidence_note else "")
                    )
                    if link
                    else "—",
                }
            )
        )


def _r3_notice(item: ChecklistItem, record: _Record) -> None:
    election = record.election
    notice = election.notice_version
    if notice is None:
        return
    item.evidence = [
        str(
            _("Notice %(language)s %(version)s, SHA-256 %(sha)s; text verified: %(ok)s")
            % {
                "language": language_name_in_text(notice.language),
                "version": notice.version,
                "sha": notice.sha256,
                "ok": _("yes") if notice.is_intact else _("NO"),
            }
        ),
        str(
            _("Delivered: %(mode)s, %(when)s")
            % {
                "mode": election.get_delivery_mode_display() or "—",
                "when": record.at(election.notice_delivered_at),
            }
        ),
    ]


def _r4_language(item: ChecklistItem, record: _Record) -> None:
    election, interpreter = record.election, record.interpreter
    item.evidence = [
        str(
            _("Parent's primary language: %(primary)s; notice language: %(notice)s")
            % {
                "primary": language_name_in_text(record.parent.primary_language),
                "notice": language_name_in_text(election.notice_language)
                if election.notice_language
                else "—",
            }
        )
    ]
    if election.delivery_mode in INTERPRETER_MODES and interpreter is not None:
        item.evidence.append(
            str(
                _("Interpreter: %(name)s, %(employer)s, into %(language)s, %(mode)s%(operator)s")
                % {
                    "name": interpreter.full_name,
                    "employer": interpreter.id_or_employer,
                    "language": language_name_in_text(interpreter.language),
                    "mode": election.get_delivery_mode_display(),
                    "operator": f", {interpreter.operator_id}" if interpreter.operator_id else "",
                }
            )
        )
    else:
        item.evidence.append(str(_("No interpreter was used.")))


def _r5_decisions(item: ChecklistItem, record: _Record) -> None:
    for covered in record.covered:
        item.evidence.append(
            str(
                _("%(name)s: %(decision)s, %(when)s")
                % {
                    "name": covered.child.full_name,
                    "decision": covered.get_decision_display() or _("no election recorded"),
                    "when": record.at(covered.decided_at),
                }
            )
        )
    if record.election.legal_contact_given:
        item.evidence.append(
            str(_("Legal contact given: %(text)s") % {"text": record.election.legal_contact_given})
        )


def _r6_signatures(item: ChecklistItem, record: _Record) -> None:
    for signature in record.signatures:
        item.evidence.append(
            str(
                _("%(role)s: %(name)s, %(method)s%(password)s, %(when)s")
                % {
                    "role": signature.get_role_display(),
                    "name": signature.printed_name,
                    "method": signature.get_method_display(),
                    "password": _(", confirmed with password")
                    if signature.password_confirmed
                    else "",
                    "when": record.at(signature.signed_at),
                }
            )
        )


def _r7_supervisor(item: ChecklistItem, record: _Record) -> None:
    election = record.election
    item.evidence = [
        str(
            _("Presenting officer: %(officer)s; witness: %(witness)s")
            % {"officer": _name(election.presented_by), "witness": _name(election.witness)}
        )
    ]
    if election.approved_by_id:
        item.state = PASS
        item.evidence.append(
            str(
                _("Approved by %(who)s, %(when)s")
                % {"who": _name(election.approved_by), "when": record.at(election.approved_at)}
            )
        )
        for warning in election.acknowledged_warnings or []:
            item.evidence.append(
                str(_("Acknowledged: %(message)s") % {"message": warning.get("message", "")})
            )
        return
    item.state = PENDING
    if election.returned_at:
        item.evidence.append(
            str(
                _("Last returned by %(who)s, %(when)s: %(reason)s")
                % {
                    "who": _name(election.returned_by),
                    "when": record.at(election.returned_at),
                    "reason": election.return_reason,
                }
            )
        )
    conflict = workflow.reviewer_conflict(election, record.reviewer)
    if conflict is not None:
        item.state = FAIL
        item.problems.append(str(conflict))


def _r8_timestamps(item: ChecklistItem, record: _Record) -> None:
    election, decided = record.election, record.decided
    item.evidence = [
        str(_("%(event)s: %(when)s") % {"event": event, "when": rules.as_utc(moment).isoformat()})
        for event, moment in (
            (_("Started (UTC)"), election.created_at),
            (_("Notice delivered (UTC)"), election.notice_delivered_at),
            (_("Last choice (UTC)"), max(decided) if decided else None),
            (_("Submitted (UTC)"), election.submitted_at),
            (_("Approved (UTC)"), election.approved_at),
        )
        if moment
    ]


def _r9_history(item: ChecklistItem, record: _Record) -> None:
    election = record.election
    item.evidence = [
        str(_("%(count)s history entries for this election") % {"count": election.history.count()})
    ]
    if election.supersedes_id:
        previous = election.supersedes
        item.evidence.append(
            str(
                _("Replaces %(ref)s (%(status)s); approving this one marks it superseded.")
                % {"ref": previous.reference, "status": previous.get_status_display()}
                if election.status != Status.APPROVED
                else _("Replaces %(ref)s, now %(status)s.")
                % {"ref": previous.reference, "status": previous.get_status_display().lower()}
            )
        )


def _r10_english(item: ChecklistItem, record: _Record) -> None:
    english = record.election.notice_version_en
    if english is None:
        return
    item.evidence = [
        str(
            _("English beside it: %(version)s, SHA-256 %(sha)s; text verified: %(ok)s")
            % {
                "version": english.version,
                "sha": english.sha256,
                "ok": _("yes") if english.is_intact else _("NO"),
            }
        )
    ]


def _r11_no_preselection(item: ChecklistItem, record: _Record) -> None:
    election, decided = record.election, record.decided
    if decided and election.notice_delivered_at:
        item.evidence = [
            str(
                _("Notice shown %(notice)s; first choice %(first)s, on the parent's screen")
                % {
                    "notice": record.at(election.notice_delivered_at),
                    "first": record.at(min(decided)),
                }
            )
        ]


def _r12_refusal(item: ChecklistItem, record: _Record) -> None:
    parent_signature = rules.parent_signature(record.election)
    if parent_signature is not None and parent_signature.method in NO_ELECTION_METHODS:
        item.evidence = [
            str(
                _("The parent did not sign (%(method)s): %(reason)s. No election is recorded.")
                % {
                    "method": parent_signature.get_method_display(),
                    "reason": parent_signature.reason,
                }
            )
        ]
    elif parent_signature is not None:
        item.evidence = [
            str(
                _("The parent signed: %(method)s")
                % {"method": parent_signature.get_method_display()}
            )
        ]


def _r13_time_to_decide(item: ChecklistItem, record: _Record) -> None:
    minutes = rules.minutes_to_decide(record.election)
    item.evidence = [
        str(
            _("%(minutes)s minutes from the notice to the last choice; the minimum is %(min)s.")
            % {
                "minutes": "—" if minutes is None else int(minutes),
                "min": settings.FORMSVC_MIN_DECISION_MINUTES,
            }
        )
    ]


#: Each rule's evidence (and, for R7, its state), read from the record.
EVIDENCE = {
    "R1": _r1_parent,
    "R2": _r2_children,
    "R3": _r3_notice,
    "R4": _r4_language,
    "R5": _r5_decisions,
    "R6": _r6_signatures,
    "R7": _r7_supervisor,
    "R8": _r8_timestamps,
    "R9": _r9_history,
    "R10": _r10_english,
    "R11": _r11_no_preselection,
    "R12": _r12_refusal,
    "R13": _r13_time_to_decide,
}
