"""The record rules R1-R13 of DESIGN.md §3, each in one place.

Each check takes an election (with its related rows loaded, see ``selectors.election_for_rules``)
and returns the problems it finds. A problem names the rule, the step of the officer's flow where
it is fixed, and a translated message. ``submission_problems`` is what ``workflow.election_submit``
(and later approval) refuses on.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .constants import (
    INTERPRETER_MODES,
    NO_ELECTION_METHODS,
    Decision,
    DeliveryMode,
    RelationshipEvidence,
    SignatureMethod,
    SignatureRole,
)
from .identifiers import A_NUMBER_PATTERN
from .languages import (
    ALL_COUNTRY_CODES,
    ALL_LANGUAGE_CODES,
    language_name_in_text,
)
from .names import is_readable_text, is_visible_name, name_key

#: Steps of the officer's flow, by URL name, where each kind of problem is corrected.
STEP_PARENT = "parent"
STEP_CHILDREN = "children"
STEP_NOTICE = "notice"
STEP_DECISIONS = "parent_choices"
STEP_PARENT_SIGN = "parent_sign"
STEP_STAFF_SIGN = "staff_sign"


@dataclass(frozen=True)
class Problem:
    rule: str
    code: str
    message: str
    step: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def age_on(born: date, on: date) -> int:
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def decision_date(election) -> date:
    """The day the decision is (or would be) made, in the office's time zone."""
    moments = [c.decided_at for c in election.covered.all() if c.decided_at]
    moment = max(moments) if moments else timezone.now()
    return timezone.localtime(moment, election.office.tz).date()


def parent_signature(election):
    return next((s for s in election.signatures.all() if s.role == SignatureRole.PARENT), None)


def parent_consent_digest(election) -> str:
    """R6/R12: what the parent's signature covers, as a SHA-256: the notice shown (both texts,
    their language and how it was delivered) and every child's decision with its time.

    The signing page carries it; the signature stores it; any later change to a decision or to
    the notice gives a different digest, so a drawing can never stand for choices it was not
    drawn under, whatever the browser sends.
    """

    def notice(version):
        return None if version is None else [str(version.pk), version.language, version.sha256]

    def moment(value):
        return value.isoformat() if value else None

    facts = {
        "election": str(election.pk),
        "notice": notice(election.notice_version),
        "notice_en": notice(election.notice_version_en),
        "language": election.notice_language,
        "delivery": election.delivery_mode,
        "children": sorted(
            [str(item.child_id), item.child.full_name, item.decision or ""]
            + [moment(item.decided_at) or ""]
            for item in election.covered.all()
        ),
    }
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def records_no_election(election) -> bool:
    """R12: the parent refused or was unable to sign, so nothing they said counts as a choice."""
    signature = parent_signature(election)
    return signature is not None and signature.method in NO_ELECTION_METHODS


# --- R1 ---------------------------------------------------------------------------------------


def check_parent(election) -> list[Problem]:
    """R1: the parent is identified, and we know how and by whom."""
    parent = election.parent
    problems = []
    if not re.match(A_NUMBER_PATTERN, parent.a_number or ""):
        problems.append(
            Problem("R1", "a_number", _("The parent's A-number is not valid."), STEP_PARENT)
        )
    if not is_visible_name(parent.full_name):
        problems.append(Problem("R1", "name", _("The parent's full name is missing."), STEP_PARENT))
    if parent.date_of_birth is None or parent.date_of_birth > timezone.localdate():
        problems.append(
            Problem(
                "R1",
                "dob",
                _("The parent's date of birth is missing or in the future."),
                STEP_PARENT,
            )
        )
    if parent.country_of_citizenship not in ALL_COUNTRY_CODES:
        problems.append(
            Problem(
                "R1", "country", _("The parent's country of citizenship is missing."), STEP_PARENT
            )
        )
    if parent.primary_language not in ALL_LANGUAGE_CODES:
        problems.append(
            Problem("R1", "language", _("The parent's primary language is missing."), STEP_PARENT)
        )
    if not election.identity_method or not is_readable_text(
        election.identity_document, digits_suffice=True
    ):
        problems.append(
            Problem(
                "R1",
                "identity",
                _("Record how the parent's identity was verified and which document was checked."),
                STEP_PARENT,
            )
        )
    if election.identity_verified_by_id is None or election.identity_verified_at is None:
        problems.append(
            Problem(
                "R1", "identity_by", _("Record who verified the parent's identity."), STEP_PARENT
            )
        )
    if election.facility_id is None:
        problems.append(
            Problem(
                "R1", "facility", _("Record the facility where the parent is held."), STEP_PARENT
            )
        )
    return problems


