"""The sealed record of an approved election (DESIGN.md §6, R9): PDF, PAdES seal, storage.
The snapshot and the audit hash chain are in ``snapshot.py``, verification in
``verification.py``.

``election_seal`` runs once, inside ``workflow.election_approve``'s transaction, after the status
and stamps are saved: it reads the election as approved, builds the snapshot (the record's facts,
the context needed to read them, and the hash chain over every history event of the election),
renders the PDF from that same state in the parent's language with English beside it, embeds the
snapshot's canonical JSON, seals the PDF with the configured certificate (and a timestamp when a
timestamp authority is configured), and stores the bytes with their SHA-256. If any step fails
the approval fails with it, so no approved election is ever without its PDF. Nothing calls it
again for the same election: a superseded election keeps the PDF it was approved with.
"""

import functools
import io
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from elections import rules, services, workflow
from elections.constants import Role, SignatureRole, Status
from elections.errors import TransitionError
from elections.history import performer_words, reason_label
from elections.models import Election
from elections.models.sealing import SealedRecord
from elections.selectors import election_queryset_for_rules

from .pdf import EmbeddedFile, collector_paused, html_to_pdf
from .sealed_state import election_as_sealed
from .signing_keys import certificate_sha256, ensure_signing_key
from .snapshot import (
    HISTORY_SOURCES,
    SCHEMA,
    build_snapshot,
    canonical_json,
    record_language,
    sha256_hex,
)
from .storage import StoreUnavailable, open_stored, store_errors

logger = logging.getLogger("formsvc.sealing")

ATTACHMENT_NAME = "record.json"
SIGNATURE_FIELD = "FormsvcSeal"
#: Room for an RFC 3161 token with its authority's certificates inside the signature container.
TIMESTAMP_TOKEN_BYTES = 12_288


class SealingFailed(TransitionError):
    """The PDF could not be rendered, sealed or stored; the approval does not take effect."""


# --- The PDF ------------------------------------------------------------------------------------


def qr_png(url: str) -> str:
    """The QR code as inline PNG data: a raster WeasyPrint embeds as is (its SVG path would be
    parsed and drawn by WeasyPrint's Python renderer, which costs more)."""
    import segno

    return segno.make(url, error="m").png_data_uri(scale=6, border=0)


@dataclass
class TrailRow:
    seq: int
    at: datetime
    who: str
    what: str
    why: str
    hash: str
    #: The same event in English, printed below it when the record is in another language.
    english: "TrailRow | None" = None


_TYPE_WORDS = {
    "+": pgettext_lazy("audit trail event", "added"),
    "~": pgettext_lazy("audit trail event", "changed"),
    "-": pgettext_lazy("audit trail event", "removed"),
}
_QUIET_FIELDS = {"updated_at"}
TRAIL_FIELDS_SHOWN = 3


def trail_rows(chain: list[dict], people: dict) -> list[TrailRow]:
    """The chain as the audit-trail page prints it: who, when, what, why. Call inside the
    record's language."""
    models = {source: model for source, model, _key in HISTORY_SOURCES}
    last_state: dict[tuple[str, str], dict] = {}
    rows = []
    for entry in chain:
        model = models[entry["source"]]
        key = (entry["source"], entry["object_id"])
        previous = last_state.get(key)
        what = f"{str(model._meta.verbose_name).capitalize()} {_TYPE_WORDS.get(entry['type'], '')}"
        if entry["type"] == "~" and previous is not None:
            changed = [
                str(model._meta.get_field(name).verbose_name)
                for name, value in entry["fields"].items()
                if name not in _QUIET_FIELDS and previous.get(name) != value
            ]
            if changed:
                # The page names what changed; every value is in the embedded record.json.
                shown = ", ".join(changed[:TRAIL_FIELDS_SHOWN])
                more = len(changed) - TRAIL_FIELDS_SHOWN
                what += f": {shown}" + (f" (+{more})" if more > 0 else "")
        if entry["source"] == "signature" and entry["fields"].get("role") in SignatureRole.values:
            what += f" ({SignatureRole(entry['fields']['role']).label})"
        last_state[key] = entry["fields"]
        rows.append(
            TrailRow(
                seq=entry["seq"],
                at=datetime.fromisoformat(entry["at"]),
                who=_trail_performer(entry, people),
                what=what,
                why=reason_label(entry["reason"]),
                hash=entry["hash"],
            )
        )
    return rows


