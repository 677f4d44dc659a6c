"""The certificate that seals approved records, and the development one made on first use.

Production configures a PKCS#12 file issued by the agency's CA (``FORMSVC_SIGNING_P12``,
``FORMSVC_SIGNING_P12_PASSWORD``, ``FORMSVC_SIGNING_CA``; see settings.py). In development and
tests nothing has to be configured: the first seal, ``make run``/``make test`` or
``manage.py ensure_signing_key`` creates a throwaway CA and a signing certificate under
``VAR_DIR/signing`` (ignored by git, never committed).
"""

import datetime
import fcntl
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: id-kp-documentSigning (RFC 9336): the certificate is meant for signing documents.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
DEVELOPMENT_ORGANISATION = "formsvc development (not for real records)"


class SigningKeyMissing(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class SigningFiles:
    p12: Path
    password: bytes | None
    ca: Path


def configured_files() -> SigningFiles:
    password = settings.FORMSVC_SIGNING_P12_PASSWORD
    return SigningFiles(
        p12=Path(settings.FORMSVC_SIGNING_P12),
        password=password.encode() if password else None,
        ca=Path(settings.FORMSVC_SIGNING_CA),
    )


def development_keys_allowed() -> bool:
    """A throwaway certificate may be made only where no real record is sealed."""
    return bool(settings.DEBUG or settings.TESTING)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )


def make_ca(
    common_name: str, *, organisation: str = DEVELOPMENT_ORGANISATION, years: int = 20
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A self-signed root that may only issue end-entity certificates."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = _name(common_name, organisation)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue(
    ca_key,
    ca_cert: x509.Certificate,
    common_name: str,
    *,
    organisation: str = DEVELOPMENT_ORGANISATION,
    purpose: str = "document",
    years: int = 10,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """An end-entity certificate for sealing documents (``purpose="document"``) or for a
    timestamp authority (``purpose="timestamping"``)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    now = datetime.datetime.now(datetime.UTC)
    if purpose == "timestamping":
        # RFC 3161 2.3: a TSA certificate has exactly this one critical extended key usage.
        usage = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING])
        critical_usage = True
    else:
        usage = x509.ExtendedKeyUsage([DOCUMENT_SIGNING])
        critical_usage = False
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(usage, critical=critical_usage)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def _write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def write_pkcs12(path: Path, key, cert, chain: list, password: bytes | None) -> None:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(b"formsvc seal", key, cert, chain, encryption)
    _write_atomically(path, data)


def generate_development_keys(files: SigningFiles) -> None:
    """A fresh development CA and a sealing certificate it issued, in ``files``' paths.

    The CA's private key is not kept: nothing else will ever be issued under it.
    """
    ca_key, ca_cert = make_ca("formsvc development CA")
    key, cert = issue(ca_key, ca_cert, "formsvc development record seal")
    files.p12.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(files.ca, ca_cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
    write_pkcs12(files.p12, key, cert, [ca_cert], files.password)


_generate_lock = threading.Lock()


def ensure_signing_key(*, allow_development: bool | None = None) -> tuple[SigningFiles, bool]:
    """Make sure the configured signing files exist; returns them and whether they were created.

    Missing files are generated only when development keys are allowed (DEBUG or tests, or the
    caller says so); otherwise a missing certificate is a configuration error.
    """
    files = configured_files()
    if files.p12.exists() and files.ca.exists():
        return files, False
    if allow_development is None:
        allow_development = development_keys_allowed()
    if not allow_development:
        raise SigningKeyMissing(
            f"No signing certificate at {files.p12} (FORMSVC_SIGNING_P12) or no CA at "
            f"{files.ca} (FORMSVC_SIGNING_CA)."
        )
    files.p12.parent.mkdir(parents=True, exist_ok=True)
    # Two processes starting at once (a test run and a dev server) must not make two CAs.
    with _generate_lock, open(files.p12.parent / ".generate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if files.p12.exists() and files.ca.exists():
            return files, False
        generate_development_keys(files)
    return files, True


def certificate_sha256(cert_der: bytes) -> str:
    return hashlib.sha256(cert_der).hexdigest()
