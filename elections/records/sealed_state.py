"""An approved election as its sealed snapshot states it, for every page that shows it (R9).

The parent, the children and their relationship rows are shared between a parent's elections,
and a later election may correct them; staff members' names and the office's details can
change too. What was approved is the snapshot stored with the sealed PDF (``snapshot.py``,
``sealing.py``). So an approved or superseded record is shown from that snapshot, never from the
shared rows as they stand today: the PDF is rendered from it at approval, and the officer's
summary, the supervisor's review and the auditor's record page read it back from the stored
JSON through the same function, ``election_as_sealed``.

That function rebuilds, from the snapshot's facts, the objects the record template, the
checklist and the rules read: the election's stamps, its parent, children, relationships,
decisions, notice versions, interpreter, signatures and the people who acted, the office and the
facility. They are unsaved stand-ins that refuse to be saved or deleted. The only things taken
from the database are what the snapshot binds by hash (a signature's image, shown only when its
SHA-256 is the sealed one) and what may legitimately change after approval (the status,
``superseded_at``; see ``snapshot.record_facts``).

Drafts, submitted and returned elections are shown from their rows as they are: that is what the
supervisor is asked to approve.
"""

import copy
import json
import logging

from django.contrib.auth import get_user_model
from django.db import models

from elections.constants import Status
from elections.models import (
    Child,
    Election,
    ElectionChild,
    Facility,
    FieldOffice,
    Interpreter,
    NoticeVersion,
    Parent,
    ParentChild,
    Signature,
    StaffProfile,
)
from elections.models.sealing import SealedRecord

from .snapshot import sha256_hex

logger = logging.getLogger("formsvc.sealed_state")

#: The statuses whose record is the sealed snapshot.
SEALED_STATUSES = frozenset({Status.APPROVED, Status.SUPERSEDED})


class SealedStandIn(TypeError):
    """A record rebuilt from its sealed snapshot is for reading; it is never written back."""


def _refuse_write(*args, **kwargs):
    raise SealedStandIn("An election shown from its sealed snapshot cannot be saved or deleted.")


def _read_only(instance):
    instance.save = instance.delete = _refuse_write
    return instance


def _value(model, name: str, value):
    """A snapshot value (JSON text for dates and times) as the model field holds it."""
    return model._meta.get_field(name).to_python(value)


def _stand_in(model, facts: dict, **extra):
    """An unsaved, read-only ``model`` instance with the snapshot's ``facts``."""
    fields = {name: _value(model, name, value) for name, value in facts.items()}
    return _read_only(model(**fields, **extra))


def _cache(instance, field_name: str, value) -> None:
    """Set a relation's cached value (and its id), so reading it asks nothing of the database."""
    field = instance._meta.get_field(field_name)
    if not isinstance(field, models.ForeignObjectRel):
        # The id first: setting a different id drops the cached object.
        setattr(instance, field.attname, None if value is None else value.pk)
    field.set_cached_value(instance, value)


def _prefetched(instance, name: str, model, items: list) -> None:
    """What ``instance.<name>.all()`` answers, as ``prefetch_related`` would have stored it.
    Built on ``none()``: a query derived from it finds nothing rather than today's rows."""
    queryset = model._default_manager.none()
    queryset._result_cache = list(items)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def _people(people: dict) -> dict:
    """Each person of the snapshot as a user stand-in: their name and job as they were."""
    user_model = get_user_model()
    profile_relation = user_model._meta.get_field("staff")
    users = {}
    for user_id, person in people.items():
        # The full name as it was, whole: get_full_name() reads it back as it was sealed.
        user = user_model(pk=int(user_id), first_name=person["full_name"], last_name="")
        setattr(user, user_model.USERNAME_FIELD, person["username"])
        profile = None
        if person.get("role"):
            profile = _read_only(
                StaffProfile(user_id=user.pk, role=person["role"], job_title=person["job_title"])
            )
        profile_relation.set_cached_value(user, profile)
        users[user_id] = _read_only(user)
    return users


def _notice(facts: dict | None):
    if facts is None:
        return None
    facts = dict(facts)
    return _stand_in(NoticeVersion, {"id": facts.pop("id"), **facts})


def _image(live: Signature | None, sha256: str | None):
    """The signature image from its row, only if it is the image that was sealed."""
    if sha256 is None or live is None or not live.image:
        return None
    image = bytes(live.image)
    if sha256_hex(image) != sha256:
        logger.warning("signature %s no longer has its sealed image", live.pk)
        return None
    return image


