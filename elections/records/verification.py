"""Is this PDF an unaltered sealed record of ours, and does the database still say what it says?

``verify_pdf`` answers for any file (an upload, ``manage.py verify_record``); ``verify_stored``
for the copy kept with an election (the QR code's page). The checks, in order, each with a
stable code that the command, the page and the tests report:

- ``unreadable`` / ``unsigned``: not a PDF, or no seal in it;
- ``signature_broken``: the seal's hash does not match the bytes (a flipped byte);
- ``modified_after_sealing``: bytes were appended after the seal (an incremental update);
- ``untrusted_certificate``: sealed, but not with a certificate of our CA ("not ours");
- ``timestamp_invalid``: the seal's RFC 3161 timestamp is broken or from an untrusted authority;
- ``not_a_record`` / ``unknown_record``: no embedded record.json, or no stored record for it;
- ``bytes_differ``: the file is not byte for byte the PDF stored at approval;
- ``stored_file_changed``: the stored PDF no longer has the SHA-256 recorded with it;
- ``record_changed``: the database's rows no longer say what was sealed (a changed row);
- ``chain_broken``: the election's history no longer hashes to the sealed chain (an edited,
  deleted or reordered audit event).
"""

import io
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from elections.models import Child, Election, Parent, ParentChild
from elections.models.sealing import SealedRecord
from elections.selectors import election_queryset_for_rules

from .sealing import ATTACHMENT_NAME, sealed_pdf_bytes
from .signing_keys import configured_files
from .snapshot import (
    GENESIS,
    SCHEMA,
    SharedRows,
    audit_events,
    build_chain,
    chain_entry_hash,
    normalised,
    record_facts,
    sha256_hex,
)

logger = logging.getLogger("formsvc.verification")

MESSAGES = {
    "unreadable": _("This file is not a readable PDF."),
    "unsigned": _("This PDF carries no seal (no digital signature)."),
    "signature_broken": _(
        "The seal is broken: the file's bytes are not the bytes that were sealed."
    ),
    "modified_after_sealing": _(
        "The file was changed after it was sealed: an update was appended that the seal does "
        "not cover."
    ),
    "untrusted_certificate": _(
        "The seal was not made with our certificate: it does not lead to the formsvc CA."
    ),
    "timestamp_invalid": _(
        "The seal's timestamp is not valid or does not come from a trusted timestamp authority."
    ),
    "not_a_record": _("The PDF has no embedded formsvc record (record.json)."),
    "unknown_record": _("No stored record matches this PDF."),
    "bytes_differ": _("The file differs from the sealed PDF stored with the record."),
    "stored_file_changed": _("The stored PDF no longer matches the SHA-256 recorded at sealing."),
    "record_changed": _("The record in the database changed since it was sealed."),
    "chain_broken": _("The audit trail was altered since the record was sealed."),
}


@dataclass
class Problem:
    code: str
    detail: str = ""

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class VerificationResult:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pdf_sha256: str = ""
    record: SealedRecord | None = None
    election_id: str | None = None
    signer_subject: str = ""
    signed_at: datetime | None = None
    timestamp_at: datetime | None = None
    chain_head: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def add(self, code: str, detail: str = "") -> None:
        self.problems.append(Problem(code, detail))


# --- The seal -----------------------------------------------------------------------------------


def _trust_roots() -> list:
    from pyhanko.keys import load_certs_from_pemder

    paths = [str(configured_files().ca)]
    if settings.FORMSVC_TSA_CA:
        paths.append(settings.FORMSVC_TSA_CA)
    return list(load_certs_from_pemder(paths))


def _validation_context(roots, moment: datetime | None = None):
    from pyhanko_certvalidator import ValidationContext

    # Our own CA issues no revocation information and the verifier may be offline: trust is
    # "chains to a configured root", checked without fetching anything.
    return ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=moment
    )