# --- R2 ---------------------------------------------------------------------------------------


def check_children(election) -> list[Problem]:
    """R2: every child is named, a minor on the decision date, located, and linked to the parent."""
    covered = list(election.covered.all())
    if not covered:
        return [
            Problem(
                "R2",
                "no_children",
                _("Add at least one child this election covers."),
                STEP_CHILDREN,
            )
        ]
    problems = []
    on = decision_date(election)
    links = {link.child_id: link for link in election.parent.child_links.all()}
    seen: set[tuple[str, date]] = set()
    for item in covered:
        child = item.child
        params = {"name": child.full_name}
        if not is_visible_name(child.full_name):
            problems.append(
                Problem(
                    "R2",
                    "child_name",
                    _("A child's full name is missing or cannot be read."),
                    STEP_CHILDREN,
                )
            )
        if child.date_of_birth > on:
            problems.append(
                Problem(
                    "R2",
                    "dob_future",
                    _("The date of birth of %(name)s is in the future.") % params,
                    STEP_CHILDREN,
                )
            )
        elif age_on(child.date_of_birth, on) >= 18:
            problems.append(
                Problem(
                    "R2",
                    "not_minor",
                    _(
                        "%(name)s is 18 or older on the decision date; this election is only "
                        "for minor children."
                    )
                    % params,
                    STEP_CHILDREN,
                )
            )
        key = (name_key(child.full_name), child.date_of_birth)
        if key in seen:
            problems.append(
                Problem("R2", "duplicate", _("%(name)s is listed twice.") % params, STEP_CHILDREN)
            )
        seen.add(key)
        if not is_readable_text(child.location_name):
            problems.append(
                Problem(
                    "R2", "location", _("Record where %(name)s is held.") % params, STEP_CHILDREN
                )
            )
        link = links.get(child.id)
        if link is None or not link.relationship or not link.evidence:
            problems.append(
                Problem(
                    "R2",
                    "relationship",
                    _("Record how %(name)s is related to the parent and how that was verified.")
                    % params,
                    STEP_CHILDREN,
                )
            )
    return problems


# --- R1, R2: what the case system reports -------------------------------------------------------

#: The recorded facts a discrepancy with the case system can name, as the officer reads them.
DISCREPANCY_FIELD_LABELS = {
    "full_name": _("full name"),
    "date_of_birth": _("date of birth"),
    "country_of_citizenship": _("country of citizenship"),
    "primary_language": _("primary language"),
    "home_country_contact": _("contact details in the home country"),
    "location_kind": _("where the child is held"),
    "location_name": _("name and city of the placement"),
    "relationship": _("relationship to the parent"),
    "evidence": _("how the relationship was verified"),
    "evidence_note": _("verification details"),
    "a_number": _("A-number"),
}


def discrepancy_field_label(field: str) -> str:
    return str(DISCREPANCY_FIELD_LABELS.get(field, field))


#: Facts of the link between a parent and a child: a discrepancy about them concerns the parent
#: it was reported with only. A child's own facts are the same whichever parent reported them.
LINK_FACTS = ("relationship", "evidence", "evidence_note")


def discrepancies_about(parent, rows) -> list:
    """Of ``rows`` (open discrepancies), those the parent's election must settle, oldest first:
    the parent's own facts, and each linked child's, whichever of the child's parents they were
    reported with (a fact of the link itself only when reported with this parent)."""
    children = {link.child_id for link in parent.child_links.all()}
    found = [
        d
        for d in rows
        if d.resolved_at is None
        and (
            (d.child_id is None and d.parent_id == parent.pk)
            or (d.child_id in children and (d.field not in LINK_FACTS or d.parent_id == parent.pk))
        )
    ]
    return sorted(found, key=lambda d: (d.reported_at, d.pk))


def open_discrepancies(election) -> list:
    """The case system's unresolved contradictions the election must settle (R1, R2): as
    ``selectors.election_queryset_for_rules`` attached them, else fetched once here."""
    parent = election.parent
    found = getattr(parent, "open_discrepancies", None)
    if found is None:
        from django.db.models import Q

        from .models import RegistryDiscrepancy

        children = [link.child_id for link in parent.child_links.all()]
        rows = RegistryDiscrepancy.objects.filter(resolved_at__isnull=True).filter(
            Q(parent_id=parent.pk, child__isnull=True) | Q(child_id__in=children)
        )
        found = parent.open_discrepancies = discrepancies_about(parent, rows)
    return found


