"""Helpers for the sealed-record tests: signing keys in a temporary folder, a local RFC 3161
timestamp authority, an approved (and so sealed) election, and reading a PDF back."""

import subprocess
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from elections import rules, workflow
from elections.constants import Decision
from elections.models import Election
from elections.records.signing_keys import issue, make_ca, write_pkcs12
from tests.factories import STAFF_PASSWORD, ChildDataFactory, ElectionFactory, fresh


def approve(election: Election, supervisor) -> Election:
    """Approve as a supervisor does, acknowledging every warning; approval seals the record."""
    election = fresh(election)
    workflow.election_approve(
        election=election,
        actor=supervisor,
        password=STAFF_PASSWORD,
        attestation_confirmed=True,
        acknowledged_warnings=[w.code for w in rules.warnings(election)],
    )
    return fresh(election)


def two_child_election(office, officer, witness, **kwargs) -> Election:
    """A submitted election for two children: one goes with the parent, one stays."""
    kwargs.setdefault("children", [ChildDataFactory(), ChildDataFactory()])
    kwargs.setdefault("decisions", [Decision.REUNIFY, Decision.WAIVE])
    return ElectionFactory(
        office=office, presented_by=officer, witness=witness, submitted=True, **kwargs
    )


def pdf_text(data: bytes) -> str:
    """What pdftotext reads from the PDF (poppler-utils), in content order: a table cell's text
    stays together instead of being interleaved with the next column's, line by line."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


# --- Keys -------------------------------------------------------------------------------------


@dataclass
class KeySet:
    p12: Path
    password: str
    ca: Path


def make_keyset(folder: Path, name: str) -> KeySet:
    """A CA and a document-signing certificate it issued, as PKCS#12 and PEM files."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = make_ca(f"{name} CA", organisation="formsvc tests")
    key, cert = issue(ca_key, ca_cert, f"{name} seal", organisation="formsvc tests")
    keyset = KeySet(p12=folder / "seal.p12", password="test-seal", ca=folder / "ca.pem")
    keyset.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    write_pkcs12(keyset.p12, key, cert, [ca_cert], keyset.password.encode())
    return keyset


def use_keyset(settings, keyset: KeySet) -> None:
    settings.FORMSVC_SIGNING_P12 = keyset.p12
    settings.FORMSVC_SIGNING_P12_PASSWORD = keyset.password
    settings.FORMSVC_SIGNING_CA = keyset.ca


# --- A local timestamp authority ----------------------------------------------------------------


@dataclass
class TimestampAuthority:
    url: str
    ca: Path
    requests: list


@contextmanager
def local_tsa(folder: Path):
    """An RFC 3161 timestamp authority on the loopback interface, with its own root.

    pyHanko's DummyTimeStamper answers the requests; the client under test reaches it over HTTP
    exactly as it would reach a real authority.
    """
    import asyncio

    from asn1crypto import keys, tsp, x509
    from pyhanko.sign.timestamps import DummyTimeStamper

    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = make_ca("formsvc test timestamp CA", organisation="formsvc tests")
    key, cert = issue(
        ca_key, ca_cert, "formsvc test TSA", organisation="formsvc tests", purpose="timestamping"
    )
    ca_path = folder / "tsa-ca.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    stamper = DummyTimeStamper(
        tsa_cert=x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    seen: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415)
                return
            request = tsp.TimeStampReq.load(body)
            seen.append(request)
            reply = asyncio.run(stamper.async_request_tsa_response(request)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TimestampAuthority(
            url=f"http://127.0.0.1:{server.server_address[1]}/", ca=ca_path, requests=seen
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