def _check_seal(data: bytes, result: VerificationResult) -> bytes | None:
    """Validate the PAdES signature; returns the signed revision's bytes (or None)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError) as error:
        result.add("unreadable", str(error)[:200])
        return None
    if not signatures:
        result.add("unsigned")
        return None
    if len(signatures) > 1:
        result.add("modified_after_sealing", f"{len(signatures)} signatures; a record has one")
    embedded = signatures[0]
    try:
        roots = _trust_roots()
        status = validate_pdf_signature(embedded, _validation_context(roots))
    except Exception as error:  # a mangled CMS blob raises from deep inside pyHanko
        result.add("signature_broken", f"{type(error).__name__}: {str(error)[:200]}")
        return None
    result.signer_subject = status.signing_cert.subject.human_friendly
    result.signed_at = status.signer_reported_dt
    broken = not (status.intact and status.valid)
    if broken:
        result.add("signature_broken")
    elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        result.add("modified_after_sealing", status.coverage.name.lower())
    elif status.docmdp_ok is False:
        result.add("modified_after_sealing", "the certification allows no change")
    # A broken seal says nothing about who made it (pyHanko does not judge the certificate of
    # bytes that do not match): the file is reported as altered, not as sealed by someone else.
    if not broken and not status.trusted:
        trusted_then = False
        timestamp = status.timestamp_validity
        if timestamp is not None and timestamp.valid and timestamp.trusted:
            # An expired certificate is still ours if it was valid when the trusted timestamp
            # says the record was sealed.
            again = validate_pdf_signature(
                embedded, _validation_context(roots, moment=timestamp.timestamp)
            )
            trusted_then = again.trusted
            if trusted_then:
                result.notes.append("certificate checked as of the seal's timestamp")
        if not trusted_then:
            result.add("untrusted_certificate", result.signer_subject)
    timestamp = status.timestamp_validity
    if timestamp is not None:
        if timestamp.intact and timestamp.valid and timestamp.trusted:
            result.timestamp_at = timestamp.timestamp
        else:
            result.add("timestamp_invalid")
    byte_range = embedded.byte_range
    return data[: byte_range[2] + byte_range[3]]


def embedded_snapshot(pdf: bytes) -> bytes | None:
    """The record.json attached to a PDF, read from the given bytes (pass the signed revision
    so a later update cannot substitute another file)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        attachments = PdfReader(io.BytesIO(pdf)).attachments
        copies = attachments.get(ATTACHMENT_NAME) or []
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return None
    return copies[0] if copies else None


