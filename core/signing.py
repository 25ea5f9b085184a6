"""
Signed PDFs: a PAdES signature with the portal's key and certificate (pyHanko), and its check.

`sign_pdf(data, reason=…, location=…)` adds a PAdES signature (B-B; B-T, with a trusted timestamp,
when `PDF_TIMESTAMP_URL` names an RFC 3161 timestamp authority) as an incremental update: the bytes
signed are the file as it was, so a PDF/A file stays PDF/A. Without a key configured it returns the
bytes unchanged (the deployment check says so: `check_signing_configuration`).

`check_pdf_signature(data)` reads a file back: whether it is signed, intact, by the portal's
certificate (or a former one, `PDF_SIGNING_FORMER_CERTS`, after a key rotation), whether the signature
covers the whole file, who signed and when. It never raises on garbage: `problem` says why.

Configuration (settings, read from the environment: README "Signed PDFs"): `PDF_SIGNING_KEY` and
`PDF_SIGNING_CERT` (PEM files), `PDF_SIGNING_KEY_PASSWORD`, `PDF_SIGNING_CHAIN` (intermediate
certificates, comma-separated files), `PDF_SIGNING_FORMER_CERTS` (comma-separated files),
`PDF_TIMESTAMP_URL`, `PDF_TIMESTAMP_CERTS` (the certificates — the authority's or its root — whose
timestamps the check trusts; comma-separated files). The signer is loaded once per process and
configuration (cached), not per PDF.

Which PDFs are signed is the site's choice (portal/): only those of a published record; a draft or
circulated record is not official and its PDFs stay unsigned.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The name of the portal's signature field in the PDFs it signs.
FIELD_NAME = "IISGPortalSignature"
# A certificate expiring within this many days is warned about by the deployment check.
EXPIRY_WARNING_DAYS = 30


# --- Configuration -----------------------------------------------------------------------------------


def signing_configured() -> bool:
    """A signing key and certificate are configured: the portal's official PDFs are signed."""
    return bool(getattr(settings, "PDF_SIGNING_KEY", "") and getattr(settings, "PDF_SIGNING_CERT", ""))


def _paths(value) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    return tuple(str(path).strip() for path in value if str(path).strip())


@functools.lru_cache(maxsize=4)
def _load_signer(key_path: str, cert_path: str, password: str, chain: tuple[str, ...]):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(
        key_path,
        cert_path,
        ca_chain_files=chain or None,
        key_passphrase=password.encode() if password else None,
    )
    if signer is None:
        raise ImproperlyConfigured(
            f"The PDF signing key ({key_path}) or certificate ({cert_path}) cannot be read"
            " (PDF_SIGNING_KEY, PDF_SIGNING_CERT, PDF_SIGNING_KEY_PASSWORD)."
        )
    return signer


def _signer():
    """The portal's signer (pyHanko's SimpleSigner), loaded once per process and configuration; None if none."""
    if not signing_configured():
        return None
    return _load_signer(
        str(settings.PDF_SIGNING_KEY),
        str(settings.PDF_SIGNING_CERT),
        getattr(settings, "PDF_SIGNING_KEY_PASSWORD", "") or "",
        _paths(getattr(settings, "PDF_SIGNING_CHAIN", ())),
    )


@functools.lru_cache(maxsize=8)
def _load_certs(paths: tuple[str, ...]) -> tuple:
    from pyhanko.keys import load_certs_from_pemder

    return tuple(load_certs_from_pemder(list(paths))) if paths else ()


def _portal_certificates() -> tuple:
    """The portal's certificate and its former ones (asn1crypto certificates): what `by_portal` accepts."""
    paths = _paths(getattr(settings, "PDF_SIGNING_FORMER_CERTS", ()))
    if getattr(settings, "PDF_SIGNING_CERT", ""):
        paths = (str(settings.PDF_SIGNING_CERT), *paths)
    try:
        return _load_certs(paths)
    except (OSError, ValueError) as error:
        logger.error("A PDF signing certificate cannot be read: %s", error)
        return ()


def _timestamp_authorities() -> tuple:
    """The certificates of the timestamp authorities whose timestamps the check trusts (PDF_TIMESTAMP_CERTS)."""
    try:
        return _load_certs(_paths(getattr(settings, "PDF_TIMESTAMP_CERTS", ())))
    except (OSError, ValueError) as error:
        logger.error("A timestamp authority's certificate cannot be read: %s", error)
        return ()


def _fingerprint(cert) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def signing_certificate_id() -> str:
    """A short id of the configured signing certificate ("" when none): part of the key of a stored signed file."""
    if not signing_configured():
        return ""
    return _fingerprint(_signer().signing_cert)[:16]


def _timestamper():
    url = getattr(settings, "PDF_TIMESTAMP_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)


def outside_a_running_loop(function, /, *args, **kwargs):
    """
    `function(*args, **kwargs)`, a call of pyHanko's synchronous API, which runs its own event loop with
    `asyncio.run()`: that refuses to start inside a running loop (an async view under ASGI; a thread that
    drives a browser through Playwright's synchronous API). There the call runs in a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


# --- Signing -----------------------------------------------------------------------------------------


def sign_pdf(data: bytes, *, reason: str, location: str = "") -> bytes:
    """
    PAdES signature (B-B; B-T with a trusted timestamp when a timestamp authority is configured) made
    with the portal's key and certificate. Returns `data` unchanged when no key is configured.
    """
    signer = _signer()
    if signer is None:
        return data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    existing = {name for name, _value, _ref in fields.enumerate_sig_fields(writer.prev)}
    # A file signed before (a stored copy signed again) gets a field of its own: the first stays as it is.
    field_name, number = FIELD_NAME, 1
    while field_name in existing:
        number += 1
        field_name = f"{FIELD_NAME}{number}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    output = outside_a_running_loop(signers.sign_pdf, writer, meta, signer=signer, timestamper=_timestamper())
    return output.getvalue()


# --- Checking ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool  # the file carries at least one signature
    intact: bool  # the signed bytes are unchanged (cryptographically valid)
    by_portal: bool  # made with the portal's certificate (or one listed as a former one)
    covers_whole_file: bool  # nothing was added after the signature
    signer: str  # the certificate's subject, readable ("" when unsigned)
    signed_at: datetime | None  # the timestamp's time if any, else the signing time claimed
    timestamped: bool
    problem: str  # a translated, human sentence when something is wrong; "" when all is well

    @property
    def official(self) -> bool:
        return self.signed and self.intact and self.by_portal and self.covers_whole_file


def _unsigned(problem: str) -> SignatureCheck:
    return SignatureCheck(
        signed=False,
        intact=False,
        by_portal=False,
        covers_whole_file=False,
        signer="",
        signed_at=None,
        timestamped=False,
        problem=problem,
    )


def _validation_context(certificates):
    from pyhanko_certvalidator import ValidationContext

    # Trust is the portal's own question (by_portal, by fingerprint); nothing is fetched from the network.
    return ValidationContext(trust_roots=list(certificates), allow_fetching=False, revocation_mode="soft-fail")


def check_pdf_signature(data: bytes) -> SignatureCheck:
    """
    Every signature of the PDF `data`, checked: all intact, and the last — the one that may cover the whole
    file — the portal's (`by_portal`, `signer` and the time are the last one's). Never raises on garbage
    input: `problem` says why.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        reader = PdfFileReader(io.BytesIO(bytes(data)), strict=False)
        filled = [name for name, _value, _ref in enumerate_sig_fields(reader, filled_status=True)]
    except Exception:  # any file at all may come in: a reader's error is "not a PDF"
        return _unsigned(_("This file is not a PDF that can be read."))
    if not filled:
        return _unsigned(_("This PDF carries no signature."))
    certificates = _portal_certificates()
    try:
        # Every signature is checked, not only the last: an earlier one broken is a changed file, and the
        # signature covering the whole file (the last) must be the portal's.
        statuses = [
            outside_a_running_loop(
                validate_pdf_signature,
                embedded,
                signer_validation_context=_validation_context(certificates),
                ts_validation_context=_validation_context(_timestamp_authorities()),
                skip_diff=True,
            )
            for embedded in reader.embedded_regular_signatures
        ]
        if not statuses:
            raise ValueError("a filled signature field without a signature")
    except Exception:  # a malformed signature is a broken one, never a 500
        logger.info("A PDF signature could not be validated", exc_info=True)
        return SignatureCheck(
            signed=True,
            intact=False,
            by_portal=False,
            covers_whole_file=False,
            signer="",
            signed_at=None,
            timestamped=False,
            problem=_("The PDF's signature is damaged: it cannot be checked."),
        )
    status = statuses[-1]
    cert = status.signing_cert
    by_portal = _fingerprint(cert) in {_fingerprint(known) for known in certificates}
    intact = all(each.intact and each.valid for each in statuses)
    covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # A timestamp token sits outside what the signature covers (an unsigned attribute): only one from a
    # timestamp authority the portal trusts (PDF_TIMESTAMP_CERTS) gives the time; else the time the
    # portal's signature itself states (covered by it).
    stamp = status.timestamp_validity
    timestamped = bool(stamp is not None and stamp.intact and stamp.valid and stamp.trusted)
    signed_at = stamp.timestamp if timestamped else status.signer_reported_dt
    if not intact:
        problem = _("The PDF was changed after it was signed: its signature does not match its content.")
    elif not covers_whole_file:
        problem = _("Something was added to the PDF after it was signed: the signature does not cover the whole file.")
    elif not by_portal:
        problem = _("The PDF was not signed by this portal: its signature was made with another certificate.")
    else:
        problem = ""
    return SignatureCheck(
        signed=True,
        intact=intact,
        by_portal=by_portal,
        covers_whole_file=covers_whole_file,
        signer=cert.subject.human_friendly,
        signed_at=signed_at,
        timestamped=timestamped,
        problem=problem,
    )


