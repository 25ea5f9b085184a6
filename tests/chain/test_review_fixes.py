"""
The security review's findings, each as a reproduction that failed before its fix: /verify/ requires the
portal's signature where it signs (an unsigned copy, another key, a second signature), reads an uploaded
PDF's streams within bounds (no decompression bomb), withdraws a record's versions from the public, and
survives a deleted record; HEAD on /verify/, no POST on a version page.
"""

import io
import re
import zlib

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import chain, signing
from meetings import services
from tests.signing.pdfs import appended_update

pytestmark = pytest.mark.django_db

VERIFY = "/verify/"


def pdf_of(client, meeting) -> bytes:
    response = client.get(reverse("portal:meeting-pdf", args=[meeting.slug]))
    assert response.status_code == 200
    return response.content


def verify_file(client, pdf: bytes) -> tuple[str, str]:
    response = client.post(VERIFY, {"pdf": SimpleUploadedFile("record.pdf", pdf, "application/pdf")})
    assert response.status_code == 200
    body = response.content.decode()
    match = re.search(r'role="status">([^<]*)<', body)
    assert match, body[:500]
    return match[1], body


def fake_pages_genuine_data(pdf: bytes) -> bytes:
    """The genuine attached data in a new, unsigned PDF whose page says something else."""
    with pikepdf.open(io.BytesIO(pdf)) as source:
        [name] = source.attachments.keys()
        raw = source.attachments[name].get_file().read_bytes()
    new = pikepdf.new()
    new.add_blank_page()
    new.pages[0].obj.Contents = new.make_stream(b"BT 50 700 Td (The Board resolved to dissolve the IISG.) Tj ET")
    new.attachments[name] = pikepdf.AttachedFileSpec(new, raw, mime_type="application/json")
    out = io.BytesIO()
    new.save(out)
    return out.getvalue()


def signed_by_another_key(pdf: bytes, settings, tmp_path) -> bytes:
    key, cert = signing.make_self_signed_key(tmp_path, name="IISG Board Portal (test suite)")
    real = (settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT)
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = key, cert
    try:
        return signing.sign_pdf(pdf, reason="Official record of the IISG Board Portal")
    finally:
        settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = real


# --- 1. The portal's signature, required where it signs --------------------------------------------------


def test_an_unsigned_copy_with_genuine_data_and_other_pages_is_not_official(client_for, published):
    client = client_for("anonymous")
    fake = fake_pages_genuine_data(pdf_of(client, published))
    message, body = verify_file(client, fake)
    assert "matches version 1 of a record, but the file is not the portal&#x27;s signed copy" in message
    assert "alert-success" not in body


def test_a_copy_signed_by_another_key_with_the_portals_name_is_not_official(client_for, published, settings, tmp_path):
    client = client_for("anonymous")
    fake = signed_by_another_key(fake_pages_genuine_data(pdf_of(client, published)), settings, tmp_path)
    check = signing.check_pdf_signature(fake)
    assert check.signed
    assert check.intact
    assert not check.by_portal
    message, body = verify_file(client, fake)
    assert "not the portal&#x27;s signed copy" in message
    assert "alert-success" not in body
    assert "Not signed by the portal" in body


def test_a_genuine_copy_updated_and_signed_again_by_another_key_is_not_official(
    client_for, published, settings, tmp_path
):
    client = client_for("anonymous")
    twice = signed_by_another_key(appended_update(pdf_of(client, published)), settings, tmp_path)
    check = signing.check_pdf_signature(twice)
    assert not check.official
    message, body = verify_file(client, twice)
    assert "alert-success" not in body
    assert "official, current" not in message


def test_every_signature_is_checked_not_only_the_last(client_for, published):
    """A broken first signature makes the file changed, even under a later, whole signature of the portal's."""
    genuine = pdf_of(client_for("anonymous"), published)
    broken = genuine.replace(b"/Producer", b"/Producex", 1)  # inside what the first signature covers
    assert broken != genuine
    check = signing.check_pdf_signature(signing.sign_pdf(broken, reason="again"))
    assert check.by_portal
    assert check.covers_whole_file
    assert not check.intact
    assert not check.official


def test_verify_pdfs_and_the_page_give_one_verdict(client_for, published, tmp_path):
    from portal.management.commands.verify_pdfs import good

    client = client_for("anonymous")
    fake = fake_pages_genuine_data(pdf_of(client, published))
    from django.contrib.auth.models import AnonymousUser

    from portal import verification

    answer = verification.verify_pdf(fake, AnonymousUser())
    assert answer.outcome == verification.Outcome.NOT_SIGNED
    assert not good(answer)
    assert not answer.official_current


# --- 2. No decompression bomb -------------------------------------------------------------------------


def bomb(name: str, megabytes: int, *, in_page: bool = False) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, zlib.compress(b" " * (megabytes << 20), 9))
    stream.Filter = pikepdf.Name.FlateDecode
    if in_page:
        pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    else:
        spec = pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec,
            F=pikepdf.String(name),
            UF=pikepdf.String(name),
            EF=pikepdf.Dictionary(F=pdf.make_indirect(stream)),
        )
        names = pikepdf.Array([pikepdf.String(name), pdf.make_indirect(spec)])
        pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=names))
    out = io.BytesIO()
    pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