def file_identifier(pdf: bytes) -> uuid.UUID | None:
    """The first part of the PDF's /ID: the election's id for a record rendered here."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        identifier = PdfReader(io.BytesIO(pdf)).trailer["/ID"][0]
        return uuid.UUID(bytes(identifier.original_bytes).decode("ascii"))
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
        return None


# --- The database -------------------------------------------------------------------------------


def _differences(sealed, current, path: str = "") -> list[str]:
    if isinstance(sealed, dict) and isinstance(current, dict):
        found = []
        for key in sorted(set(sealed) | set(current)):
            found += _differences(
                sealed.get(key), current.get(key), f"{path}.{key}" if path else key
            )
        return found
    if isinstance(sealed, list) and isinstance(current, list):
        if len(sealed) != len(current):
            return [f"{path} ({len(sealed)} sealed, {len(current)} now)"]
        found = []
        for index, (a, b) in enumerate(zip(sealed, current, strict=True)):
            found += _differences(a, b, f"{path}[{index}]")
        return found
    return [] if sealed == current else [path]


def _tracked_values(instance, history_model) -> dict:
    names = [
        f.attname for f in history_model._meta.concrete_fields if not f.name.startswith("history_")
    ]
    return {name: getattr(instance, name) for name in names}


def _as_sealed(model, current, sealed_at, untracked: list[str]):
    """A shared row as it stood at sealing (from its history), noting a current row that was
    changed without a history entry: that can only be a write around the application."""
    history_model = model.history.model
    rows = model.history.filter(**{model._meta.pk.attname: current.pk})
    latest = rows.order_by("-history_date", "-history_id").first()
    if latest is None:
        return current
    if _tracked_values(latest, history_model) != _tracked_values(current, history_model):
        untracked.append(f"{model._meta.model_name} {current.pk}")
    then = rows.filter(history_date__lte=sealed_at).order_by("-history_date", "-history_id").first()
    return then if then is not None else current


def _sealed_shared_rows(election: Election, sealed_at, untracked: list[str]) -> SharedRows:
    children = {}
    for item in election.covered.all():
        children[item.child_id] = _as_sealed(Child, item.child, sealed_at, untracked)
    links = {}
    for link in election.parent.child_links.all():
        if link.child_id in children:
            links[link.child_id] = _as_sealed(ParentChild, link, sealed_at, untracked)
    return SharedRows(
        parent=_as_sealed(Parent, election.parent, sealed_at, untracked),
        children=children,
        links=links,
    )


def _check_database(record: SealedRecord, snapshot: dict, result: VerificationResult) -> None:
    election = election_queryset_for_rules().get(pk=record.election_id)
    untracked: list[str] = []
    shared = _sealed_shared_rows(election, record.created_at, untracked)
    current = normalised(record_facts(election, shared))
    changed = _differences(snapshot["record"], current)
    if changed or untracked:
        detail = ", ".join(changed[:12]) + (" …" if len(changed) > 12 else "")
        if untracked:
            detail = "; ".join(
                filter(None, [detail, "changed without history: " + ", ".join(untracked)])
            )
        result.add("record_changed", detail)

    sealed_trail = snapshot["audit_trail"]
    entries = sealed_trail["entries"]
    # The sealed chain must hold together on its own...
    previous = GENESIS
    for entry in entries:
        if entry["prev"] != previous or chain_entry_hash(entry) != entry["hash"]:
            result.add("chain_broken", f"the sealed copy's entry {entry['seq']} does not link")
            return
        previous = entry["hash"]
    if previous != sealed_trail["head"] or previous != record.chain_head:
        result.add("chain_broken", "the sealed head differs from the stored head")
        return
    # ... and the history in the database must still produce it. Events after sealing (the
    # election being superseded) extend the chain; they cannot change its sealed part.
    now = build_chain(audit_events(election.pk))
    for sealed_entry, entry in zip(entries, now, strict=False):
        if entry["hash"] != sealed_entry["hash"]:
            result.add("chain_broken", _describe_break(sealed_entry, entries, now))
            return
    if len(now) < len(entries):
        result.add("chain_broken", f"{len(entries) - len(now)} sealed event(s) missing")
        return
    result.chain_head = record.chain_head
    later = now[len(entries) :]
    sealed_at = normalised(record.created_at)
    if any(entry["at"] <= sealed_at for entry in later):
        result.add("chain_broken", "an event dated before sealing was added")
    elif later:
        result.notes.append(f"{len(later)} event(s) after sealing (e.g. superseded)")


def _describe_break(sealed_entry: dict, sealed: list[dict], now: list[dict]) -> str:
    identity = (sealed_entry["source"], sealed_entry["history_id"])
    current = next((e for e in now if (e["source"], e["history_id"]) == identity), None)
    where = f"event {sealed_entry['seq']} ({sealed_entry['source']} #{sealed_entry['history_id']})"
    if current is None:
        return f"{where} was deleted"
    if {k: v for k, v in current.items() if k not in ("seq", "prev", "hash")} != {
        k: v for k, v in sealed_entry.items() if k not in ("seq", "prev", "hash")
    }:
        return f"{where} was changed"
    return f"{where} is out of order"


# --- Entry points -------------------------------------------------------------------------------


def verify_pdf(data: bytes, *, expected: SealedRecord | None = None) -> VerificationResult:
    """Everything that can be checked about ``data``; ``result.ok`` when nothing is wrong."""
    result = VerificationResult(pdf_sha256=sha256_hex(data))
    signed = _check_seal(data, result)
    if result.codes and result.codes[0] in ("unreadable", "unsigned") and expected is None:
        return result
    raw = embedded_snapshot(signed if signed is not None else data)
    try:
        snapshot = json.loads(raw) if raw else None
    except ValueError:
        snapshot = None
    if snapshot is None or snapshot.get("schema") != SCHEMA:
        result.add("not_a_record")
        # A damaged file may still say which record it claims to be: its PDF identifier is the
        # election's id, so the damage is reported against that record.
        claimed = expected.election_id if expected else file_identifier(data)
        if claimed is None:
            return result
        election_id = str(claimed)
    else:
        election_id = snapshot["record"]["election"]["id"]
    result.election_id = election_id
    record = expected or SealedRecord.objects.filter(election_id=election_id).first()
    if record is None:
        result.add("unknown_record", election_id)
        return result
    result.record = record
    if result.pdf_sha256 != record.pdf_sha256:
        result.add("bytes_differ", f"SHA-256 {result.pdf_sha256} ≠ {record.pdf_sha256}")
    if expected is None:
        try:
            stored = sealed_pdf_bytes(record)
        except OSError as error:
            result.add("stored_file_changed", str(error)[:200])
        else:
            if sha256_hex(stored) != record.pdf_sha256:
                result.add("stored_file_changed")
    stored_snapshot = json.loads(record.snapshot_json)
    if sha256_hex(record.snapshot_json.encode("utf-8")) != record.snapshot_sha256:
        result.add("record_changed", "the stored snapshot no longer has its SHA-256")
    _check_database(record, stored_snapshot, result)
    return result


def verify_stored(record: SealedRecord) -> VerificationResult:
    """Verify the PDF kept with an election, and the database against it."""
    try:
        data = sealed_pdf_bytes(record)
    except OSError as error:
        result = VerificationResult(record=record, election_id=str(record.election_id))
        result.add("stored_file_changed", str(error)[:200])
        return result
    result = verify_pdf(data, expected=record)
    if result.pdf_sha256 != record.pdf_sha256:
        # For the stored copy, "differs from the stored record" means the file itself changed.
        result.problems = [
            Problem("stored_file_changed", p.detail) if p.code == "bytes_differ" else p
            for p in result.problems
        ]
    return result