def _trail_performer(entry: dict, people: dict) -> str:
    """Who performed a chain entry, in words (``history.performer_words``)."""

    def name(user_id) -> str:
        person = people.get(str(user_id)) if user_id else None
        return (person["full_name"] or person["username"]) if person else ""

    performed = entry.get("performed_by") or {}
    session_id = performed.get("session_user_id")
    role = entry["fields"].get("role") if entry["source"] == "signature" else None
    if role in SignatureRole.values:
        role = str(SignatureRole(role).label).lower()
    else:
        person = people.get(str(entry["user_id"])) or {}
        role = str(Role(person["role"]).label).lower() if person.get("role") in Role.values else ""
    return performer_words(
        kind=performed.get("kind", ""),
        user=name(entry["user_id"]),
        owner=name(session_id) if session_id != entry["user_id"] else "",
        role=role,
        name=performed.get("name", ""),
    )


def render_record_html(election: Election, snapshot: dict, *, snapshot_sha256: str) -> str:
    """The record's HTML in the parent's language with English beside it (R10), rendered from
    the snapshot as stored (``sealed_state``: the pages that show an approved record read it
    the same way)."""
    language = snapshot["seal"]["language"]
    trail = snapshot["audit_trail"]
    election = election_as_sealed(election, snapshot)
    sealed_at = snapshot["seal"]["sealed_at"]
    if isinstance(sealed_at, str):
        sealed_at = datetime.fromisoformat(sealed_at)
    with translation.override(language):
        warnings_now = {w.code: w.message for w in rules.warnings(election)}
        acknowledged = [
            {**item, "local": warnings_now.get(item["code"], item["message"])}
            for item in snapshot["record"]["election"]["acknowledged_warnings"]
        ]
        minutes = snapshot["context"]["rules"]["minutes_to_decide"]
        english_beside = not language.startswith("en")
        trail_local = trail_rows(trail["entries"], snapshot["context"]["people"])
        if english_beside:
            with translation.override("en"):
                trail_en = trail_rows(trail["entries"], snapshot["context"]["people"])
            for row, english in zip(trail_local, trail_en, strict=True):
                row.english = english
            _signature_meanings_in_record_language(election)
        context = {
            "election": election,
            "for_pdf": True,
            "english_beside": english_beside,
            "record_language": language,
            "snapshot": snapshot,
            "snapshot_sha256": snapshot_sha256,
            "chain_head": trail["head"],
            "chain_length": trail["length"],
            "trail": trail_local,
            "people": snapshot["context"]["people"],
            "verify_url": snapshot["seal"]["verify_url"],
            "qr_png": qr_png(snapshot["seal"]["verify_url"]),
            "acknowledged_warnings": acknowledged,
            "minutes": None if minutes is None else int(minutes),
            "fast": rules.is_fast_decision(election),
            "sealed_at": sealed_at,
            "certificate": snapshot["seal"]["certificate"],
            "timestamped": bool(snapshot["seal"]["timestamp_authority"]),
            "attestation_local": (
                _catalogue_translation(election.approval_attestation) if english_beside else ""
            ),
        }
        return render_to_string("records/pdf/record.html", context)


def _catalogue():
    """The English of each fixed text stored on a record in English, with its message: a
    signature's meaning, the supervisor's attestation."""
    messages = [
        *services.SIGNATURE_MEANINGS.values(),
        services.PARENT_NO_SIGNATURE_MEANING,
        workflow.APPROVAL_ATTESTATION,
    ]
    with translation.override("en"):
        return {str(message): message for message in messages}


def _catalogue_translation(english: str) -> str:
    """The active language's words for a fixed English text, from the translation catalogue;
    "" when the text is not (or no longer) in it, or the catalogue has no other words for it.
    Only an exact match is translated: the PDF never prints words the signer was not given."""
    message = _catalogue().get(english or "")
    local = str(message) if message is not None else ""
    return local if local != english else ""


def _signature_meanings_in_record_language(election: Election) -> None:
    """Each signature's meaning in the record's language, for the PDF to print beside the
    English (R10): the words shown to the signer when they were not English (the parent, the
    interpreter), else the catalogue's translation of the English the signer read (staff
    signing on an English screen)."""
    for signature in election.signatures.all():
        shown = signature.meaning_translated
        if shown and shown != signature.meaning:
            signature.meaning_local = shown
        else:
            signature.meaning_local = _catalogue_translation(signature.meaning)


# --- The seal -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sealer:
    signer: object  # pyhanko Signer
    certificate_sha256: str
    subject: str
    #: Bytes reserved in the PDF for the signature container (certificates, signature, and
    #: room for a timestamp token), so pyHanko need not sign a dummy first to measure it.
    container_bytes: int


