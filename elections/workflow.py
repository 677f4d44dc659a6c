"""The only way an election's status changes (DESIGN.md §4).

Each transition runs in one transaction, re-reads the row under ``select_for_update()`` so two
people acting at once are serialised (the second sees the first one's result and is refused,
told who did what and when), checks the actor's role and office, runs the rules, stamps who and
when, and writes a history entry with the change reason. On SQLite, where ``select_for_update``
does nothing, every transaction takes the database's write lock as it begins instead
(``transaction_mode: IMMEDIATE``, settings.py), which serialises them the same way.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from . import rules
from .attribution import Attribution, attributed, by_staff_with_password
from .constants import EDITABLE_STATUSES, Role, SignatureRole, Status
from .errors import PasswordNotConfirmed, RulesNotMet, StaleReview, TransitionError
from .figures import election_figures_update
from .models import ApprovalAttempt, Election
from .models.locking import allow_supersede
from .names import is_readable_text, normalize_text
from .selectors import election_queryset_for_rules, staff_profile_for
from .templatetags.formsvc import local_time

logger = logging.getLogger("formsvc.workflow")

#: What the approving supervisor confirms (R7); stored in English on the election.
APPROVAL_ATTESTATION = _(
    "I have reviewed this record in full. It documents the parent's own choice for each child, "
    "made after the notice shown in it, and I acknowledge that choice as a supervisor who neither "
    "presented nor witnessed this election."
)


def _lock(election: Election) -> Election:
    # The row lock makes the status check and the write one step: a second submit or a
    # supervisor acting at the same moment waits here and then sees the new status.
    Election.objects.select_for_update().filter(pk=election.pk).values_list("pk").get()
    # Read the record only once the lock is held. A query that waited for the lock sees the
    # locked row's new version but the rows it joined as they were before the wait (who
    # approved it would read as nobody); a new query sees everything as committed.
    return election_queryset_for_rules().get(pk=election.pk)


def _require_role(actor, election: Election, roles: set[str]) -> None:
    profile = staff_profile_for(user=actor)
    if profile is None or profile.role not in roles or profile.office_id != election.office_id:
        raise TransitionError(_("You are not allowed to do this for this election."))


def _save(
    election: Election, *, actor, reason: str, fields: list[str], by: Attribution | None = None
) -> None:
    # Set before saving: history rows are append-only, so the reason cannot be added afterwards.
    # The reason column holds 100 characters; a full return or void reason is on the row itself.
    election._change_reason = reason[:100]
    try:
        with attributed(election, actor=actor, by=by):
            election.save(update_fields=[*fields, "updated_at"])
    finally:
        del election._change_reason
    # The dashboard's figures change in the same transaction as the status.
    election_figures_update(election_id=election.pk)


def election_submit(*, election: Election, actor) -> Election:
    """draft or returned -> submitted, when every rule R1-R12 that applies before review holds."""
    with transaction.atomic():
        locked = _lock(election)
        _require_role(actor, locked, {Role.OFFICER, Role.SUPERVISOR})
        if locked.status not in EDITABLE_STATUSES:
            raise TransitionError(
                _already_done(locked)
                or _("An election that is %(status)s cannot be submitted.")
                % {"status": locked.get_status_display().lower()}
            )
        problems = rules.submission_problems(locked)
        if problems:
            raise RulesNotMet(_("The record is not complete."), problems=problems)
        resubmission = locked.status == Status.RETURNED
        locked.status = Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
        _save(
            locked,
            actor=actor,
            reason="resubmitted after correction" if resubmission else "submitted for approval",
            fields=["status", "submitted_at", "submitted_by"],
        )
        return locked


def election_void(*, election: Election, actor, reason: str) -> Election:
    """draft or returned -> void: an election started by mistake, kept with its reason."""
    reason = normalize_text(reason, multiline=True)
    if not is_readable_text(reason):
        raise TransitionError(_("Give the reason this election is being voided."))
    with transaction.atomic():
        locked = _lock(election)
        _require_role(actor, locked, {Role.OFFICER, Role.SUPERVISOR})
        if locked.status not in EDITABLE_STATUSES:
            raise TransitionError(
                _already_done(locked)
                or _("An election that is %(status)s cannot be voided.")
                % {"status": locked.get_status_display().lower()}
            )
        locked.status = Status.VOID
        locked.voided_at = timezone.now()
        locked.voided_by = actor
        locked.void_reason = reason
        _save(
            locked,
            actor=actor,
            reason=f"voided: {reason}",
            fields=["status", "voided_at", "voided_by", "void_reason"],
        )
        return locked


# --- Supervisor sign-off (R7) ------------------------------------------------------------------


def review_token(election: Election) -> str:
    """What the review page saw: posted back with approve or return, it tells a stale page."""
    return election.updated_at.isoformat() if election.updated_at else ""


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else _("someone")


def _when(moment, election: Election) -> str:
    """A moment as the records print it: the office's time zone, with its UTC offset."""
    if not moment:  # never for a status the workflow set: each is stamped with its time
        return "—"
    return local_time(moment, election.office.time_zone)


