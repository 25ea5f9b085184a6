"""
The PDFs the portal serves, signed when the record is published (portal/signatures.py): the minutes or
public record PDF and the meeting pack, read back with pyHanko (core.signing.check_pdf_signature) and
pdfsig; a draft's or a circulated record's PDFs unsigned; signed once per version and audience.
"""

import io
import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from core.signing import check_pdf_signature
from portal import signatures
from tests.factories import AgendaItemFactory, MeetingFactory, UserFactory
from tests.pack.conftest import add_paper, paper_pdf
from tests.reading.test_archival_pdf import xmp
from tests.signing.pdfs import pdfsig

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(db):
    meeting = MeetingFactory(title="Signed meeting")
    item = AgendaItemFactory(meeting=meeting, position=1, title="Opening")
    add_paper(meeting, "Chair's note", paper_pdf("SIGNEDPAPER", 1), item=item, order=1)
    return meeting


@pytest.fixture
def circulated(db):
    return MeetingFactory(title="Circulated meeting", status="circulated", published_at=None)


def pdf_of(client, meeting) -> bytes:
    response = client.get(reverse("portal:meeting-pdf", args=[meeting.slug]))
    assert response.status_code == 200
    return response.content


def pack_of(client, meeting) -> bytes:
    response = client.get(reverse("portal:meeting-pack", args=[meeting.slug]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat"])
def test_a_published_records_pdf_is_signed_and_stays_pdf_a(client_for, published, persona, tmp_path):
    pdf = pdf_of(client_for(persona), published)
    check = check_pdf_signature(pdf)
    assert check.official, check.problem
    assert "IISG Board Portal (test suite)" in check.signer
    # Still PDF/A-3a in its last revision: the signature is an incremental update.
    metadata = xmp(pdf)
    assert re.search(r'pdfaid:part(="|>)3', metadata)
    assert re.search(r'pdfaid:conformance(="|>)A', metadata)
    assert "Signature is Valid." in pdfsig(pdf, tmp_path)


def test_the_signature_names_the_reason_and_the_sites_host(client, published):
    from pyhanko.pdf_utils.reader import PdfFileReader

    [signature] = PdfFileReader(io.BytesIO(pdf_of(client, published))).embedded_signatures
    assert signature.sig_object["/Reason"] == "Official record of the IISG Board Portal"
    assert signature.sig_object["/Location"] == "testserver"


@pytest.mark.parametrize("persona", ["board_member", "secretariat"])
def test_a_circulated_records_pdf_and_pack_are_not_signed(client_for, circulated, persona):
    client = client_for(persona)
    assert not check_pdf_signature(pdf_of(client, circulated)).signed
    assert not check_pdf_signature(pack_of(client, circulated)).signed


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_a_published_records_pack_is_signed(client_for, published, persona, tmp_path):
    pack = pack_of(client_for(persona), published)
    check = check_pdf_signature(pack)
    assert check.official, check.problem
    assert "Signature is Valid." in pdfsig(pack, tmp_path)


def test_the_stored_pack_is_signed_once_and_served_as_stored(client, published):
    with mock.patch.object(signatures, "sign_pdf", wraps=signatures.sign_pdf) as sign:
        first = pack_of(client, published)
        second = pack_of(client, published)
    assert first == second
    assert sign.call_count == 1


def test_a_new_signing_key_makes_a_new_pack_signed_with_it(client, published, settings, tmp_path):
    from core.signing import make_self_signed_key

    before = pack_of(client, published)
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = make_self_signed_key(tmp_path, name="Rotated key")
    after = pack_of(client, published)
    assert before != after
    assert "Rotated key" in check_pdf_signature(after).signer


def test_without_a_key_the_pdfs_are_served_unsigned(client, published, settings):
    settings.PDF_SIGNING_KEY = settings.PDF_SIGNING_CERT = ""
    assert not check_pdf_signature(pdf_of(client, published)).signed
    assert not check_pdf_signature(pack_of(client, published)).signed


def test_the_minutes_pdf_is_signed_once_per_version_and_audience(published, board_member, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sign"}}
    settings.PAGE_CACHE_SECONDS = 300
    colleague = UserFactory(username="signing-colleague")
    colleague.groups.set(board_member.groups.all())
    members = [Client(), Client()]
    members[0].force_login(board_member)
    members[1].force_login(colleague)
    with mock.patch.object(signatures, "sign_pdf", wraps=signatures.sign_pdf) as sign:
        public = [pdf_of(Client(), published) for _ in range(2)]
        minutes = [pdf_of(client, published) for client in members]
    assert public[0] == public[1]
    assert minutes[0] == minutes[1]
    assert public[0] != minutes[0]
    assert sign.call_count == 2  # one for the public, one for the Board
    assert check_pdf_signature(minutes[1]).official
