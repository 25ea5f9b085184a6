"""Helpers of the signing tests: a small PDF/A file, pdfsig's verdict, a local RFC 3161 timestamp authority."""

import asyncio
import contextlib
import datetime as dt
import io
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.pdf import PDF_VARIANT


def small_pdf(text: str = "Minutes of the Board") -> bytes:
    """A one-page PDF/A-3a file, as core.pdf makes them (WeasyPrint)."""
    import weasyprint

    html = f'<html lang="en"><head><title>Test</title></head><body><h1>{text}</h1></body></html>'
    return weasyprint.HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)


def pdfsig(data: bytes, tmp_path) -> str:
    """poppler's pdfsig report of `data`; skipped when pdfsig is missing (failed in CI: .ci/run installs it)."""
    command = shutil.which("pdfsig")
    if command is None:
        reason = "pdfsig (poppler-utils) is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: in CI it must run (.ci/run installs poppler-utils).")
        pytest.skip(reason)
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    result = subprocess.run([command, str(path)], capture_output=True, text=True, timeout=30, check=False)
    return result.stdout + result.stderr


def appended_update(data: bytes) -> bytes:
    """`data` with an incremental update added after its signature (a changed title), as an editor would."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    info = writer.trailer["/Info"]
    info[generic.NameObject("/Title")] = generic.TextStringObject("Forged minutes")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def changed_in_place(data: bytes) -> bytes:
    """`data` with one byte of the signed part changed (the header's binary comment), length kept."""
    position = data.index(b"\n", 0) + 2  # inside "%\xe2\xe3\xcf\xd3" (or the like) on line two
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


# --- A local timestamp authority ---------------------------------------------------------------------------


def timestamp_authority_key(folder) -> tuple[str, str]:
    """An RSA key and a self-signed certificate for time stamping (pyHanko's DummyTimeStamper is RSA-only)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Timestamp Authority")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))
        .not_valid_after(now + dt.timedelta(days=400))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "tsa.key.pem", folder / "tsa.cert.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


FIXED_TIME = dt.datetime(2026, 3, 4, 10, 30, tzinfo=dt.UTC)


@contextlib.contextmanager
def local_timestamp_authority(key_path: str, cert_path: str):
    """An RFC 3161 server on 127.0.0.1 (pyHanko's DummyTimeStamper behind HTTP): yields its URL."""
    from asn1crypto import tsp
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.sign.timestamps import DummyTimeStamper

    stamper = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(cert_path),
        tsa_key=load_private_key_from_pemder(key_path, passphrase=None),
        fixed_dt=FIXED_TIME,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = asyncio.run(stamper.async_request_tsa_response(request)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
