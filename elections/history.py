"""An election's history as a reader sees it: who performed each event, in words, and what it
changed, as labels (never raw ids, codes or Python values), in the reader's language.

Everything is read in a fixed number of queries whatever the length of the history: one per
history table, one for the people named, and one per kind of object a change points to.
"""

import hashlib
import json
import re
from datetime import date, datetime

from babel.dates import format_date
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .constants import Decision, Performer, Role, SignatureMethod, SignatureRole
from .identifiers import format_a_number
from .languages import country_name, language_name, language_name_in_text
from .models import (
    DiscrepancyResolution,
    Election,
    ElectionChild,
    Interpreter,
    NoticeVersion,
    Parent,
    Signature,
)
from .rules import discrepancy_field_label

#: Fields left out of the history's diffs: they change on every save and say nothing.
HISTORY_QUIET = frozenset({"updated_at"})

#: Fields holding a language code, shown by the language's name.
LANGUAGE_FIELDS = frozenset({"notice_language", "language", "primary_language"})

TYPE_WORDS = {
    "+": pgettext_lazy("history event", "added"),
    "~": pgettext_lazy("history event", "changed"),
    "-": pgettext_lazy("history event", "removed"),
}

#: The warnings a supervisor acknowledges (``rules.warnings``), named briefly.
WARNING_NAMES = {
    "fast_decision": _("fast decision"),
    "telephone_interpreter": _("interpreter by telephone"),
    "relationship_unverified": _("relationship not verified"),
    "no_election": _("no election recorded"),
}

EMPTY = "—"


# --- Who ---------------------------------------------------------------------------------------


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _staff_role(user, election: Election, record) -> str:
    """The part the staff member had in this election, in a word."""
    role = getattr(record, "role", None)
    if isinstance(record, Signature.history.model) and role in SignatureRole.values:
        return _choice_label(SignatureRole, role).lower()
    if user.pk == election.witness_id:
        return str(SignatureRole.WITNESS.label).lower()
    if user.pk == election.presented_by_id:
        return str(SignatureRole.OFFICER.label).lower()
    profile = getattr(user, "staff", None)
    return _choice_label(Role, profile.role).lower() if profile else ""


def performer_words(*, kind: str, user: str, owner: str, role: str = "", name: str = "") -> str:
    """Who performed a history event, as a sentence: "the parent, on Laura Benítez's tablet".

    ``user`` is the name of the staff member the event is recorded under, ``owner`` of the one
    signed in on the device when it is someone else, ``role`` the staff member's part in the
    election, ``name`` the name of a performer without an account.
    """
    owner = owner or user
    if kind == Performer.PARENT:
        return _("the parent, on %(owner)s's tablet") % {"owner": owner}
    if kind == Performer.INTERPRETER:
        return _("the interpreter %(name)s, on %(owner)s's tablet") % {
            "name": name,
            "owner": owner,
        }
    if kind == Performer.STAFF_PASSWORD and user:
        values = {"name": user, "role": role, "owner": owner}
        if owner != user:
            return _("%(name)s (%(role)s), password re-entered on %(owner)s's tablet") % values
        return _("%(name)s (%(role)s), password re-entered") % values
    # The signed-in user's own act, or an event written before performers were kept.
    return user or EMPTY


def performer_label(record, users: dict, election: Election) -> str:
    """``performer_words`` for a history row; ``users`` by pk."""
    user = users.get(record.history_user_id)
    session = users.get(record.history_session_user_id)
    elsewhere = session is not None and (user is None or session.pk != user.pk)
    return performer_words(
        kind=record.history_performed_by,
        user=_name(user),
        owner=_name(session) if elsewhere else "",
        role=_staff_role(user, election, record) if user is not None else "",
        name=record.history_performer_name,
    )


# --- Why ---------------------------------------------------------------------------------------