_sealer_cache: dict[tuple, Sealer] = {}
_sealer_lock = threading.Lock()


@functools.cache
def _prepared_signer_class():
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class PreparedKeySigner(SimpleSigner):
        """pyHanko's SimpleSigner re-parses the private key for every signature, and for RSA
        that includes a consistency check costing ~100 ms; this one keeps the parsed key."""

        def __init__(self, *args, private_key, **kwargs):
            super().__init__(*args, **kwargs)
            self._private_key = private_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algorithm = mechanism.signature_algo
            except ValueError:
                algorithm = mechanism["algorithm"].native
            key = self._private_key
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            if algorithm == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), hash_algorithm)
            if algorithm == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                return key.sign(data, ECDSA(hash_algorithm))
            return super().sign_raw(data, digest_algorithm)

    return PreparedKeySigner


def load_sealer() -> Sealer:
    """The configured signing certificate (made first in development), cached per file version."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko.sign import signers

    files, _created = ensure_signing_key()
    stat = files.p12.stat()
    key = (str(files.p12), stat.st_mtime_ns, stat.st_size, str(files.ca))
    with _sealer_lock:
        cached = _sealer_cache.get(key)
        if cached is None:
            data = files.p12.read_bytes()
            other_certs = list(load_certs_from_pemder([str(files.ca)]))
            loaded = signers.SimpleSigner.load_pkcs12_data(
                data, other_certs=other_certs, passphrase=files.password
            )
            private_key = pkcs12.load_key_and_certificates(data, files.password)[0]
            signer = _prepared_signer_class()(
                signing_cert=loaded.signing_cert,
                signing_key=loaded.signing_key,
                cert_registry=loaded.cert_registry,
                private_key=private_key,
            )
            cert = signer.signing_cert
            chain_bytes = sum(len(c.dump()) for c in (cert, *signer.cert_registry))
            cached = Sealer(
                signer=signer,
                certificate_sha256=certificate_sha256(cert.dump()),
                subject=cert.subject.human_friendly,
                container_bytes=4096 + 2 * chain_bytes,
            )
            _sealer_cache.clear()
            _sealer_cache[key] = cached
        return cached


def timestamper():
    """An RFC 3161 client for the configured timestamp authority, or None (PAdES B-B)."""
    if not settings.FORMSVC_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.FORMSVC_TSA_URL, timeout=settings.FORMSVC_TSA_TIMEOUT)


def seal_pdf(pdf: bytes, *, sealer: Sealer, reason: str, location: str) -> bytes:
    """A PAdES signature over the whole file, as a certification signature that allows no
    change at all afterwards, with a signature timestamp when a TSA is configured (B-T)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        reason=reason,
        location=location,
    )
    stamper = timestamper()
    pdf_signer = signers.PdfSigner(metadata, signer=sealer.signer, timestamper=stamper)
    reserved = sealer.container_bytes + (TIMESTAMP_TOKEN_BYTES if stamper else 0)
    return pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()


@dataclass
class SealResult:
    pdf: bytes
    snapshot_json: bytes
    snapshot: dict
    html: str


def render_record_pdf(
    election: Election, *, html: str, snapshot_json: bytes, snapshot_sha256: str, sealed_at
) -> bytes:
    """The record's PDF before its seal: ``html`` as tagged PDF/A-3a with the snapshot embedded.

    The one render of ``render_and_seal``; the PDF benchmark times it alone as its reference."""
    return html_to_pdf(
        html,
        attachments=(
            EmbeddedFile(
                name=ATTACHMENT_NAME,
                data=snapshot_json,
                description=f"formsvc record {election.pk} ({SCHEMA}), SHA-256 {snapshot_sha256}",
            ),
        ),
        created=election.approved_at or sealed_at,
        identifier=election.pk.hex.encode("ascii"),
    )