def check_registry(election) -> list[Problem]:
    """R1/R2: a fact the case system reports differently from the record is settled by the
    officer (keep what is recorded, or use what is reported) before the record is submitted."""
    covered = {item.child_id: item.child for item in election.covered.all()}
    problems = []
    for discrepancy in open_discrepancies(election):
        params = {"field": discrepancy_field_label(discrepancy.field)}
        if discrepancy.child_id is None:
            problems.append(
                Problem(
                    "R1",
                    "registry_discrepancy",
                    _(
                        "The case system reports a different %(field)s for the parent: keep "
                        "what is recorded or use what it reports."
                    )
                    % params,
                    STEP_PARENT,
                )
            )
        elif discrepancy.child_id in covered:
            params["name"] = covered[discrepancy.child_id].full_name
            problems.append(
                Problem(
                    "R2",
                    "registry_discrepancy",
                    _(
                        "The case system reports a different %(field)s for %(name)s: keep what "
                        "is recorded or use what it reports."
                    )
                    % params,
                    STEP_CHILDREN,
                )
            )
    return problems


# --- R3, R4, R10 -------------------------------------------------------------------------------


def check_notice(election) -> list[Problem]:
    """R3 and R10: the exact notice shown, in the parent's language with English beside it."""
    problems = []
    version, english = election.notice_version, election.notice_version_en
    if version is None or not election.delivery_mode or not election.notice_language:
        return [
            Problem(
                "R3",
                "notice",
                _("Choose the notice language and how the notice is delivered."),
                STEP_NOTICE,
            )
        ]
    if version.language != election.notice_language or not version.is_intact:
        problems.append(
            Problem(
                "R3", "notice_text", _("The notice text shown cannot be verified."), STEP_NOTICE
            )
        )
    if english is None or english.language != "en" or not english.is_intact:
        problems.append(
            Problem(
                "R10",
                "notice_english",
                _("The English notice shown beside it is missing."),
                STEP_NOTICE,
            )
        )
    if election.notice_delivered_at is None:
        problems.append(
            Problem(
                "R3",
                "notice_not_delivered",
                _("The notice has not been shown to the parent yet."),
                STEP_DECISIONS,
            )
        )
    return problems


def check_language(election) -> list[Problem]:
    """R4: a parent who does not know the notice's language hears it through an interpreter."""
    if not election.notice_language:
        return []
    interpreter = getattr(election, "interpreter", None)
    problems = []
    mismatch = election.notice_language != election.parent.primary_language
    if mismatch and election.delivery_mode not in INTERPRETER_MODES:
        problems.append(
            Problem(
                "R4",
                "interpreter_required",
                _(
                    "The notice is not in the parent's primary language, so it must be delivered "
                    "through an interpreter."
                ),
                STEP_NOTICE,
            )
        )
    if election.delivery_mode in INTERPRETER_MODES:
        if interpreter is None:
            problems.append(
                Problem(
                    "R4", "interpreter_missing", _("Record the interpreter's details."), STEP_NOTICE
                )
            )
        else:
            if not is_visible_name(interpreter.full_name) or not is_readable_text(
                interpreter.id_or_employer, digits_suffice=True
            ):
                problems.append(
                    Problem(
                        "R4",
                        "interpreter_identity",
                        _("Record the interpreter's name and ID number or employer."),
                        STEP_NOTICE,
                    )
                )
            if interpreter.language != election.parent.primary_language:
                problems.append(
                    Problem(
                        "R4",
                        "interpreter_language",
                        _("The interpreter must interpret into the parent's primary language."),
                        STEP_NOTICE,
                    )
                )
            if (
                election.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE
                and not is_readable_text(interpreter.operator_id, digits_suffice=True)
            ):
                problems.append(
                    Problem(
                        "R4",
                        "operator_id",
                        _("Record the telephone interpreter's operator ID."),
                        STEP_NOTICE,
                    )
                )
    return problems


def notice_exists_in(language: str) -> bool:
    """Whether a notice is written in ``language`` (any version, current or not)."""
    from .models import NoticeVersion

    return NoticeVersion.objects.filter(language=language).exists()