#: The reasons ``services`` and ``workflow`` store (in English, as technical phrases), as shown.
REASONS = {
    "parent recorded": pgettext_lazy("history reason", "parent recorded"),
    "election started": pgettext_lazy("history reason", "election started"),
    "parent details corrected": pgettext_lazy("history reason", "parent's details corrected"),
    "parent identity verified": pgettext_lazy("history reason", "parent's identity verified"),
    "child recorded": pgettext_lazy("history reason", "child recorded"),
    "relationship to parent recorded": pgettext_lazy(
        "history reason", "relationship to the parent recorded"
    ),
    "child added to election": pgettext_lazy("history reason", "child added to the election"),
    "recorded child added to election": pgettext_lazy(
        "history reason", "recorded child added to the election"
    ),
    "child removed from election": pgettext_lazy(
        "history reason", "child removed from the election"
    ),
    "notice, delivery and witness chosen": pgettext_lazy(
        "history reason", "notice, delivery and witness chosen"
    ),
    "interpreter recorded": pgettext_lazy("history reason", "interpreter recorded"),
    "interpreter removed: no longer used": pgettext_lazy(
        "history reason", "interpreter removed: no longer used"
    ),
    "notice shown to the parent": pgettext_lazy("history reason", "notice shown to the parent"),
    "legal contact recorded": pgettext_lazy("history reason", "legal contact recorded"),
    "interpreter attestation": pgettext_lazy("history reason", "interpreter's attestation"),
    "interpreter signs again": pgettext_lazy("history reason", "interpreter signs again"),
    "submitted for approval": pgettext_lazy("history reason", "submitted for approval"),
    "resubmitted after correction": pgettext_lazy("history reason", "resubmitted after correction"),
    "approved": pgettext_lazy("history reason", "approved"),
    # What made a step start over (after "signature cleared:", "choice cleared:" ...).
    "parent details changed": pgettext_lazy("history reason", "the parent's details changed"),
    "recorded details changed to the case system's": pgettext_lazy(
        "history reason", "the recorded details were changed to the case system's"
    ),
    "child added": pgettext_lazy("history reason", "a child was added"),
    "child removed": pgettext_lazy("history reason", "a child was removed"),
    "notice or delivery changed": pgettext_lazy(
        "history reason", "the notice or its delivery changed"
    ),
    "witness changed": pgettext_lazy("history reason", "the witness changed"),
    "interpreter changed": pgettext_lazy("history reason", "the interpreter changed"),
    "choices changed": pgettext_lazy("history reason", "the choices changed"),
    "case system details accepted": pgettext_lazy(
        "history reason", "the case system's details were accepted"
    ),
    "parent signs again": pgettext_lazy("history reason", "the parent signs again"),
    "parent did not sign: no election recorded": pgettext_lazy(
        "history reason", "the parent did not sign: no election recorded"
    ),
}

#: "<prefix>: <cause>" reasons; the cause is one of REASONS or text a person typed.
REASON_PREFIXES = {
    "signature cleared": pgettext_lazy("history reason", "signature cleared: %(why)s"),
    "choice cleared": pgettext_lazy("history reason", "choice cleared: %(why)s"),
    "notice to be given again": pgettext_lazy(
        "history reason", "notice to be given again: %(why)s"
    ),
    "returned": pgettext_lazy("history reason", "returned: %(why)s"),
    "voided": pgettext_lazy("history reason", "voided: %(why)s"),
}


def _choice_label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _role_word(value: str) -> str:
    return _choice_label(SignatureRole, value).lower()