@pytest.mark.parametrize("in_page", [False, True])
def test_a_compressed_stream_that_inflates_beyond_a_record_is_refused(client_for, db, in_page, monkeypatch):
    from portal import verification

    inflated = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self):
            self.inner = real()

        def decompress(self, data, max_length=0):
            assert max_length, "a stream inflated without a bound"
            out = self.inner.decompress(data, max_length)
            inflated.append(len(out))
            return out

        @property
        def unconsumed_tail(self):
            return self.inner.unconsumed_tail

    monkeypatch.setattr(verification.zlib, "decompressobj", Counting)
    message, _body = verify_file(client_for("anonymous"), bomb("m-minutes.json", 20, in_page=in_page))
    assert "larger than a record" in message
    assert inflated
    assert max(inflated) <= verification.MAX_STREAM_BYTES


def test_an_attachment_not_named_like_the_portals_is_not_read(client_for, db):
    message, _body = verify_file(client_for("anonymous"), bomb("record.json", 20))
    assert "carries no record data of this portal" in message


def test_an_attachment_compressed_otherwise_than_flate_is_refused(client_for, db):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["m-record.json"] = pikepdf.AttachedFileSpec(pdf, b"{}")
    stream = pdf.attachments["m-record.json"].obj.EF.F
    stream.write(b"{}", filter=pikepdf.Name.ASCIIHexDecode)
    out = io.BytesIO()
    pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    message, _body = verify_file(client_for("anonymous"), out.getvalue())
    assert "compressed in a way this portal does not use" in message


# --- 3. and 4. Withdrawn and deleted records ------------------------------------------------------------


def withdraw(meeting):
    services.unpublish_meeting(services.MeetingWithReason(meeting=meeting, reason="Published by mistake."))
    meeting.refresh_from_db()


def test_a_withdrawn_records_versions_are_gone_for_the_public(client_for, published):
    digest = chain.latest(published, "public").content_digest
    withdraw(published)
    client = client_for("anonymous")
    for number in (1, 2):
        assert client.get(f"/meetings/{published.slug}/versions/{number}/").status_code == 404
    message, body = verify_file_digest(client, digest)
    assert "withdrawn on" in message
    assert f"/meetings/{published.slug}/" not in body
    assert "The Board met and decided." not in body


@pytest.mark.parametrize(
    ("persona", "board_chain"),
    [("anonymous", 404), ("board_member", 200), ("secretariat", 200), ("admin", 200)],
)
def test_the_version_pages_of_a_withdrawn_record_by_role(client_for, published, persona, board_chain):
    """The access matrix's fourth state, withdrawn (a dedicated test: the matrix's records are shared)."""
    withdraw(published)
    client = client_for(persona)
    assert client.get(f"/meetings/{published.slug}/versions/1/?chain=public").status_code == 404
    assert client.get(f"/meetings/{published.slug}/versions/1/").status_code == board_chain


def verify_file_digest(client, digest):
    response = client.post(VERIFY, {"digest": digest})
    assert response.status_code == 200
    body = response.content.decode()
    return re.search(r'role="status">([^<]*)<', body)[1], body


def test_a_deleted_records_version_reads_as_withdrawn_not_a_500(client_for, published):
    digest = chain.latest(published, "public").content_digest
    published.decisions.all().delete()
    published.delete()
    message, _body = verify_file_digest(client_for("anonymous"), digest)
    assert "withdrawn since" in message


# --- 7. Methods -----------------------------------------------------------------------------------------


def test_verify_answers_head_and_a_version_page_refuses_post(client_for, published):
    client = client_for("anonymous")
    assert client.head(VERIFY).status_code == 200
    assert client.post(f"/meetings/{published.slug}/versions/1/").status_code == 405


# --- 5. A published record without a chain; the admin cannot publish ------------------------------------


def test_check_chains_reports_a_published_record_without_a_chain(db):
    from meetings.models import Meeting
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(status=Meeting.Status.PUBLISHED, published_at=timezone.now())  # as the admin once could
    assert f"meetings.meeting {meeting.pk}: published without any version (run seal_records)" in chain.check_chains()


def test_the_meeting_admin_shows_the_status_read_only(client_for, circulated):
    response = client_for("admin").get(reverse("admin:meetings_meeting_change", args=[circulated.pk]))
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()


# --- 6. The chain digest covers the record and the reason -----------------------------------------------


@pytest.mark.parametrize("change", [{"reason": "Another reason."}, {"record_kind": "x.y"}, {"record_pk": 999999}])
def test_changing_a_links_record_or_reason_breaks_the_chain(published, change):
    from tests.chain.test_chain import tamper

    link = chain.latest(published, "public")
    assert chain.check_chains() == []
    tamper(link, **change)
    assert any("the chain digest does not follow" in line for line in chain.check_chains())
