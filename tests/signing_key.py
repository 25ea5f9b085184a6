"""
The test suite's PDF signing key: a throwaway self-signed EC P-256 key and certificate, made once per test
process (each xdist worker its own) in a temporary folder removed at exit. The whole suite runs with it
configured (tests/conftest.py, settings_for_tests), as production does: every PDF of a published record
the tests fetch is signed. Tests that need more keys (another signer, a former certificate) make their own
with `core.signing.make_self_signed_key`.
"""

import atexit
import functools
import shutil
import tempfile

from core.signing import make_self_signed_key


@functools.cache
def suite_signing_key() -> tuple[str, str]:
    """(key path, certificate path) of the suite's signing key."""
    folder = tempfile.mkdtemp(prefix="iisg-signing-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return make_self_signed_key(folder, days=30 * 12, name="IISG Board Portal (test suite)")


def signing_settings() -> dict:
    key, cert = suite_signing_key()
    return {
        "PDF_SIGNING_KEY": key,
        "PDF_SIGNING_CERT": cert,
        "PDF_SIGNING_KEY_PASSWORD": "",
        "PDF_SIGNING_CHAIN": [],
        "PDF_SIGNING_FORMER_CERTS": [],
        "PDF_TIMESTAMP_URL": "",
        "PDF_TIMESTAMP_CERTS": [],
    }