REASON_PATTERNS = (
    (
        re.compile(r"parent chose (\w+)"),
        lambda m: (
            pgettext_lazy("history reason", "the parent chose: %(decision)s")
            % {"decision": _choice_label(Decision, m[1])}
        ),
    ),
    (
        re.compile(r"parent signature: (\w+)"),
        lambda m: (
            pgettext_lazy("history reason", "parent's signature: %(method)s")
            % {"method": _choice_label(SignatureMethod, m[1]).lower()}
        ),
    ),
    (
        re.compile(r"(\w+) signs again"),
        lambda m: (
            pgettext_lazy("history reason", "%(role)s signs again") % {"role": _role_word(m[1])}
        ),
    ),
    (
        re.compile(r"(\w+) signed with password"),
        lambda m: (
            pgettext_lazy("history reason", "%(role)s signed with their password")
            % {"role": _role_word(m[1])}
        ),
    ),
    (
        re.compile(r"election started to replace (E-[0-9A-F]+)"),
        lambda m: (
            pgettext_lazy("history reason", "election started to replace %(reference)s")
            % {"reference": m[1]}
        ),
    ),
    (
        re.compile(r"case system's (\w+) accepted"),
        lambda m: (
            pgettext_lazy("history reason", "the case system's %(field)s used")
            % {"field": discrepancy_field_label(m[1])}
        ),
    ),
    (
        re.compile(r"discrepancy resolved: (kept|accepted)"),
        lambda m: (
            pgettext_lazy("history reason", "discrepancy with the case system resolved: %(how)s")
            % {"how": str(DiscrepancyResolution(m[1]).label).lower()}
        ),
    ),
    (
        re.compile(r"superseded by (E-[0-9A-F]+)"),
        lambda m: (
            pgettext_lazy("history reason", "superseded by %(reference)s") % {"reference": m[1]}
        ),
    ),
)


def reason_label(reason: str) -> str:
    """A stored change reason in the reader's words; one we do not know is shown as stored."""
    if not reason:
        return ""
    if reason in REASONS:
        return str(REASONS[reason])
    for pattern, label in REASON_PATTERNS:
        if match := pattern.fullmatch(reason):
            return str(label(match))
    prefix, separator, why = reason.partition(": ")
    if separator and prefix in REASON_PREFIXES:
        return str(REASON_PREFIXES[prefix]) % {"why": REASONS.get(why, why)}
    return reason


# --- What --------------------------------------------------------------------------------------


def notice_label(version: NoticeVersion) -> str:
    return _("%(language)s notice, version %(version)s (SHA-256 %(sha)s…)") % {
        "language": language_name_in_text(version.language),
        "version": version.version,
        "sha": version.sha256[:12],
    }


def _object_labels(model, ids) -> dict[str, str]:
    """Readable labels for the objects a change points to (people apart): one query for the
    model."""
    if model is NoticeVersion:
        return {str(v.pk): notice_label(v) for v in NoticeVersion.objects.filter(pk__in=ids)}
    if model is Election:
        return {str(pk): Election(id=pk).reference for pk in ids}
    return {str(obj.pk): str(obj) for obj in model._default_manager.filter(pk__in=ids)}


def _image_label(sha256: str) -> str:
    return _("signature image (SHA-256 %(sha)s…)") % {"sha": sha256[:12]}