def render_and_seal(election: Election, *, sealed_at: datetime | None = None) -> SealResult:
    """Snapshot, HTML, tagged PDF/A-3a with the snapshot embedded, and the seal; nothing stored."""
    # The whole of it without cyclic collections (see pdf.collector_paused): a full collection
    # walks the application's heap and would cost a quarter of the seal again.
    with collector_paused():
        sealed_at = sealed_at or timezone.now()
        sealer = load_sealer()
        language = record_language(election)
        snapshot = build_snapshot(
            election,
            language=language,
            sealed_at=sealed_at,
            certificate={"sha256": sealer.certificate_sha256, "subject": sealer.subject},
        )
        snapshot_json = canonical_json(snapshot)
        snapshot_sha256 = sha256_hex(snapshot_json)
        # Rendered from the JSON as stored, exactly what the record's pages read back later.
        html = render_record_html(
            election, json.loads(snapshot_json), snapshot_sha256=snapshot_sha256
        )
        pdf = render_record_pdf(
            election,
            html=html,
            snapshot_json=snapshot_json,
            snapshot_sha256=snapshot_sha256,
            sealed_at=sealed_at,
        )
        sealed = seal_pdf(
            pdf,
            sealer=sealer,
            reason=f"Approved election record {election.reference}; snapshot SHA-256 {snapshot_sha256}",
            location=election.office.name,
        )
        return SealResult(pdf=sealed, snapshot_json=snapshot_json, snapshot=snapshot, html=html)


def election_seal(*, election: Election) -> SealedRecord:
    """Render, seal and store the record of an election just approved (R9).

    Called by ``workflow.election_approve`` inside its transaction, after the approval is saved;
    any failure raises ``SealingFailed`` and rolls the approval back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise SealingFailed(_("A record is sealed only as part of its approval."))
    approved = election_queryset_for_rules().get(pk=election.pk)
    if approved.status != Status.APPROVED:
        raise SealingFailed(_("Only an approved election is sealed."))
    if SealedRecord.objects.filter(election_id=approved.pk).exists():
        raise SealingFailed(_("This election was sealed already; its PDF is never made again."))
    sealed_at = timezone.now()
    try:
        result = render_and_seal(approved, sealed_at=sealed_at)
        snapshot = result.snapshot
        record = SealedRecord(
            election=approved,
            pdf_sha256=sha256_hex(result.pdf),
            pdf_size=len(result.pdf),
            snapshot_json=result.snapshot_json.decode("utf-8"),
            snapshot_sha256=sha256_hex(result.snapshot_json),
            chain_head=snapshot["audit_trail"]["head"],
            chain_length=snapshot["audit_trail"]["length"],
            language=snapshot["seal"]["language"],
            certificate_sha256=snapshot["seal"]["certificate"]["sha256"],
            timestamped=bool(snapshot["seal"]["timestamp_authority"]),
            created_at=sealed_at,
        )
        _store(record, result.pdf, reference=approved.reference)
    except SealingFailed:
        raise
    except StoreUnavailable as error:
        logger.exception("sealing election %s failed: the store is unavailable", approved.reference)
        raise SealingFailed(
            _(
                "The record store could not be reached, so the sealed PDF was not saved and the "
                "election was not approved; nothing was changed. Try again in a few minutes; if "
                "it fails again, tell an administrator."
            )
        ) from error
    except Exception as error:
        logger.exception("sealing election %s failed", approved.reference)
        raise SealingFailed(
            _(
                "The sealed PDF of this record could not be made, so the election was not "
                "approved. Try again; if it fails again, tell an administrator."
            )
        ) from error
    logger.info(
        "sealed election %s: PDF SHA-256 %s, chain head %s",
        approved.reference,
        record.pdf_sha256,
        record.chain_head,
    )
    return record


def _store(record: SealedRecord, pdf: bytes, *, reference: str) -> None:
    """Write the PDF, then its row, inside the approval's transaction.

    The file goes first, so a committed row always has its file; its name carries the PDF's
    hash, so an approval tried again never meets (or overwrites) the file of an earlier attempt.
    If writing the row fails, the file just written is deleted again: no PDF is left without its
    row. (Only a failure of the commit itself, after this returns, could leave one behind: it is
    unreferenced, so nothing ever serves it.)
    """
    name = f"record-{reference}-{record.pdf_sha256[:12]}.pdf"
    try:
        record.pdf.save(name, ContentFile(pdf), save=False)
    except store_errors() as error:
        raise StoreUnavailable("the sealed PDF could not be written") from error
    try:
        record.save()
    except BaseException:
        try:
            record.pdf.storage.delete(record.pdf.name)
        except store_errors():
            logger.exception("sealing: could not remove %s after a failed save", record.pdf.name)
        raise


def sealed_pdf_bytes(record: SealedRecord) -> bytes:
    """The stored PDF's bytes, for verification (which reads the whole PDF). Downloads use
    ``storage.checked_pdf`` instead, which never holds the file in memory. Raises
    ``StoreUnavailable`` (an ``OSError``) when the store cannot give it."""
    with open_stored(record.pdf.name) as source:
        return source.read()