# --- The deployment check ----------------------------------------------------------------------------


def check_signing_configuration(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: unsigned PDFs, an unreadable, mismatched, expired or expiring certificate."""
    if not signing_configured():
        return [
            checks.Warning(
                "No PDF signing key is configured: PDFs are served unsigned.",
                hint="Set PDF_SIGNING_KEY and PDF_SIGNING_CERT (README: Signed PDFs).",
                id="core.W001",
            )
        ]
    try:
        signer = _signer()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="core.E001")]
    messages = []
    cert = signer.signing_cert
    if not _key_matches(signer):
        messages.append(
            checks.Error(
                "The PDF signing certificate does not match the signing key: every signature would be invalid.",
                hint="PDF_SIGNING_CERT must be the certificate of the key in PDF_SIGNING_KEY.",
                id="core.E002",
            )
        )
    not_after = cert.not_valid_after
    now = datetime.now(UTC)
    if not_after <= now:
        messages.append(
            checks.Error(
                f"The PDF signing certificate expired on {not_after.date().isoformat()}.",
                hint="Get a new certificate (README: Signed PDFs, key rotation).",
                id="core.E003",
            )
        )
    elif not_after <= now + timedelta(days=EXPIRY_WARNING_DAYS):
        messages.append(
            checks.Warning(
                f"The PDF signing certificate expires on {not_after.date().isoformat()}, "
                f"within {EXPIRY_WARNING_DAYS} days.",
                hint="Get a new certificate (README: Signed PDFs, key rotation).",
                id="core.W002",
            )
        )
    return messages


def _key_matches(signer) -> bool:
    """The certificate's public key is the signing key's."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    private = load_der_private_key(signer.signing_key.dump(), password=None)
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    ours = private.public_key().public_bytes(serialization.Encoding.DER, spki)
    return ours == signer.signing_cert.public_key.dump()


# --- A throwaway key ---------------------------------------------------------------------------------


def make_self_signed_key(
    out_dir, *, days: int = 365, name: str = "IISG Board Portal (demo)", file_stem: str = "pdf-signing"
) -> tuple[str, str]:
    """
    A new EC P-256 key and a self-signed certificate for it, valid `days` days, written as PEM files in
    `out_dir` (the key readable by its owner only): (key path, certificate path). For the demo and the
    tests (manage.py make_signing_key); a production portal's certificate comes from a CA (README).
    """
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
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
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / f"{file_stem}.key.pem", folder / f"{file_stem}.cert.pem"
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)