def _json_label(field, value) -> str:
    if field.name == "acknowledged_warnings" and isinstance(value, list):
        return "; ".join(
            str(_("%(rule)s %(warning)s acknowledged"))
            % {
                "rule": item.get("rule", ""),
                "warning": WARNING_NAMES.get(item.get("code"), item.get("message", "")),
            }
            for item in value
            if isinstance(item, dict)
        )
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_json_label(field, item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(_json_label(field, item) for item in value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def value_label(field, value, related: dict, time_zone: str) -> str:
    """One side of a change as a reader understands it."""
    from .templatetags.formsvc import local_time

    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if field.is_relation:
        labels = related.get(field.related_model, {})
        return labels.get(str(value)) or str(
            _("a removed %(what)s") % {"what": field.related_model._meta.verbose_name}
        )
    if field.name in LANGUAGE_FIELDS:
        return language_name(value)
    if field.name == "country_of_citizenship":
        return country_name(value, translation.get_language())
    if field.name == "a_number":
        return format_a_number(value)
    if field.name == "image_sha256":
        return _image_label(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime):
        return local_time(value, time_zone)
    if isinstance(value, date):
        return format_date(value, format="long", locale=_babel_language())
    if isinstance(field, models.JSONField):
        return _json_label(field, value) or EMPTY
    if isinstance(field, models.BinaryField):
        return _image_label(hashlib.sha256(bytes(value)).hexdigest())
    return str(value)


def _babel_language() -> str:
    return (translation.get_language() or "en").replace("-", "_")


def _object_label(model, record, related: dict) -> str:
    if model is Election:
        return Election(id=record.id).reference
    if model is ElectionChild:
        child = related.get(ElectionChild._meta.get_field("child").related_model, {})
        name = child.get(str(record.child_id), "")
        if record.decision in Decision.values:
            return f"{name}: {Decision(record.decision).label}"
        return name
    if model is Signature:
        return f"{_choice_label(SignatureRole, record.role)}: {record.printed_name}"
    if model is Interpreter:
        return record.full_name
    if model is Parent:
        return f"{record.full_name} ({format_a_number(record.a_number)})"
    return str(model._meta.verbose_name)


# --- The history -------------------------------------------------------------------------------


def history_sources(election: Election) -> list:
    return [
        (Election, election.history.all()),
        (ElectionChild, ElectionChild.history.filter(election_id=election.pk)),
        (Interpreter, Interpreter.history.filter(election_id=election.pk)),
        (Signature, Signature.history.filter(election_id=election.pk)),
        (Parent, Parent.history.filter(id=election.parent_id)),
    ]


def _diff(model, before, record) -> list[dict]:
    """Every tracked field the event changed, the non-editable ones (status, stamps) above all,
    which simple-history's own diff leaves out."""
    changes = []
    for field in model._meta.concrete_fields:
        if field.name in HISTORY_QUIET or not hasattr(record, field.attname):
            continue
        old, new = getattr(before, field.attname), getattr(record, field.attname)
        if old != new:
            changes.append({"field": field, "old": old, "new": new})
    return changes


def election_history(*, election: Election) -> list[dict]:
    """The election's history, newest first: the election row and the rows that belong to it
    (children covered, interpreter, signatures) and the parent's details. Each entry has its
    time, who performed it (``performer``, in words; ``who``, the staff member it is recorded
    under), what it was, the reason as stored and in words, and each change old -> new."""
    user_model = get_user_model()
    events = []
    wanted: dict = {user_model: set()}
    for model, history in history_sources(election):
        last_by_object: dict = {}
        for record in history.order_by("history_date", "history_id"):
            key = getattr(record, model._meta.pk.attname)
            before = last_by_object.get(key)
            last_by_object[key] = record
            changed = before is not None and record.history_type == "~"
            changes = _diff(model, before, record) if changed else []
            for change in changes:
                if change["field"].is_relation:
                    ids = wanted.setdefault(change["field"].related_model, set())
                    ids.update(v for v in (change["old"], change["new"]) if v is not None)
            if model is ElectionChild:
                wanted.setdefault(ElectionChild._meta.get_field("child").related_model, set()).add(
                    record.child_id
                )
            wanted[user_model].update({record.history_user_id, record.history_session_user_id})
            events.append((model, record, changes))

    user_ids = wanted.pop(user_model) - {None}
    users = {
        u.pk: u for u in user_model._default_manager.filter(pk__in=user_ids).select_related("staff")
    }
    related = {model: _object_labels(model, ids) for model, ids in wanted.items() if ids}
    related[user_model] = {str(pk): _name(user) for pk, user in users.items()}
    time_zone = election.office.time_zone

    entries = []
    for model, record, changes in events:
        for change in changes:
            field = change["field"]
            change["label"] = field.verbose_name
            for side in ("old", "new"):
                change[side] = value_label(field, change[side], related, time_zone)
        reason = record.history_change_reason or ""
        entries.append(
            {
                "when": record.history_date,
                "who": users.get(record.history_user_id),
                "performer": performer_label(record, users, election),
                "performed_by": record.history_performed_by,
                "what": model._meta.verbose_name,
                "object": _object_label(model, record, related),
                "type": TYPE_WORDS.get(record.history_type, record.history_type),
                "reason": reason,
                "reason_label": reason_label(reason),
                "changes": changes,
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries
