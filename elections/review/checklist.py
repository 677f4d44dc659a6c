"""The supervisor's checklist: every rule R1-R13 of DESIGN.md §3 with its state and the evidence
in the record that shows it (R7: the supervisor acknowledges what they have seen).

The states come from ``rules`` (a problem fails the rule, a warning needs acknowledging); the
evidence is read from the election as loaded by ``selectors.election_queryset_for_rules``.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from elections import rules
from elections.constants import INTERPRETER_MODES, NO_ELECTION_METHODS, Status
from elections.languages import country_name, language_name
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


def checklist(election, *, reviewer=None) -> list[ChecklistItem]:
    """R1-R13 for this election, in order. ``reviewer`` is the supervisor reading it: R7 fails
    for them if they presented, witnessed or signed it."""
    office = election.office

    def at(moment) -> str:
        return local_time(moment, office.time_zone) if moment else "—"

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
    links = {link.child_id: link for link in parent.child_links.all()}
    signatures = list(election.signatures.all())
    interpreter = getattr(election, "interpreter", None)
    decided = [item.decided_at for item in covered if item.decided_at]

    items["R1"].evidence = [
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
                "when": at(election.identity_verified_at),
            }
        ),
        str(_("Held at: %(facility)s") % {"facility": election.facility or "—"}),
    ]

    on = rules.decision_date(election)
    for item in covered:
        child = item.child
        link = links.get(child.id)
        items["R2"].evidence.append(
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

    notice, english = election.notice_version, election.notice_version_en
    if notice is not None:
        items["R3"].evidence = [
            str(
                _("Notice %(language)s %(version)s, SHA-256 %(sha)s; text verified: %(ok)s")
                % {
                    "language": language_name(notice.language),
                    "version": notice.version,
                    "sha": notice.sha256,
                    "ok": _("yes") if notice.is_intact else _("NO"),
                }
            ),
            str(
                _("Delivered: %(mode)s, %(when)s")
                % {
                    "mode": election.get_delivery_mode_display() or "—",
                    "when": at(election.notice_delivered_at),
                }
            ),
        ]
    if english is not None:
        items["R10"].evidence = [
            str(
                _("English beside it: %(version)s, SHA-256 %(sha)s; text verified: %(ok)s")
                % {
                    "version": english.version,
                    "sha": english.sha256,
                    "ok": _("yes") if english.is_intact else _("NO"),
                }
            )
        ]

    items["R4"].evidence = [
        str(
            _("Parent's primary language: %(primary)s; notice language: %(notice)s")
            % {
                "primary": language_name(parent.primary_language),
                "notice": language_name(election.notice_language)
                if election.notice_language
                else "—",
            }
        )
    ]
    if election.delivery_mode in INTERPRETER_MODES and interpreter is not None:
        items["R4"].evidence.append(
            str(
                _("Interpreter: %(name)s, %(employer)s, into %(language)s, %(mode)s%(operator)s")
                % {
                    "name": interpreter.full_name,
                    "employer": interpreter.id_or_employer,
                    "language": language_name(interpreter.language),
                    "mode": election.get_delivery_mode_display(),
                    "operator": f", {interpreter.operator_id}" if interpreter.operator_id else "",
                }
            )
        )
    else:
        items["R4"].evidence.append(str(_("No interpreter was used.")))

    for item in covered:
        items["R5"].evidence.append(
            str(
                _("%(name)s: %(decision)s, %(when)s")
                % {
                    "name": item.child.full_name,
                    "decision": item.get_decision_display() or _("no election recorded"),
                    "when": at(item.decided_at),
                }
            )
        )
    if election.legal_contact_given:
        items["R5"].evidence.append(
            str(_("Legal contact given: %(text)s") % {"text": election.legal_contact_given})
        )

    for signature in signatures:
        items["R6"].evidence.append(
            str(
                _("%(role)s: %(name)s, %(method)s%(password)s, %(when)s")
                % {
                    "role": signature.get_role_display(),
                    "name": signature.printed_name,
                    "method": signature.get_method_display(),
                    "password": _(", confirmed with password")
                    if signature.password_confirmed
                    else "",
                    "when": at(signature.signed_at),
                }
            )
        )

    r7 = items["R7"]
    r7.evidence = [
        str(
            _("Presenting officer: %(officer)s; witness: %(witness)s")
            % {"officer": _name(election.presented_by), "witness": _name(election.witness)}
        )
    ]
    if election.approved_by_id:
        r7.state = PASS
        r7.evidence.append(
            str(
                _("Approved by %(who)s, %(when)s")
                % {"who": _name(election.approved_by), "when": at(election.approved_at)}
            )
        )
        for warning in election.acknowledged_warnings or []:
            r7.evidence.append(
                str(_("Acknowledged: %(message)s") % {"message": warning.get("message", "")})
            )
    else:
        r7.state = PENDING
        if election.returned_at:
            r7.evidence.append(
                str(
                    _("Last returned by %(who)s, %(when)s: %(reason)s")
                    % {
                        "who": _name(election.returned_by),
                        "when": at(election.returned_at),
                        "reason": election.return_reason,
                    }
                )
            )
        signers = {s.signer_id for s in signatures if s.signer_id}
        if reviewer is not None and reviewer.pk in {
            election.presented_by_id,
            election.witness_id,
            *signers,
        }:
            r7.state = FAIL
            r7.problems.append(
                str(
                    _(
                        "You presented, witnessed or signed this election, so another supervisor "
                        "must review it."
                    )
                )
            )

    items["R8"].evidence = [
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

    r9 = items["R9"]
    r9.evidence = [
        str(_("%(count)s history entries for this election") % {"count": election.history.count()})
    ]
    if election.supersedes_id:
        previous = election.supersedes
        r9.evidence.append(
            str(
                _("Replaces %(ref)s (%(status)s); approving this one marks it superseded.")
                % {"ref": previous.reference, "status": previous.get_status_display()}
                if election.status != Status.APPROVED
                else _("Replaces %(ref)s, now %(status)s.")
                % {"ref": previous.reference, "status": previous.get_status_display().lower()}
            )
        )

    if decided and election.notice_delivered_at:
        items["R11"].evidence = [
            str(
                _("Notice shown %(notice)s; first choice %(first)s, on the parent's screen")
                % {"notice": at(election.notice_delivered_at), "first": at(min(decided))}
            )
        ]

    parent_signature = rules.parent_signature(election)
    if parent_signature is not None and parent_signature.method in NO_ELECTION_METHODS:
        items["R12"].evidence = [
            str(
                _("The parent did not sign (%(method)s): %(reason)s. No election is recorded.")
                % {
                    "method": parent_signature.get_method_display(),
                    "reason": parent_signature.reason,
                }
            )
        ]
    elif parent_signature is not None:
        items["R12"].evidence = [
            str(
                _("The parent signed: %(method)s")
                % {"method": parent_signature.get_method_display()}
            )
        ]

    minutes = rules.minutes_to_decide(election)
    items["R13"].evidence = [
        str(
            _("%(minutes)s minutes from the notice to the last choice; the minimum is %(min)s.")
            % {
                "minutes": "—" if minutes is None else int(minutes),
                "min": settings.FORMSVC_MIN_DECISION_MINUTES,
            }
        )
    ]
    return [items[rule] for rule in RULES]