def check_notice_language(election) -> list[Problem]:
    """R10: when a notice is written in the parent's primary language, that is the one shown.

    Interpreting a notice from English (or Spanish) is only allowed for languages the notice is
    not written in (Mam, K'iche' and the like); a Spanish speaker never gets an English notice
    read to them, interpreter or not.
    """
    language = election.parent.primary_language
    if not election.notice_language or election.notice_language == language:
        return []
    if not notice_exists_in(language):
        return []
    return [
        Problem(
            "R10",
            "notice_not_in_parent_language",
            _(
                "The notice is written in %(language)s, the parent's primary language: show the "
                "parent that notice, with English beside it."
            )
            % {"language": language_name_in_text(language)},
            STEP_NOTICE,
        )
    ]


# --- R5, R11, R12 ------------------------------------------------------------------------------


def check_decisions(election) -> list[Problem]:
    """R5: one decision per child, made on the parent's screen, with its time (R11, R12)."""
    covered = list(election.covered.all())
    if records_no_election(election):
        # R12: a refusal is recorded as exactly that; no decision may stand beside it.
        if any(item.decision for item in covered):
            return [
                Problem(
                    "R12",
                    "refusal_with_decision",
                    _("A parent who did not sign has made no election; clear the choices."),
                    STEP_PARENT_SIGN,
                )
            ]
        return []
    problems = []
    for item in covered:
        if item.decision not in Decision.values or item.decided_at is None:
            problems.append(
                Problem(
                    "R5",
                    "no_decision",
                    _("The parent has not chosen for %(name)s.") % {"name": item.child.full_name},
                    STEP_DECISIONS,
                )
            )
        elif election.notice_delivered_at and item.decided_at < election.notice_delivered_at:
            problems.append(
                Problem(
                    "R11",
                    "decided_before_notice",
                    _("A choice was recorded before the notice was shown."),
                    STEP_DECISIONS,
                )
            )
    if any(item.decision == Decision.CONSULT for item in covered) and not (
        is_readable_text(election.legal_contact_given)
    ):
        problems.append(
            Problem(
                "R5",
                "legal_contact",
                _("Record the legal contact given to the parent who wants to speak with a lawyer."),
                STEP_STAFF_SIGN,
            )
        )
    return problems


# --- R6 ---------------------------------------------------------------------------------------


def check_signatures(election) -> list[Problem]:
    """R6: the parent (or a witnessed mark or refusal), the officer, a witness, the interpreter."""
    by_role = {s.role: s for s in election.signatures.all()}
    problems = []
    if election.witness_id is None:
        problems.append(
            Problem(
                "R6", "witness_missing", _("Choose the staff member who witnesses."), STEP_NOTICE
            )
        )
    elif election.witness_id == election.presented_by_id:
        problems.append(
            Problem(
                "R6",
                "witness_is_presenter",
                _("The witness cannot be the presenting officer."),
                STEP_NOTICE,
            )
        )
    parent = by_role.get(SignatureRole.PARENT)
    if parent is None:
        problems.append(
            Problem(
                "R6",
                "parent_signature",
                _("The parent has not signed, made a mark, or been recorded as not signing."),
                STEP_PARENT_SIGN,
            )
        )
    elif parent.method not in (SignatureMethod.DRAWN, SignatureMethod.MARK, *NO_ELECTION_METHODS):
        problems.append(
            Problem(
                "R6", "parent_method", _("The parent's signature is not valid."), STEP_PARENT_SIGN
            )
        )
    if parent is not None and parent.covers_sha256 != parent_consent_digest(election):
        problems.append(
            Problem(
                "R6",
                "parent_signature_stale",
                _(
                    "The parent's signature was not made for the choices and notice now recorded; "
                    "the parent must check them and sign again."
                ),
                STEP_PARENT_SIGN,
            )
        )
    latest_decision = max(
        (c.decided_at for c in election.covered.all() if c.decided_at), default=None
    )
    if parent is not None and latest_decision and parent.signed_at < latest_decision:
        problems.append(
            Problem(
                "R6",
                "parent_signed_early",
                _("The parent signed before the last choice was made; sign again."),
                STEP_PARENT_SIGN,
            )
        )
    staff_roles = [SignatureRole.WITNESS, SignatureRole.OFFICER]
    for role in staff_roles:
        signature = by_role.get(role)
        expected = (
            election.witness_id if role == SignatureRole.WITNESS else election.presented_by_id
        )
        if (
            signature is None
            or not signature.password_confirmed
            or signature.signer_id != expected
            or (parent is not None and signature.signed_at < parent.signed_at)
        ):
            message = (
                _("The witness has not signed with their password after the parent.")
                if role == SignatureRole.WITNESS
                else _(
                    "The presenting officer has not signed with their password after the parent."
                )
            )
            problems.append(Problem("R6", f"{role}_signature", message, STEP_STAFF_SIGN))
    if election.delivery_mode in INTERPRETER_MODES:
        signature = by_role.get(SignatureRole.INTERPRETER)
        wanted = (
            SignatureMethod.TELEPHONE
            if election.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE
            else SignatureMethod.DRAWN
        )
        if signature is None or signature.method != wanted:
            problems.append(
                Problem(
                    "R4",
                    "interpreter_signature",
                    _("The interpreter has not attested to a faithful interpretation."),
                    STEP_STAFF_SIGN,
                )
            )
    return problems