def election_as_sealed(election: Election, snapshot: dict) -> Election:
    """``election`` as its sealed ``snapshot`` states it (the dict built at approval, or the
    stored JSON read back: the values are converted either way)."""
    record, context = snapshot["record"], snapshot["context"]
    facts = record["election"]
    people = _people(context["people"])
    shown = copy.copy(election)
    # Its own prefetched lists: the live election is left as it was.
    shown._prefetched_objects_cache = dict(getattr(election, "_prefetched_objects_cache", {}))

    def set_person(instance, field_name: str, user_id) -> None:
        if user_id is None or str(user_id) in people:
            _cache(instance, field_name, None if user_id is None else people[str(user_id)])
        # A person the snapshot does not name (none is left out today) is read as they are.

    for name in (
        "created_at",
        "legal_contact_given",
        "submitted_at",
        "returned_at",
        "return_reason",
        "approved_at",
        "approval_attestation",
        "acknowledged_warnings",
    ):
        setattr(shown, name, _value(Election, name, facts[name]))
    identity, notice = facts["identity"], facts["notice"]
    shown.identity_method = identity["method"]
    shown.identity_document = identity["document"]
    shown.identity_verified_at = _value(Election, "identity_verified_at", identity["verified_at"])
    shown.notice_language = notice["language"]
    shown.delivery_mode = notice["delivery_mode"]
    shown.notice_delivered_at = _value(Election, "notice_delivered_at", notice["delivered_at"])
    shown.supersedes_id = _value(Election, "supersedes", facts["supersedes_id"])
    if election.supersedes_id != shown.supersedes_id:
        shown._state.fields_cache.pop("supersedes", None)

    office = context["office"]
    _cache(
        shown,
        "office",
        _stand_in(
            FieldOffice,
            {name: office[name] for name in ("id", "code", "name", "time_zone")},
        ),
    )
    facility = context["facility"]
    _cache(
        shown,
        "facility",
        None
        if facility["id"] is None
        else _stand_in(
            Facility, {"id": facility["id"], "name": facility["name"]}, office_id=office["id"]
        ),
    )
    for field_name, user_id in (
        ("presented_by", facts["presented_by_id"]),
        ("witness", facts["witness_id"]),
        ("identity_verified_by", identity["verified_by_id"]),
        ("submitted_by", facts["submitted_by_id"]),
        ("returned_by", facts["returned_by_id"]),
        ("approved_by", facts["approved_by_id"]),
    ):
        if getattr(shown, f"{field_name}_id") != user_id:
            shown._state.fields_cache.pop(field_name, None)
            setattr(shown, f"{field_name}_id", user_id)
        set_person(shown, field_name, user_id)
    _cache(shown, "notice_version", _notice(notice["version"]))
    _cache(shown, "notice_version_en", _notice(notice["english"]))

    parent = _stand_in(Parent, record["parent"])
    _cache(shown, "parent", parent)
    covered, links = [], []
    for entry in record["children"]:
        child = _stand_in(Child, entry["child"])
        item = _stand_in(
            ElectionChild,
            {
                "id": entry["election_child_id"],
                "position": entry["position"],
                "decision": entry["decision"],
                "decided_at": entry["decided_at"],
            },
            election_id=shown.pk,
        )
        _cache(item, "child", child)
        _cache(item, "election", shown)
        covered.append(item)
        if entry["relationship"] is not None:
            link = _stand_in(ParentChild, entry["relationship"])
            _cache(link, "parent", parent)
            _cache(link, "child", child)
            links.append(link)
    _prefetched(shown, "covered", ElectionChild, covered)
    _prefetched(parent, "child_links", ParentChild, links)

    interpreter = record["interpreter"]
    if interpreter is not None:
        interpreter = _stand_in(Interpreter, interpreter, election_id=shown.pk)
        _cache(interpreter, "election", shown)
    _cache(shown, "interpreter", interpreter)

    live = {signature.pk: signature for signature in election.signatures.all()}
    signatures = []
    for facts_of in record["signatures"]:
        facts_of = dict(facts_of)
        sha256 = facts_of.pop("image_sha256")
        signer_id = facts_of.pop("signer_id")
        signature = _stand_in(
            Signature,
            facts_of,
            election_id=shown.pk,
            image=_image(live.get(facts_of["id"]), sha256),
            image_sha256=sha256 or "",
        )
        signature.signer_id = signer_id
        set_person(signature, "signer", signer_id)
        _cache(signature, "election", shown)
        signatures.append(signature)
    _prefetched(shown, "signatures", Signature, signatures)
    shown.shown_as_sealed = True
    return _read_only(shown)


def sealed_record(election: Election) -> SealedRecord | None:
    """The election's sealed record, if it has one (read once, then cached on the election)."""
    try:
        return election.sealed_record
    except SealedRecord.DoesNotExist:
        return None


def election_as_shown(election: Election) -> Election:
    """What a record page shows: an approved or superseded election as it was sealed, any other
    election as its rows stand."""
    if election.status not in SEALED_STATUSES:
        return election
    record = sealed_record(election)
    if record is None:
        # Only an election approved without sealing (a test stub) lands here.
        return election
    return election_as_sealed(election, json.loads(record.snapshot_json))
