"""Writes to a draft or returned election, one function per step of the officer's flow.

Every function is keyword-only, atomic, locks the election row, refuses anything but an editable
election in the actor's office, stamps server time, and leaves a history entry naming the step
and who performed it: the actor, or the parent, the interpreter or a staff member re-entering
their password on the actor's tablet (``attribution``). A change to something the parent
already heard or signed throws away what depends on it (the notice delivery, the choices, the
signatures) so a signature only ever covers the record as it stands.
"""

from dataclasses import dataclass, replace
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from . import figures, rules
from .attribution import BY_PARENT, Attribution, attributed, by_interpreter, by_staff_with_password
from .constants import (
    INTERPRETER_MODES,
    NO_ELECTION_METHODS,
    Decision,
    DeliveryMode,
    Role,
    SignatureMethod,
    SignatureRole,
    Status,
)
from .identifiers import format_a_number, normalize_a_number, normalize_optional_a_number
from .languages import language_name_in_text
from .models import (
    Child,
    Election,
    ElectionChild,
    Facility,
    Interpreter,
    Parent,
    ParentChild,
    Signature,
)
from .names import (
    clean_person_name,
    clean_printed_text,
    is_readable_text,
    is_visible_name,
    name_key,
    normalize_text,
)
from .notices import notice_mark_shown
from .selectors import (
    EDITOR_ROLES,
    current_approved_election,
    current_notice,
    election_queryset_for_rules,
    open_election_for_parent,
    staff_profile_for,
)
from .workflow import TransitionError

# What each signature means, in the words printed beside it (R6). English is stored; the
# translation shown to the signer is stored too.
SIGNATURE_MEANINGS = {
    SignatureRole.PARENT: _(
        "I was told about my choices in a language I understand. The choice recorded for each of "
        "my children is my own and I made it voluntarily."
    ),
    SignatureRole.INTERPRETER: _(
        "I interpreted the notice, the choices and the parent's answers completely and faithfully."
    ),
    SignatureRole.WITNESS: _(
        "I was present when the notice was given and saw the parent make their choice and sign."
    ),
    SignatureRole.OFFICER: _(
        "I presented the notice and the three options to the parent and recorded their choice as "
        "they made it."
    ),
}
PARENT_NO_SIGNATURE_MEANING = _(
    "The parent did not sign. No choice is recorded; this is not a waiver and removal stays blocked."
)

# What is typed and printed on the record, as named in the message when it cannot be read
# (elections.names). Person names must have letters (R1, R2, R4); the rest is cleaned the same way.
PRINTED_FIELDS = {
    "parent_name": _("The parent's full name"),
    "child_name": _("The child's full name"),
    "interpreter_name": _("The interpreter's full name"),
    "identity_document": _("The document or record checked"),
    "location_name": _("The name and city of the placement"),
    "interpreter_id": _("The interpreter's ID number or employer"),
    "operator_id": _("The telephone operator ID"),
    "legal_contact": _("The legal contact"),
}


def _lock_editable(election: Election, actor) -> Election:
    profile = staff_profile_for(user=actor)
    if (
        profile is None
        or profile.role not in EDITOR_ROLES
        or profile.office_id != election.office_id
    ):
        raise TransitionError(_("You are not allowed to do this for this election."))
    # Locked so two tablets saving the same draft write one after the other.
    locked = election_queryset_for_rules().select_for_update(of=("self",)).get(pk=election.pk)
    if not locked.is_editable:
        raise TransitionError(
            _("This election is %(status)s and can no longer be changed.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _save(
    instance,
    *,
    actor,
    reason: str,
    fields: list[str] | None = None,
    by: Attribution | None = None,
) -> None:
    """Save with its history entry: the reason, and who performed it (``by``, when it is not
    ``actor``, the user signed in on the tablet: the parent, an interpreter, a password)."""
    # Set before saving: history rows are append-only, so the reason cannot be added afterwards.
    instance._change_reason = reason[:100]
    try:
        with attributed(instance, actor=actor, by=by):
            if fields is None:
                instance.save()
            else:
                instance.save(update_fields=fields)
    finally:
        del instance._change_reason
    _figures_update(instance, fields)


def _delete(instance, *, actor, reason: str, by: Attribution | None = None) -> None:
    instance._change_reason = reason
    election_id = instance.election_id if isinstance(instance, ElectionChild) else None
    with attributed(instance, actor=actor, by=by):
        instance.delete()
    if election_id is not None:
        figures.election_figures_update(election_id=election_id)


def _figures_update(instance, fields: list[str] | None) -> None:
    """A returned election's edits change the dashboard's figures in the same transaction
    (a draft never submitted counts nowhere, for one query)."""
    if isinstance(instance, Election):
        figures.election_figures_update(election_id=instance.pk)
    elif isinstance(instance, ElectionChild):
        figures.election_figures_update(election_id=instance.election_id)
    elif isinstance(instance, Parent) and (fields is None or "primary_language" in fields):
        figures.parent_figures_update(parent_id=instance.pk)


def _reset_signatures(election: Election, *, actor, why: str, by: Attribution | None = None):
    for signature in list(election.signatures.all()):
        # The prefetched list outlives a first reset in the same step (a refusal clears the
        # signatures, then the decisions and their signatures); deleted rows have no pk left.
        if signature.pk is not None:
            _delete(signature, actor=actor, reason=f"signature cleared: {why}", by=by)


def _reset_decisions(election: Election, *, actor, why: str, by: Attribution | None = None):
    _reset_signatures(election, actor=actor, why=why, by=by)
    for item in election.covered.all():
        if item.decision or item.decided_at:
            item.decision = None
            item.decided_at = None
            _save(
                item,
                actor=actor,
                reason=f"choice cleared: {why}",
                fields=["decision", "decided_at"],
                by=by,
            )


def _reset_notice_delivery(election: Election, *, actor, why: str) -> None:
    """The parent must hear the notice again, choose again and sign again."""
    _reset_decisions(election, actor=actor, why=why)
    if election.notice_delivered_at is not None:
        election.notice_delivered_at = None
        _save(
            election,
            actor=actor,
            reason=f"notice to be given again: {why}",
            fields=["notice_delivered_at", "updated_at"],
        )


# --- Step 1: the parent ---------------------------------------------------------------------


@dataclass
class ParentData:
    a_number: str
    full_name: str
    date_of_birth: date
    country_of_citizenship: str
    primary_language: str


def _clean_parent(parent: ParentData) -> ParentData:
    return replace(
        parent,
        a_number=normalize_a_number(parent.a_number),
        full_name=clean_person_name(
            parent.full_name, field=PRINTED_FIELDS["parent_name"], max_length=200
        ),
    )


def parent_data_of(parent: Parent) -> ParentData:
    """A recorded parent's details as the start of an election takes them."""
    return ParentData(**{name: getattr(parent, name) for name in ParentData.__dataclass_fields__})


def election_start(*, actor, parent: ParentData) -> tuple[Election, bool]:
    """Find or create the parent by A-number and open a draft for them in the actor's office.

    If the parent already has an election in progress in this office, that one is returned
    instead (``created`` is False) so nobody starts the same record twice. If the parent has an
    approved election, the new one is recorded as replacing it (R9).
    """
    profile = staff_profile_for(user=actor)
    if profile is None or profile.role not in EDITOR_ROLES:
        raise TransitionError(_("Only officers and supervisors can start an election."))
    parent = _clean_parent(parent)
    with transaction.atomic():
        existing = Parent.objects.select_for_update().filter(a_number=parent.a_number).first()
        if existing is None:
            record = Parent(**parent.__dict__)
            _save(record, actor=actor, reason="parent recorded")
        else:
            record = existing
            open_election = open_election_for_parent(parent=record, office=profile.office)
            if open_election is not None:
                return open_election, False
        replaces = current_approved_election(parent=record)
        if replaces is not None and hasattr(replaces, "superseded_by"):
            replaces = None
        election = Election(
            office=profile.office,
            parent=record,
            presented_by=actor,
            supersedes=replaces,
        )
        _save(
            election,
            actor=actor,
            reason="election started" + (f" to replace {replaces.reference}" if replaces else ""),
        )
        return election, True


def election_start_recorded(*, actor, parent: Parent) -> tuple[Election, bool]:
    """Start the election of a parent formsvc already knows (registered by the case system, or
    recorded for an earlier election) from the recorded details, with every minor child linked
    to them put on it (``_cover_recorded_children``); one step, so the officer only confirms.

    As ``election_start``: an election in progress is returned instead (``created`` False).
    """
    with transaction.atomic():
        election, created = election_start(actor=actor, parent=parent_data_of(parent))
        if created:
            _cover_recorded_children(
                election, actor=actor, today=timezone.localdate(timezone=election.office.tz)
            )
        return election, created


def _cover_recorded_children(election: Election, *, actor, today: date) -> list[ElectionChild]:
    """Put every minor child recorded for the parent on a new election, oldest first.

    Only the link is new: the child's placement and the relationship with its evidence are the
    recorded ones, for the officer to confirm or correct on the children step. A child who is 18
    or older today is left off (the children step says so, ``adult_children``).
    """
    links = (
        ParentChild.objects.filter(parent_id=election.parent_id)
        .select_related("child")
        .order_by("child__date_of_birth", "child__full_name", "pk")
    )
    items = []
    for link in links:
        if rules.age_on(link.child.date_of_birth, today) >= 18:
            continue
        item = ElectionChild(election=election, child=link.child, position=len(items))
        _save(item, actor=actor, reason="recorded child added to election")
        items.append(item)
    return items


def election_update_parent(
    *,
    election: Election,
    actor,
    parent: ParentData,
    facility: Facility,
    identity_method: str,
    identity_document: str,
) -> Election:
    """R1: the parent's details and how their identity was verified, stamped with who and when."""
    with transaction.atomic():
        locked = _lock_editable(election, actor)
        parent = _clean_parent(parent)
        identity_document = clean_printed_text(
            identity_document,
            field=PRINTED_FIELDS["identity_document"],
            digits_suffice=True,
            max_length=200,
        )
        if facility.office_id != locked.office_id:
            raise ValidationError(_("Choose a facility of your field office."))
        record = locked.parent
        changed_parent = [
            name for name, value in parent.__dict__.items()
            if name != "a_number" and getattr(record, name) != value
        ]  # fmt: skip
        if parent.a_number != record.a_number:
            raise ValidationError(
                _("The A-number of an election cannot be changed; void it and start a new one.")
            )
        if changed_parent:
            for name in changed_parent:
                setattr(record, name, parent.__dict__[name])
            _save(record, actor=actor, reason="parent details corrected")
            _reset_notice_delivery(locked, actor=actor, why="parent details changed")
        identity_changed = (
            locked.identity_method,
            locked.identity_document,
            locked.facility_id,
        ) != (
            identity_method,
            identity_document,
            facility.pk,
        )
        if identity_changed or locked.identity_verified_by_id is None:
            locked.identity_method = identity_method
            locked.identity_document = identity_document
            locked.facility = facility
            locked.identity_verified_by = actor
            locked.identity_verified_at = timezone.now()
            _save(locked, actor=actor, reason="parent identity verified")
        return locked


# --- Step 2: the children -------------------------------------------------------------------


@dataclass
class ChildData:
    full_name: str
    date_of_birth: date
    a_number: str | None
    location_kind: str
    location_name: str
    relationship: str
    evidence: str
    evidence_note: str


def _clean_child(data: ChildData) -> ChildData:
    return replace(
        data,
        full_name=clean_person_name(
            data.full_name, field=PRINTED_FIELDS["child_name"], max_length=200
        ),
        a_number=normalize_optional_a_number(data.a_number),
        location_name=clean_printed_text(
            data.location_name, field=PRINTED_FIELDS["location_name"], max_length=200
        ),
        evidence_note=_optional_text(data.evidence_note, max_length=300),
    )


def _optional_text(value, *, max_length: int) -> str:
    text = normalize_text(value)
    MaxLengthValidator(max_length)(text)
    return text


def election_add_child(*, election: Election, actor, data: ChildData) -> ElectionChild:
    """R2: add a child to the election, linking them to the parent with the verified relationship."""
    with transaction.atomic():
        locked = _lock_editable(election, actor)
        data = _clean_child(data)
        today = timezone.localdate(timezone=locked.office.tz)
        if data.date_of_birth > today:
            raise ValidationError(
                _("The date of birth cannot be in the future."), code="dob_future"
            )
        from .rules import age_on

        if age_on(data.date_of_birth, today) >= 18:
            raise ValidationError(
                _("This child is 18 or older; the election covers minor children only."),
                code="not_minor",
            )
        for item in locked.covered.all():
            same_a = data.a_number and item.child.a_number == data.a_number
            same_person = (
                name_key(item.child.full_name) == name_key(data.full_name)
                and item.child.date_of_birth == data.date_of_birth
            )
            if same_a or same_person:
                raise ValidationError(
                    _("%(name)s is already on this election.") % {"name": item.child.full_name},
                    code="duplicate",
                )
        child = Child.objects.filter(a_number=data.a_number).first() if data.a_number else None
        if child is None:
            child = Child(
                a_number=data.a_number or None,
                full_name=data.full_name,
                date_of_birth=data.date_of_birth,
            )
        elif (name_key(child.full_name), child.date_of_birth) != (
            name_key(data.full_name),
            data.date_of_birth,
        ):
            # The A-number already belongs to a recorded child (perhaps through the other
            # parent): a different name or birth date means a typo in one of them, not a rename.
            raise ValidationError(
                _(
                    "A-number %(a_number)s is already recorded for %(name)s, born %(dob)s. "
                    "Check the A-number, or leave it empty if it is not known."
                )
                % {
                    "a_number": format_a_number(child.a_number),
                    "name": child.full_name,
                    "dob": child.date_of_birth.isoformat(),
                },
                code="a_number_taken",
            )
        child.location_kind = data.location_kind
        child.location_name = data.location_name
        _save(child, actor=actor, reason="child recorded")
        link = ParentChild.objects.filter(parent=locked.parent, child=child).first() or ParentChild(
            parent=locked.parent, child=child
        )
        link.relationship = data.relationship
        link.evidence = data.evidence
        link.evidence_note = data.evidence_note
        _save(link, actor=actor, reason="relationship to parent recorded")
        item = ElectionChild(election=locked, child=child, position=len(locked.covered.all()))
        try:
            with transaction.atomic():
                _save(item, actor=actor, reason="child added to election")
        except IntegrityError:
            raise ValidationError(
                _("%(name)s is already on this election.") % {"name": child.full_name},
                code="duplicate",
            ) from None
        _reset_notice_delivery(locked, actor=actor, why="child added")
        return item


def election_remove_child(*, election: Election, actor, item_id: int) -> None:
    with transaction.atomic():
        locked = _lock_editable(election, actor)
        item = next((c for c in locked.covered.all() if c.pk == item_id), None)
        if item is None:
            raise ValidationError(_("That child is not on this election."))
        _reset_notice_delivery(locked, actor=actor, why="child removed")
        _delete(item, actor=actor, reason="child removed from election")


# --- Step 3: the notice, interpreter and witness --------------------------------------------


@dataclass
class InterpreterData:
    full_name: str
    id_or_employer: str
    language: str
    operator_id: str


def _clean_interpreter(interpreter: InterpreterData, *, telephone: bool) -> InterpreterData:
    """R4: the interpreter's name, and what identifies them, as printed on the record."""
    return replace(
        interpreter,
        full_name=clean_person_name(
            interpreter.full_name, field=PRINTED_FIELDS["interpreter_name"], max_length=200
        ),
        id_or_employer=clean_printed_text(
            interpreter.id_or_employer,
            field=PRINTED_FIELDS["interpreter_id"],
            digits_suffice=True,
            max_length=200,
        ),
        operator_id=clean_printed_text(
            interpreter.operator_id,
            field=PRINTED_FIELDS["operator_id"],
            digits_suffice=True,
            max_length=64,
        )
        if telephone
        else "",
    )


def election_set_notice(
    *,
    election: Election,
    actor,
    language: str,
    delivery_mode: str,
    interpreter: InterpreterData | None,
    witness,
) -> Election:
    """R3/R4/R6: which notice is shown, how it reaches the parent, who interprets and who witnesses."""
    with transaction.atomic():
        locked = _lock_editable(election, actor)
        version = current_notice(language=language)
        english = current_notice(language="en")
        if version is None or english is None:
            raise ValidationError(_("There is no notice in that language."))
        primary = locked.parent.primary_language
        if language != primary and rules.notice_exists_in(primary):
            # R10: interpreting from another language is only for languages with no notice.
            raise ValidationError(
                _(
                    "The notice is written in %(language)s, the parent's primary language: "
                    "choose that notice."
                )
                % {"language": language_name_in_text(primary)},
                code="notice_not_in_parent_language",
            )
        if language != locked.parent.primary_language and delivery_mode not in INTERPRETER_MODES:
            raise ValidationError(
                _(
                    "The parent's primary language is not the notice language: choose an "
                    "interpreter in person or by telephone."
                ),
                code="interpreter_required",
            )
        if delivery_mode in INTERPRETER_MODES and interpreter is None:
            raise ValidationError(
                _("Record the interpreter's details."), code="interpreter_missing"
            )
        if delivery_mode in INTERPRETER_MODES:
            interpreter = _clean_interpreter(
                interpreter, telephone=delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE
            )
        if witness is None or witness.pk == locked.presented_by_id:
            raise ValidationError(
                _("The witness cannot be the presenting officer."), code="witness_is_presenter"
            )
        witness_profile = staff_profile_for(user=witness)
        if (
            witness_profile is None
            or witness_profile.office_id != locked.office_id
            or witness_profile.role == Role.AUDITOR
        ):
            raise ValidationError(_("Choose a witness from your field office."))

        notice_changed = (locked.notice_version_id, locked.delivery_mode) != (
            version.pk,
            delivery_mode,
        )
        if notice_changed:
            _reset_notice_delivery(locked, actor=actor, why="notice or delivery changed")
        elif locked.witness_id != witness.pk:
            _reset_signatures(locked, actor=actor, why="witness changed")
        locked.notice_language = language
        locked.notice_version = version
        locked.notice_version_en = english
        locked.delivery_mode = delivery_mode
        locked.witness = witness
        _save(locked, actor=actor, reason="notice, delivery and witness chosen")

        current = getattr(locked, "interpreter", None)
        if delivery_mode in INTERPRETER_MODES:
            record = current or Interpreter(election=locked)
            values = interpreter.__dict__
            if current is None or any(getattr(record, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(record, key, value)
                _save(record, actor=actor, reason="interpreter recorded")
                if current is not None and not notice_changed:
                    _reset_signatures(locked, actor=actor, why="interpreter changed")
        elif current is not None:
            _delete(current, actor=actor, reason="interpreter removed: no longer used")
        return locked


# --- Step 4: the parent's screens ------------------------------------------------------------


def election_record_notice_shown(*, election: Election, actor) -> Election:
    """R3/R8: the server's time when the notice first appeared on the parent's screen."""
    with transaction.atomic():
        locked = _lock_editable(election, actor)
        if locked.notice_version is None:
            raise ValidationError(_("Choose the notice language first."))
        if locked.notice_delivered_at is None:
            locked.notice_delivered_at = timezone.now()
            _save(
                locked,
                actor=actor,
                reason="notice shown to the parent",
                fields=["notice_delivered_at", "updated_at"],
                by=BY_PARENT,
            )
            notice_mark_shown(versions=[locked.notice_version, locked.notice_version_en])
        return locked


def election_record_decisions(*, election: Election, actor, decisions: dict[int, str]) -> Election:
    """R5/R11: the parent's own choice for each child, each stamped with the server's time."""
    with transaction.atomic():
        locked = _lock_editable(election, actor)
        if locked.notice_delivered_at is None:
            raise ValidationError(_("The notice must be shown to the parent before they choose."))
        covered = list(locked.covered.all())
        # Only the three options count as a choice (R5); anything else is no choice at all.
        missing = [
            item.child.full_name
            for item in covered
            if decisions.get(item.pk) not in Decision.values
        ]
        if missing:
            raise ValidationError(
                _("Choose one option for each child: %(names)s.") % {"names": ", ".join(missing)},
                code="no_decision",
            )
        now = timezone.now()
        changed = False
        for item in covered:
            if item.decision != decisions[item.pk]:
                item.decision = decisions[item.pk]
                item.decided_at = now
                _save(
                    item,
                    actor=actor,
                    reason=f"parent chose {item.decision}",
                    fields=["decision", "decided_at"],
                    by=BY_PARENT,
                )
                changed = True
        if changed:
            _reset_signatures(locked, actor=actor, why="choices changed", by=BY_PARENT)
        return locked


def election_record_legal_contact(*, election: Election, actor, text: str) -> Election:
    """R5: the lawyer or legal service the officer gave a parent who chose to consult first."""
    with transaction.atomic():
        locked = _lock_editable(election, actor)
        if not normalize_text(text, multiline=True):
            raise ValidationError(
                _("Write down the legal contact given to the parent."), code="required"
            )
        text = clean_printed_text(
            text, field=PRINTED_FIELDS["legal_contact"], multiline=True, max_length=2000
        )
        if text != locked.legal_contact_given:
            locked.legal_contact_given = text
            _save(
                locked,
                actor=actor,
                reason="legal contact recorded",
                fields=["legal_contact_given", "updated_at"],
            )
        return locked


def election_sign_parent(
    *,
    election: Election,
    actor,
    method: str,
    image: tuple[bytes, str] | None,
    reason: str,
    covers: str,
) -> Signature:
    """R6/R12: the parent's signature or mark, or the record that they did not sign and why.

    ``covers`` is the ``rules.parent_consent_digest`` the signing page was shown with: the
    signature is refused unless the notice and decisions are still exactly those, so a drawing
    made for one set of choices never stands for another (a replayed or stale page).

    A refusal or inability to sign records no election: the choices made on screen are cleared
    so nothing can be read as a waiver.
    """
    with transaction.atomic():
        locked = _lock_editable(election, actor)
        if locked.notice_delivered_at is None:
            raise ValidationError(_("The notice must be shown to the parent first."))
        if not covers or covers != rules.parent_consent_digest(locked):
            raise ValidationError(
                _(
                    "The choices changed after this page was shown. Please check your choices "
                    "again and sign again."
                ),
                code="stale",
            )
        no_election = method in NO_ELECTION_METHODS
        if method in (SignatureMethod.DRAWN, SignatureMethod.MARK):
            if image is None:
                raise ValidationError(
                    _("The signature pad is empty. Please sign in the box."), code="blank"
                )
            if any(not item.decision for item in locked.covered.all()):
                raise ValidationError(_("The parent has not chosen for every child yet."))
        elif no_election:
            reason = normalize_text(reason, multiline=True)
            if not is_readable_text(reason):
                raise ValidationError(_("Write down why the parent did not sign."), code="reason")
        else:
            raise ValidationError(_("Choose how the parent signs."))
        _reset_signatures(locked, actor=actor, why="parent signs again", by=BY_PARENT)
        if no_election:
            _reset_decisions(
                locked,
                actor=actor,
                why="parent did not sign: no election recorded",
                by=BY_PARENT,
            )
        meaning_en, meaning_shown = _meanings(
            PARENT_NO_SIGNATURE_MEANING
            if no_election
            else SIGNATURE_MEANINGS[SignatureRole.PARENT],
            locked.notice_language,
        )
        signature = Signature(
            election=locked,
            role=SignatureRole.PARENT,
            method=method,
            printed_name=locked.parent.full_name,
            image=image[0] if image else None,
            image_sha256=image[1] if image else "",
            reason=reason if no_election else "",
            meaning=meaning_en,
            meaning_translated=meaning_shown,
            signed_at=timezone.now(),
            # After a refusal cleared the choices: what is bound is the record as it now stands.
            covers_sha256=rules.parent_consent_digest(locked),
        )
        _save(signature, actor=actor, reason=f"parent signature: {method}", by=BY_PARENT)
        return signature


def election_consent_digest(*, election: Election) -> str:
    """What a signing page shows the parent for ``election`` as stored now, as the digest the
    page carries back (``rules.parent_consent_digest``)."""
    return rules.parent_consent_digest(election_queryset_for_rules().get(pk=election.pk))


def _meanings(text, language: str) -> tuple[str, str]:
    """The meaning of a signature in English (stored) and as shown to the signer."""
    with override("en"):
        english = str(text)
    with override(language or "en"):
        shown = str(text)
    return english, shown


def election_sign_interpreter(
    *, election: Election, actor, image: tuple[bytes, str] | None
) -> Signature:
    """R4/R6: an in-person interpreter signs on the pad; a telephone interpreter's attestation is
    recorded by the officer with the operator ID."""
    with transaction.atomic():
        locked = _lock_editable(election, actor)
        interpreter = getattr(locked, "interpreter", None)
        if interpreter is None or locked.delivery_mode not in INTERPRETER_MODES:
            raise ValidationError(_("This election has no interpreter."))
        telephone = locked.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE
        if not telephone and image is None:
            raise ValidationError(
                _("The signature pad is empty. Please sign in the box."), code="blank"
            )
        # In the room the interpreter signs on the tablet; a telephone attestation is the officer's.
        by = None if telephone else by_interpreter(interpreter.full_name)
        for existing in locked.signatures.all():
            if existing.role == SignatureRole.INTERPRETER:
                _delete(existing, actor=actor, reason="interpreter signs again", by=by)
        english, shown = _meanings(
            SIGNATURE_MEANINGS[SignatureRole.INTERPRETER], locked.notice_language
        )
        signature = Signature(
            election=locked,
            role=SignatureRole.INTERPRETER,
            method=SignatureMethod.TELEPHONE if telephone else SignatureMethod.DRAWN,
            printed_name=interpreter.full_name,
            image=None if telephone else image[0],
            image_sha256="" if telephone else image[1],
            reason=(
                f"Attested by telephone, operator ID {interpreter.operator_id}" if telephone else ""
            ),
            meaning=english,
            meaning_translated=shown,
            signer=actor if telephone else None,
            signed_at=timezone.now(),
        )
        _save(signature, actor=actor, reason="interpreter attestation", by=by)
        return signature


def staff_printed_name(user) -> str:
    """R6: the name printed under a staff signature: the full name, else the username.

    Staff names come from the accounts, typed by whoever administers them; they are cleaned as
    any other name, and an account with nothing readable in either cannot sign.
    """
    full_name = normalize_text(user.get_full_name())
    if is_visible_name(full_name):
        return full_name[:200]
    username = normalize_text(user.get_username())
    if is_readable_text(username, digits_suffice=True):
        return username[:200]
    raise ValidationError(
        _(
            "The account %(username)s has no readable name to print under the signature; ask an "
            "administrator to record the staff member's full name."
        )
        % {"username": username or user.pk},
        code="staff_name_unreadable",
    )


def election_sign_staff(
    *,
    election: Election,
    actor,
    role: SignatureRole,
    signer_username: str,
    password: str,
    image: tuple[bytes, str] | None,
) -> Signature:
    """R6: the witness and the presenting officer sign by drawing and re-entering their password."""
    if role not in (SignatureRole.WITNESS, SignatureRole.OFFICER):
        raise ValidationError(_("Only the witness and the officer sign with a password."))
    with transaction.atomic():
        locked = _lock_editable(election, actor)
        expected = locked.witness if role == SignatureRole.WITNESS else locked.presented_by
        if expected is None:
            raise ValidationError(_("Choose the witness first."))
        user = get_user_model().objects.filter(username=signer_username, is_active=True).first()
        if user is None or user.pk != expected.pk or not user.check_password(password):
            raise ValidationError(
                _("That username and password do not match the %(role)s of this election.")
                % {"role": SignatureRole(role).label.lower()},
                code="password",
            )
        if image is None:
            raise ValidationError(
                _("The signature pad is empty. Please sign in the box."), code="blank"
            )
        parent = next((s for s in locked.signatures.all() if s.role == SignatureRole.PARENT), None)
        if parent is None:
            raise ValidationError(_("The parent signs first."))
        by = by_staff_with_password(user)
        for existing in locked.signatures.all():
            if existing.role == role:
                _delete(existing, actor=actor, reason=f"{role} signs again", by=by)
        english, shown = _meanings(SIGNATURE_MEANINGS[role], get_language())
        signature = Signature(
            election=locked,
            role=role,
            method=SignatureMethod.DRAWN,
            printed_name=staff_printed_name(user),
            signer=user,
            image=image[0],
            image_sha256=image[1],
            password_confirmed=True,
            meaning=english,
            meaning_translated=shown,
            signed_at=timezone.now(),
        )
        _save(signature, actor=actor, reason=f"{role} signed with password", by=by)
        return signature


def is_open_for_parent(election: Election) -> bool:
    return election.status in (Status.DRAFT, Status.RETURNED)