# --- R13 --------------------------------------------------------------------------------------


def minutes_between(notice_delivered_at, decided_at) -> float | None:
    """R13: minutes from the notice being delivered to the last of the choices ``decided_at``
    (the moments of the children's decisions; those not made yet are None)."""
    decided = [moment for moment in decided_at if moment]
    if notice_delivered_at is None or not decided:
        return None
    return (max(decided) - notice_delivered_at) / timedelta(minutes=1)


def minutes_to_decide(election) -> float | None:
    """R13: minutes from the notice being delivered to the last choice."""
    return minutes_between(
        election.notice_delivered_at, (c.decided_at for c in election.covered.all())
    )


def is_fast(minutes: float | None) -> bool:
    """R13: ``minutes`` to decide is sooner than the configured minimum."""
    return minutes is not None and minutes < settings.FORMSVC_MIN_DECISION_MINUTES


def is_fast_decision(election) -> bool:
    """R13: decided sooner than the configured minimum after the notice; the supervisor must see it."""
    return is_fast(minutes_to_decide(election))


def warnings(election) -> list[Problem]:
    """Facts that do not block submission but that the supervisor must acknowledge (R13 and more)."""
    links = {link.child_id: link for link in election.parent.child_links.all()}
    return warnings_from(
        minutes=minutes_to_decide(election),
        delivery_mode=election.delivery_mode,
        unverified_children=[
            item.child.full_name
            for item in election.covered.all()
            if (link := links.get(item.child_id)) is not None
            and link.evidence == RelationshipEvidence.NOT_VERIFIED
        ],
        no_election=records_no_election(election),
    )


def warnings_from(
    *, minutes: float | None, delivery_mode: str, unverified_children, no_election: bool
) -> list[Problem]:
    """``warnings`` from the facts they are about, for a list that reads them for many
    elections at once (the supervisor's queue): the minutes to decide, how the notice was
    delivered, the names of the children whose relationship is not verified, whether the parent
    did not sign."""
    found = []
    if is_fast(minutes):
        found.append(
            Problem(
                "R13",
                "fast_decision",
                ngettext(
                    "The parent decided %(minutes)d minute after the notice; the minimum is %(min)d.",
                    "The parent decided %(minutes)d minutes after the notice; the minimum is %(min)d.",
                    int(minutes),
                )
                % {"minutes": int(minutes), "min": settings.FORMSVC_MIN_DECISION_MINUTES},
                STEP_DECISIONS,
            )
        )
    if delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE:
        found.append(
            Problem(
                "R4",
                "telephone_interpreter",
                _("The notice was interpreted by telephone."),
                STEP_NOTICE,
            )
        )
    for name in unverified_children:
        found.append(
            Problem(
                "R2",
                "relationship_unverified",
                _("The relationship to %(name)s is not verified.") % {"name": name},
                STEP_CHILDREN,
            )
        )
    if no_election:
        found.append(
            Problem(
                "R12",
                "no_election",
                _("The parent did not sign: no election is recorded and removal stays blocked."),
                STEP_PARENT_SIGN,
            )
        )
    return found


def submission_problems(election) -> list[Problem]:
    """Everything that keeps this election from being submitted or approved."""
    return [
        *check_parent(election),
        *check_children(election),
        *check_registry(election),
        *check_notice(election),
        *check_language(election),
        *check_notice_language(election),
        *check_decisions(election),
        *check_signatures(election),
    ]


def as_utc(moment: datetime | None) -> datetime | None:
    """R8: timestamps are stored in UTC; this is the value printed as UTC on the record."""
    return moment.astimezone(UTC) if moment else None