def _already_done(locked: Election) -> str | None:
    """Who moved the election to its present status and when, for the person who acted a
    moment too late (their request waited on the row lock, then found this); None for a draft."""
    if locked.status == Status.SUBMITTED:
        message, who, moment = (
            _("This election was already submitted by %(who)s on %(when)s."),
            locked.submitted_by,
            locked.submitted_at,
        )
    elif locked.status == Status.APPROVED:
        message, who, moment = (
            _("This election was already approved by %(who)s on %(when)s."),
            locked.approved_by,
            locked.approved_at,
        )
    elif locked.status == Status.RETURNED:
        message, who, moment = (
            _("This election was returned to the officer by %(who)s on %(when)s."),
            locked.returned_by,
            locked.returned_at,
        )
    elif locked.status == Status.VOID:
        message, who, moment = (
            _("This election was voided by %(who)s on %(when)s."),
            locked.voided_by,
            locked.voided_at,
        )
    elif locked.status == Status.SUPERSEDED:
        return _("This election was superseded by a later election approved on %(when)s.") % {
            "when": _when(locked.superseded_at, locked)
        }
    else:
        return None
    return message % {"who": _who(who), "when": _when(moment, locked)}


def _require_submitted(locked: Election) -> None:
    """Only an election awaiting approval is approved or returned; say who acted if someone did."""
    if locked.status == Status.SUBMITTED:
        return
    raise StaleReview(
        _already_done(locked)
        or _(
            "Only an election awaiting approval can be approved or returned; this one is "
            "%(status)s."
        )
        % {"status": locked.get_status_display().lower()}
    )


def _require_unchanged(locked: Election, seen_token: str | None) -> None:
    if seen_token is None or seen_token == review_token(locked):
        return
    from .history import reason_label

    last = locked.history.order_by("-history_date", "-history_id").first()
    raise StaleReview(
        _(
            "This election changed after you opened it (%(what)s, by %(who)s on %(when)s). "
            "Review it again before deciding."
        )
        % {
            "what": reason_label(last.history_change_reason or "") if last else "",
            "who": _who(last.history_user if last else None),
            "when": _when(last.history_date if last else locked.updated_at, locked),
        }
    )


def reviewer_conflict(election: Election, user) -> str | None:
    """Why ``user`` may not approve or return this election (R7), in words that say what they
    did: presented it, witnessed it, or signed it in another role; None if they did none."""
    if user is None or user.pk is None:
        return None
    if user.pk == election.presented_by_id:
        return _("You presented this election; another supervisor must review it.")
    if user.pk == election.witness_id:
        return _("You witnessed this election; another supervisor must review it.")
    roles = {s.role for s in election.signatures.all() if s.signer_id == user.pk}
    if SignatureRole.OFFICER in roles:
        return _("You presented this election; another supervisor must review it.")
    if SignatureRole.WITNESS in roles:
        return _("You witnessed this election; another supervisor must review it.")
    if SignatureRole.INTERPRETER in roles:
        return _("You interpreted this election; another supervisor must review it.")
    if roles:
        return _("You signed this election; another supervisor must review it.")
    return None


