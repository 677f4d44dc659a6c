"""The only way an election's status changes (DESIGN.md §4).

Each transition runs in one transaction, re-reads the row under ``select_for_update()`` so two
people acting at once are serialised (the second sees the first one's result and is refused),
checks the actor's role and office, runs the rules, stamps who and when, and writes a history
entry with the change reason.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import update_change_reason

from . import rules
from .constants import EDITABLE_STATUSES, Role, Status
from .models import Election
from .selectors import election_queryset_for_rules, staff_profile_for


class TransitionError(Exception):
    """A transition that may not happen; the message is translated and safe to show."""

    def __init__(self, message, *, problems: list[rules.Problem] | None = None):
        super().__init__(str(message))
        self.message = message
        self.problems = problems or []


class RulesNotMet(TransitionError):
    pass


def _lock(election: Election) -> Election:
    # The row lock makes the status check and the write one step: a second submit or a
    # supervisor acting at the same moment waits here and then sees the new status.
    return election_queryset_for_rules().select_for_update(of=("self",)).get(pk=election.pk)


def _require_role(actor, election: Election, roles: set[str]) -> None:
    profile = staff_profile_for(user=actor)
    if profile is None or profile.role not in roles or profile.office_id != election.office_id:
        raise TransitionError(_("You are not allowed to do this for this election."))


def _save(election: Election, *, actor, reason: str, fields: list[str]) -> None:
    election._history_user = actor
    election.save(update_fields=[*fields, "updated_at"])
    update_change_reason(election, reason)


def election_submit(*, election: Election, actor) -> Election:
    """draft or returned -> submitted, when every rule R1-R12 that applies before review holds."""
    with transaction.atomic():
        locked = _lock(election)
        _require_role(actor, locked, {Role.OFFICER, Role.SUPERVISOR})
        if locked.status == Status.SUBMITTED:
            raise TransitionError(
                _("This election was already submitted on %(when)s.")
                % {
                    "when": timezone.localtime(locked.submitted_at, locked.office.tz).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                }
            )
        if locked.status not in EDITABLE_STATUSES:
            raise TransitionError(
                _("An election that is %(status)s cannot be submitted.")
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
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Give the reason this election is being voided."))
    with transaction.atomic():
        locked = _lock(election)
        _require_role(actor, locked, {Role.OFFICER, Role.SUPERVISOR})
        if locked.status not in EDITABLE_STATUSES:
            raise TransitionError(
                _("An election that is %(status)s cannot be voided.")
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
