"""What a sealed record says, as data: the snapshot embedded in the PDF and stored with it.

- the record's facts (``record_facts``): stored values, codes, ids and UTC times, recomputed
  from the database when a record is verified;
- the audit trail as a hash chain (``audit_events``, ``build_chain``): every history row of the
  election, its covered children, interpreter and signatures, in order, with who performed it,
  each entry holding the previous entry's hash, so a changed, deleted or reordered event changes
  the head;
- canonical JSON (``canonical_json``): the same facts give the same bytes on any database.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from elections import rules
from elections.models import Election, ElectionChild, Interpreter, Signature

SCHEMA = "formsvc.record/1"
GENESIS = "0" * 64

#: The history tables whose rows make up an election's audit trail, in the order used to break
#: ties between events stamped at the same instant.
HISTORY_SOURCES = (
    ("election", Election, "id"),
    ("election_child", ElectionChild, "election_id"),
    ("interpreter", Interpreter, "election_id"),
    ("signature", Signature, "election_id"),
)


# --- Canonical JSON ---------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            raise ValueError("naive datetime in a record")
        return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        raise TypeError("binary data is recorded by its SHA-256, not embedded")
    raise TypeError(f"{type(value).__name__} is not part of a record")


def canonical_json(value) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces; datetimes as UTC ISO 8601 with microseconds.

    The same facts give the same bytes on SQLite and PostgreSQL, today and in ten years.
    """
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_value
    ).encode("utf-8")


def normalised(value):
    """``value`` as it reads back from its canonical JSON (for comparing with a stored one)."""
    return json.loads(canonical_json(value))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- The record's facts -----------------------------------------------------------------------


def _notice_facts(version) -> dict | None:
    if version is None:
        return None
    return {"id": version.pk, "sha256": version.sha256, **version.content()}


def parent_facts(parent) -> dict:
    return {
        "id": str(parent.id),
        "a_number": parent.a_number,
        "full_name": parent.full_name,
        "date_of_birth": parent.date_of_birth,
        "country_of_citizenship": parent.country_of_citizenship,
        "primary_language": parent.primary_language,
    }


def child_facts(child) -> dict:
    return {
        "id": str(child.id),
        "a_number": child.a_number,
        "full_name": child.full_name,
        "date_of_birth": child.date_of_birth,
        "location_kind": child.location_kind,
        "location_name": child.location_name,
    }


def link_facts(link) -> dict | None:
    if link is None:
        return None
    return {
        "relationship": link.relationship,
        "evidence": link.evidence,
        "evidence_note": link.evidence_note,
    }


@dataclass
class SharedRows:
    """Rows an election shares with other elections of the same family: the parent, the
    children and their links. A later election may correct them, so verification reads them
    as they stood when the record was sealed."""

    parent: object
    children: dict  # child id -> Child (or its historical state)
    links: dict  # child id -> ParentChild (or its historical state)


def current_shared_rows(election: Election) -> SharedRows:
    return SharedRows(
        parent=election.parent,
        children={item.child_id: item.child for item in election.covered.all()},
        links={link.child_id: link for link in election.parent.child_links.all()},
    )


def record_facts(election: Election, shared: SharedRows | None = None) -> dict:
    """Everything the record states, as stored values (codes, ids, UTC times), never labels.

    Verification recomputes this from the database and compares it with the sealed copy, so it
    leaves out what may legitimately change after approval: the status (approved ->
    superseded), ``superseded_at`` and ``updated_at``, and people's names (kept as user ids;
    the names as they were are in the snapshot's context).
    """
    shared = shared or current_shared_rows(election)
    interpreter = getattr(election, "interpreter", None)
    covered = sorted(election.covered.all(), key=lambda item: (item.position, item.pk))
    signatures = sorted(election.signatures.all(), key=lambda s: (s.signed_at, s.role))
    return {
        "election": {
            "id": str(election.pk),
            "reference": election.reference,
            "office_id": election.office_id,
            "facility_id": election.facility_id,
            "parent_id": str(election.parent_id),
            "presented_by_id": election.presented_by_id,
            "witness_id": election.witness_id,
            "created_at": election.created_at,
            "identity": {
                "method": election.identity_method,
                "document": election.identity_document,
                "verified_by_id": election.identity_verified_by_id,
                "verified_at": election.identity_verified_at,
            },
            "notice": {
                "language": election.notice_language,
                "delivery_mode": election.delivery_mode,
                "delivered_at": election.notice_delivered_at,
                "version": _notice_facts(election.notice_version),
                "english": _notice_facts(election.notice_version_en),
            },
            "legal_contact_given": election.legal_contact_given,
            "submitted_at": election.submitted_at,
            "submitted_by_id": election.submitted_by_id,
            "returned_at": election.returned_at,
            "returned_by_id": election.returned_by_id,
            "return_reason": election.return_reason,
            "approved_at": election.approved_at,
            "approved_by_id": election.approved_by_id,
            "approval_attestation": getattr(election, "approval_attestation", ""),
            "acknowledged_warnings": getattr(election, "acknowledged_warnings", None) or [],
            "supersedes_id": str(election.supersedes_id) if election.supersedes_id else None,
        },
        "parent": parent_facts(shared.parent),
        "children": [
            {
                "election_child_id": item.pk,
                "position": item.position,
                "decision": item.decision,
                "decided_at": item.decided_at,
                "child": child_facts(shared.children[item.child_id]),
                "relationship": link_facts(shared.links.get(item.child_id)),
            }
            for item in covered
        ],
        "interpreter": None
        if interpreter is None
        else {
            "full_name": interpreter.full_name,
            "id_or_employer": interpreter.id_or_employer,
            "language": interpreter.language,
            "operator_id": interpreter.operator_id,
        },
        "signatures": [
            {
                "id": signature.pk,
                "role": signature.role,
                "method": signature.method,
                "printed_name": signature.printed_name,
                "signer_id": signature.signer_id,
                "password_confirmed": signature.password_confirmed,
                "reason": signature.reason,
                "meaning": signature.meaning,
                "meaning_translated": signature.meaning_translated,
                "signed_at": signature.signed_at,
                # The image itself is in the PDF; the record binds it by its hash.
                "image_sha256": sha256_hex(bytes(signature.image)) if signature.image else None,
                # What the parent's signature was bound to; absent on records sealed before
                # signatures carried it, so those still verify.
                **({"covers_sha256": signature.covers_sha256} if signature.covers_sha256 else {}),
            }
            for signature in signatures
        ],
    }