def _require_independent_reviewer(election: Election, actor) -> None:
    """R7: the supervisor neither presented, witnessed nor signed this election."""
    conflict = reviewer_conflict(election, actor)
    if conflict is not None:
        raise TransitionError(conflict)


def approval_precheck(*, election: Election, actor, password: str, seen_token=None) -> None:
    """What ``election_approve`` checks before it takes the row lock, in the order the
    supervisor needs to hear it: whether the decision is theirs at all (role and office, then
    R7: they neither presented, witnessed nor signed it), whether the page they read is still
    current, and only then their password (a refusal is recorded).

    The review page calls it on its own when the form misses something else, so that a wrong
    password is listed with every other missing part. ``election_approve`` checks it all again
    under the lock."""
    _require_role(actor, election, {Role.SUPERVISOR})
    current = election_queryset_for_rules().get(pk=election.pk)
    _require_independent_reviewer(current, actor)
    _require_submitted(current)
    _require_unchanged(current, seen_token)
    _confirm_password(election=current, actor=actor, password=password)


def _record_refused_attempt(*, election: Election, actor, outcome: str) -> None:
    # Its own transaction, outside the approval's, so the record survives the refusal.
    with transaction.atomic():
        ApprovalAttempt.objects.create(election=election, actor=actor, outcome=outcome)
    logger.warning(
        "approval refused: %s; election %s; supervisor %s",
        outcome,
        election.reference,
        actor.get_username(),
    )


def _confirm_password(*, election: Election, actor, password: str) -> None:
    """R6/R7: the supervisor signs by re-entering their password. Refusals are recorded, and
    repeated wrong passwords lock approval for the same time as a failed sign-in does."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", timedelta(minutes=15))
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 5)
    recent_failures = ApprovalAttempt.objects.filter(
        actor=actor,
        outcome=ApprovalAttempt.Outcome.WRONG_PASSWORD,
        attempted_at__gte=timezone.now() - cooloff,
    ).count()
    if recent_failures >= limit:
        _record_refused_attempt(
            election=election, actor=actor, outcome=ApprovalAttempt.Outcome.THROTTLED
        )
        raise PasswordNotConfirmed(
            _("Too many wrong passwords. Approval is locked for you for a while; try again later.")
        )
    if not password:
        _record_refused_attempt(
            election=election, actor=actor, outcome=ApprovalAttempt.Outcome.NO_PASSWORD
        )
        raise PasswordNotConfirmed(_("Re-enter your password to approve."))
    if not actor.check_password(password):
        _record_refused_attempt(
            election=election, actor=actor, outcome=ApprovalAttempt.Outcome.WRONG_PASSWORD
        )
        raise PasswordNotConfirmed(_("That password is not correct. The attempt was recorded."))


# --- The seal made at approval ---------------------------------------------------------------
# Sealing lives in ``elections.records``, a layer above this core (pyproject.toml's contracts),
# yet it must run inside the approval's transaction. So records plugs its sealer in here at
# start-up (``elections.apps``); approval without one is refused, never approved unsealed.

_sealer = None


def approval_sealer_set(sealer) -> None:
    """Install ``sealer(election=...)``, called inside ``election_approve``'s transaction."""
    global _sealer
    _sealer = sealer


def _seal_approved(election: Election) -> None:
    if _sealer is None:
        raise ImproperlyConfigured(
            "No sealer is installed: elections.apps installs it at start-up."
        )
    _sealer(election=election)


