"""
core/signing.py: a PDF signed with the portal's key reads back as official (pyHanko's validator, and
poppler's pdfsig); a changed file, another signer, garbage are told apart; a former certificate is still
the portal's; the timestamp path (a local RFC 3161 authority); the deployment check; make_signing_key.
"""

import asyncio
import concurrent.futures
import datetime as dt
import io
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from django.core.management import call_command

from core import signing
from core.signing import check_pdf_signature, check_signing_configuration, make_self_signed_key, sign_pdf
from tests.signing.pdfs import (
    FIXED_TIME,
    appended_update,
    changed_in_place,
    local_timestamp_authority,
    pdfsig,
    small_pdf,
    timestamp_authority_key,
)

REASON = "Official record of the IISG Board Portal"


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    return small_pdf()


@pytest.fixture(scope="module")
def other_key(tmp_path_factory):
    return make_self_signed_key(tmp_path_factory.mktemp("other"), name="Someone Else")


@pytest.fixture
def signed(unsigned) -> bytes:
    return sign_pdf(unsigned, reason=REASON, location="portal.example")


def test_a_signed_pdf_is_official(signed, unsigned, settings):
    check = check_pdf_signature(signed)
    assert check.official
    assert (check.signed, check.intact, check.by_portal, check.covers_whole_file) == (True, True, True, True)
    assert "IISG Board Portal (test suite)" in check.signer
    assert check.problem == ""
    assert not check.timestamped
    assert abs(check.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    # An incremental update: the file as it was is the signed file's start, byte for byte.
    assert signed.startswith(unsigned)


def test_pyhankos_validator_reads_a_pades_signature_with_the_reason_and_location(signed):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    [embedded] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.sig_object["/Reason"] == REASON
    assert embedded.sig_object["/Location"] == "portal.example"
    context = signing._validation_context(signing._portal_certificates())
    status = signing.outside_a_running_loop(
        validate_pdf_signature, embedded, signer_validation_context=context, skip_diff=True
    )
    assert (status.intact, status.valid) == (True, True)
    assert status.md_algorithm == "sha256"


def test_pdfsig_finds_the_signature_valid(signed, tmp_path):
    report = pdfsig(signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "IISG Board Portal (test suite)" in report
    assert "Total document signed" in report
    assert "ETSI.CAdES.detached" in report


def test_pdfsig_finds_a_changed_file_invalid(signed, tmp_path):
    report = pdfsig(changed_in_place(signed), tmp_path)
    assert "Signature Validation: Signature is Valid." not in report


def test_a_byte_changed_after_signing_breaks_the_signature(signed):
    check = check_pdf_signature(changed_in_place(signed))
    assert check.signed
    assert not check.intact
    assert not check.official
    assert "changed after it was signed" in check.problem


def test_an_update_added_after_signing_is_no_longer_the_whole_file(signed):
    check = check_pdf_signature(appended_update(signed))
    assert (check.signed, check.intact, check.by_portal) == (True, True, True)
    assert not check.covers_whole_file
    assert not check.official
    assert "added to the PDF after it was signed" in check.problem


def test_a_pdf_signed_with_another_key_is_not_the_portals(unsigned, other_key, settings):
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = other_key
    foreign = sign_pdf(unsigned, reason=REASON)
    from tests.signing_key import suite_signing_key

    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = suite_signing_key()
    check = check_pdf_signature(foreign)
    assert (check.signed, check.intact, check.covers_whole_file) == (True, True, True)
    assert not check.by_portal
    assert not check.official
    assert "Someone Else" in check.signer
    assert "not signed by this portal" in check.problem


def test_a_former_certificate_is_still_the_portals(unsigned, other_key, settings, tmp_path):
    former_key, former_cert = other_key
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = former_key, former_cert
    old = sign_pdf(unsigned, reason=REASON)
    # The key is rotated: a new one signs, the old certificate is listed as a former one.
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = make_self_signed_key(tmp_path, name="New key")
    settings.PDF_SIGNING_FORMER_CERTS = [former_cert]
    assert check_pdf_signature(old).official
    assert check_pdf_signature(sign_pdf(unsigned, reason=REASON)).official
    settings.PDF_SIGNING_FORMER_CERTS = []
    assert not check_pdf_signature(old).by_portal


def test_a_pdf_signed_twice_keeps_both_signatures_and_the_last_is_checked(signed, tmp_path):
    twice = sign_pdf(signed, reason=REASON)
    from pyhanko.pdf_utils.reader import PdfFileReader

    assert len(PdfFileReader(io.BytesIO(twice)).embedded_signatures) == 2
    assert check_pdf_signature(twice).official
    assert pdfsig(twice, tmp_path).count("Signature is Valid.") == 2


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"%PDF-1.7\n",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF",
        bytes(range(256)),
    ],
)
def test_garbage_is_never_an_error(data):
    check = check_pdf_signature(data)
    assert (check.signed, check.official) == (False, False)
    assert check.problem == "This file is not a PDF that can be read."


def test_an_unsigned_pdf_says_so(unsigned):
    check = check_pdf_signature(unsigned)
    assert (check.signed, check.official, check.signer, check.signed_at) == (False, False, "", None)
    assert check.problem == "This PDF carries no signature."


def test_a_damaged_signature_is_said_not_raised(signed):
    # The signature's bytes (the hex string in /Contents) overwritten with other hex digits.
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    damaged = signed[:start] + b"00" * 40 + signed[start + 80 :]
    check = check_pdf_signature(damaged)
    assert check.signed
    assert not check.official
    assert check.problem