# --- The audit trail as a hash chain ------------------------------------------------------------


def _tracked_fields(history_model) -> list:
    return [
        field
        for field in history_model._meta.concrete_fields
        if not field.name.startswith("history_")
    ]


def audit_events(election_id) -> list[dict]:
    """Every history row of the election, its covered children, interpreter and signatures,
    in order: when, then table, then row id. Each event carries every tracked field's value,
    so a changed, deleted or reordered row changes the chain."""
    events = []
    for rank, (source, model, key) in enumerate(HISTORY_SOURCES):
        fields = _tracked_fields(model.history.model)
        for row in model.history.filter(**{key: election_id}).order_by(
            "history_date", "history_id"
        ):
            event = {
                "source": source,
                "history_id": row.history_id,
                "object_id": str(getattr(row, model._meta.pk.attname)),
                "type": row.history_type,
                "at": row.history_date,
                "user_id": row.history_user_id,
                "reason": row.history_change_reason or "",
                "fields": {field.attname: getattr(row, field.attname) for field in fields},
            }
            if row.history_performed_by:
                event["performed_by"] = performer_facts(row)
            events.append(((row.history_date, rank, row.history_id), event))
    events.sort(key=lambda pair: pair[0])
    return [event for _key, event in events]


def performer_facts(row) -> dict:
    """Who performed a history event, as the chain seals it. An event written before the
    performer was kept has none and no ``performed_by`` key, so records sealed then still hash
    to the same chain."""
    return {
        "kind": row.history_performed_by,
        "name": row.history_performer_name,
        "session_user_id": row.history_session_user_id,
    }


def chain_entry_hash(entry: dict) -> str:
    """SHA-256 of the entry's canonical JSON, its own ``hash`` left out (``prev`` included)."""
    return sha256_hex(canonical_json({k: v for k, v in entry.items() if k != "hash"}))


def build_chain(events: list[dict]) -> list[dict]:
    """Link the events: each entry holds the previous entry's hash and its own."""
    chain, previous = [], GENESIS
    for seq, event in enumerate(normalised(events), start=1):
        entry = {"seq": seq, **event, "prev": previous}
        entry["hash"] = previous = chain_entry_hash(entry)
        chain.append(entry)
    return chain


def chain_head(chain: list[dict]) -> str:
    return chain[-1]["hash"] if chain else GENESIS


# --- Snapshot -----------------------------------------------------------------------------------


def record_language(election: Election) -> str:
    """The parent's language where the interface has a written translation, else the notice's
    language if it has one (a parent served through an interpreter), else English."""
    supported = {code for code, _name in settings.LANGUAGES}
    for code in (election.parent.primary_language, election.notice_language):
        if code in supported:
            return code
    return "en"


def verify_url(election_id) -> str:
    base = settings.FORMSVC_PUBLIC_URL.rstrip("/")
    return base + reverse("elections:verify_record", args=[election_id])


def _people(election: Election, chain: list[dict]) -> dict:
    ids = {
        election.presented_by_id,
        election.witness_id,
        election.identity_verified_by_id,
        election.submitted_by_id,
        election.returned_by_id,
        election.approved_by_id,
        *(s.signer_id for s in election.signatures.all()),
        *(entry["user_id"] for entry in chain),
        *(entry.get("performed_by", {}).get("session_user_id") for entry in chain),
    } - {None}
    users = get_user_model().objects.filter(pk__in=ids).select_related("staff")
    people = {}
    for user in users:
        profile = getattr(user, "staff", None)
        people[str(user.pk)] = {
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "role": profile.role if profile else "",
            "job_title": profile.job_title if profile else "",
        }
    return people


def build_snapshot(
    election: Election,
    *,
    language: str,
    sealed_at: datetime,
    certificate: dict,
) -> dict:
    chain = build_chain(audit_events(election.pk))
    with translation.override("en"):
        warnings = [
            {"rule": w.rule, "code": w.code, "message": str(w.message)}
            for w in rules.warnings(election)
        ]
    return {
        "schema": SCHEMA,
        "record": record_facts(election),
        "context": {
            "office": {
                "id": election.office_id,
                "code": election.office.code,
                "name": election.office.name,
                "time_zone": election.office.time_zone,
            },
            "facility": {"id": election.facility_id, "name": str(election.facility or "")},
            "people": _people(election, chain),
            "rules": {
                "minutes_to_decide": rules.minutes_to_decide(election),
                "min_decision_minutes": settings.FORMSVC_MIN_DECISION_MINUTES,
                "warnings": warnings,
            },
        },
        "audit_trail": {
            "algorithm": "sha256",
            "genesis": GENESIS,
            "entries": chain,
            "head": chain_head(chain),
            "length": len(chain),
        },
        "seal": {
            "sealed_at": sealed_at,
            "language": language,
            "verify_url": verify_url(election.pk),
            "certificate": certificate,
            "timestamp_authority": settings.FORMSVC_TSA_URL or None,
        },
    }