def election_approve(
    *,
    election: Election,
    actor,
    password: str,
    attestation_confirmed: bool,
    acknowledged_warnings,
    seen_token: str | None = None,
) -> Election:
    """submitted -> approved: the supervisor's acknowledgement (R7).

    Refused unless the actor is a supervisor of the election's office who neither presented,
    witnessed nor signed it, re-entered their password (a missing or wrong one is recorded as an
    ``ApprovalAttempt`` and logged), confirmed the attestation, and acknowledged every warning by
    its code. The rules are run again. ``seen_token`` (``review_token`` of the page the
    supervisor read) refuses a decision made on a page that is no longer current. If the election
    replaces an earlier one, that one is marked superseded in the same transaction (R9).
    """
    approval_precheck(election=election, actor=actor, password=password, seen_token=seen_token)
    with transaction.atomic():
        locked = _lock(election)
        _require_independent_reviewer(locked, actor)
        _require_submitted(locked)
        _require_unchanged(locked, seen_token)
        problems = rules.submission_problems(locked)
        if problems:
            raise RulesNotMet(
                _("The record is not complete; return it to the officer."), problems=problems
            )
        acknowledged = set(acknowledged_warnings or ())
        with override("en"):
            warnings = [
                {"rule": w.rule, "code": w.code, "message": str(w.message)}
                for w in rules.warnings(locked)
            ]
        if any(w["code"] not in acknowledged for w in warnings):
            raise TransitionError(_("Acknowledge each warning before approving."))
        if not attestation_confirmed:
            raise TransitionError(_("Confirm the attestation to approve."))
        locked.status = Status.APPROVED
        locked.approved_at = timezone.now()
        locked.approved_by = actor
        with override("en"):
            locked.approval_attestation = str(APPROVAL_ATTESTATION)
        locked.acknowledged_warnings = warnings
        _save(
            locked,
            actor=actor,
            reason="approved",
            fields=[
                "status",
                "approved_at",
                "approved_by",
                "approval_attestation",
                "acknowledged_warnings",
            ],
            by=by_staff_with_password(actor),
        )

        # --- Follow-up work, in the same transaction ---------------------------------------
        # From here on the election row is locked (R9): follow-up work writes its own rows.
        if locked.supersedes_id is not None:
            election_supersede(election=locked.supersedes, replacement=locked, actor=actor)
        # The sealed PDF is made here, from the state just approved: if rendering, sealing or
        # storing fails, SealingFailed rolls the approval back with it (never approved without
        # its PDF). The superseded election keeps the PDF it was approved with.
        _seal_approved(locked)

        reference, username = locked.reference, actor.get_username()
        transaction.on_commit(
            lambda: logger.info("election %s approved by %s", reference, username)
        )
        return locked


def election_supersede(*, election: Election, replacement: Election, actor) -> Election:
    """approved -> superseded: the parent changed their mind and ``replacement``, just approved,
    takes this election's place (R9). Called by ``election_approve`` inside its transaction; the
    old record is never edited, only marked. The one write the lock guards allow on an approved
    election."""
    if replacement.status != Status.APPROVED or replacement.supersedes_id != election.pk:
        raise TransitionError(
            _("An election is superseded only when the election replacing it is approved.")
        )
    previous = Election.objects.select_for_update().select_related("office").get(pk=election.pk)
    if previous.status != Status.APPROVED:
        raise TransitionError(
            _("Only an approved election can be superseded; this one is %(status)s.")
            % {"status": previous.get_status_display().lower()}
        )
    previous.status = Status.SUPERSEDED
    previous.superseded_at = replacement.approved_at
    with allow_supersede(previous.pk):
        _save(
            previous,
            actor=actor,
            reason=f"superseded by {replacement.reference}",
            fields=["status", "superseded_at"],
        )
    return previous


def election_return(*, election: Election, actor, reason: str, seen_token: str | None = None):
    """submitted -> returned, with the reason the officer sees on their home page (R7).

    The officer corrects the record and submits again (``election_submit``); the history keeps
    every round. Same role, office, separation-of-duties and staleness checks as approval.
    """
    reason = normalize_text(reason, multiline=True)
    if not is_readable_text(reason):
        raise TransitionError(_("Give the reason the election is returned; the officer sees it."))
    _require_role(actor, election, {Role.SUPERVISOR})
    with transaction.atomic():
        locked = _lock(election)
        _require_independent_reviewer(locked, actor)
        _require_submitted(locked)
        _require_unchanged(locked, seen_token)
        locked.status = Status.RETURNED
        locked.returned_at = timezone.now()
        locked.returned_by = actor
        locked.return_reason = reason
        _save(
            locked,
            actor=actor,
            reason=f"returned: {reason}",
            fields=["status", "returned_at", "returned_by", "return_reason"],
        )
        return locked