def test_without_a_key_pdfs_are_served_unsigned_and_the_deployment_check_says_so(unsigned, settings):
    settings.PDF_SIGNING_KEY = settings.PDF_SIGNING_CERT = ""
    assert not signing.signing_configured()
    assert sign_pdf(unsigned, reason=REASON) is unsigned
    assert signing.signing_certificate_id() == ""
    [warning] = check_signing_configuration()
    assert warning.id == "core.W001"
    assert "PDFs are served unsigned" in warning.msg


def test_the_deployment_check_is_registered_for_deploy_only():
    from django.core.checks import registry

    assert check_signing_configuration in registry.registry.get_checks(include_deployment_checks=True)
    assert check_signing_configuration not in registry.registry.get_checks(include_deployment_checks=False)


def test_a_good_key_passes_the_deployment_check():
    assert check_signing_configuration() == []


def test_a_certificate_expiring_soon_is_warned_about(settings, tmp_path):
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = make_self_signed_key(tmp_path, days=10)
    [warning] = check_signing_configuration()
    assert warning.id == "core.W002"
    assert "within 30 days" in warning.msg


def _certificate(key, *, days_from: int, days_to: int, name: str = "Expired") -> bytes:
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=days_from))
        .not_valid_after(now + dt.timedelta(days=days_to))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def test_an_expired_certificate_is_an_error(settings, tmp_path):
    key_path, _cert = make_self_signed_key(tmp_path)
    key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password=None)
    expired = tmp_path / "expired.pem"
    expired.write_bytes(_certificate(key, days_from=-400, days_to=-1))
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = key_path, str(expired)
    [error] = check_signing_configuration()
    assert error.id == "core.E003"
    assert "expired" in error.msg


def test_a_certificate_of_another_key_is_an_error(settings, tmp_path, other_key):
    key_path, _cert = make_self_signed_key(tmp_path)
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = key_path, other_key[1]
    [error] = check_signing_configuration()
    assert error.id == "core.E002"
    assert "does not match" in error.msg


def test_an_unreadable_key_is_an_error(settings, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = str(bad), str(bad)
    [error] = check_signing_configuration()
    assert error.id == "core.E001"


def test_a_timestamp_authority_makes_the_signature_b_t(unsigned, settings, tmp_path):
    tsa_key, tsa_cert = timestamp_authority_key(tmp_path)
    with local_timestamp_authority(tsa_key, tsa_cert) as url:
        settings.PDF_TIMESTAMP_URL = url
        stamped = sign_pdf(unsigned, reason=REASON)
    settings.PDF_TIMESTAMP_CERTS = [tsa_cert]
    check = check_pdf_signature(stamped)
    assert check.official
    assert check.timestamped
    assert check.signed_at == FIXED_TIME
    report = pdfsig(stamped, tmp_path)
    assert "Signature Validation: Signature is Valid." in report


def test_a_timestamp_of_an_authority_not_trusted_gives_no_time(unsigned, settings, tmp_path):
    # The token sits outside what the signature covers: anyone could put one of their own there.
    tsa_key, tsa_cert = timestamp_authority_key(tmp_path)
    with local_timestamp_authority(tsa_key, tsa_cert) as url:
        settings.PDF_TIMESTAMP_URL = url
        stamped = sign_pdf(unsigned, reason=REASON)
    check = check_pdf_signature(stamped)
    assert check.official
    assert not check.timestamped
    # The time the portal's signature states instead (covered by it), not the authority's.
    assert abs(check.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_the_signer_is_loaded_once_per_configuration(unsigned):
    signing._load_signer.cache_clear()
    for _ in range(3):
        sign_pdf(unsigned, reason=REASON)
    assert signing._load_signer.cache_info().misses == 1


def test_make_signing_key_prints_the_two_environment_lines(tmp_path, settings):
    out = io.StringIO()
    call_command("make_signing_key", "--out", str(tmp_path / "keys"), "--days", "5", "--name", "Demo", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert set(lines) == {"PDF_SIGNING_KEY", "PDF_SIGNING_CERT"}
    assert (tmp_path / "keys" / "pdf-signing.key.pem").stat().st_mode & 0o077 == 0
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = lines["PDF_SIGNING_KEY"], lines["PDF_SIGNING_CERT"]
    check = check_pdf_signature(sign_pdf(small_pdf(), reason=REASON))
    assert (check.signed, check.intact, check.signer) == (True, True, "Common Name: Demo")
    [warning] = check_signing_configuration()  # 5 days: expiring soon
    assert warning.id == "core.W002"


def test_a_key_with_a_password_signs(unsigned, settings, tmp_path):
    key_path, cert_path = make_self_signed_key(tmp_path, name="Locked key")
    key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password=None)
    locked = tmp_path / "locked.key.pem"
    locked.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"correct horse"),
        )
    )
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = str(locked), cert_path
    settings.PDF_SIGNING_KEY_PASSWORD = "correct horse"
    assert check_pdf_signature(sign_pdf(unsigned, reason=REASON)).official
    assert check_signing_configuration() == []
    settings.PDF_SIGNING_KEY_PASSWORD = "wrong"
    [error] = check_signing_configuration()
    assert error.id == "core.E001"


def test_signing_and_checking_work_inside_a_running_event_loop(unsigned):
    # pyHanko's synchronous API starts an event loop of its own (asyncio.run), which a running loop refuses:
    # an async view, or a process that drives a browser through Playwright's synchronous API.
    async def inside_a_loop():
        signed = sign_pdf(unsigned, reason=REASON)
        return signed, check_pdf_signature(signed)

    # In a thread of its own: the test's own thread may already run a loop (a browser test before it).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        signed, check = pool.submit(asyncio.run, inside_a_loop()).result()
    assert signed != unsigned
    assert check.official, check.problem
