"""
The PDFs print their version and digest, equal to the digest of the data attached inside them; `/verify/`
answers for a current, a replaced and a forged PDF, for a digest and a reference, and, for every role,
never lets on that a Board version or a draft exists to who may not read it; `manage.py verify_pdfs`.
"""

import io
import json

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from core import chain
from meetings import services
from meetings.models import Meeting
from portal import versions
from tests.chain.conftest import MEMBERS_ONLY
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

VERIFY = "/verify/"


def attached(pdf: bytes) -> dict:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        [spec] = document.attachments.values()
        return json.loads(spec.get_file().read_bytes())


def pdf_of(client, meeting) -> bytes:
    response = client.get(reverse("portal:meeting-pdf", args=[meeting.slug]))
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize(("persona", "audience"), [("anonymous", "public"), ("board_member", "board")])
def test_the_pdf_carries_the_digest_of_the_data_attached_to_it(client_for, published, persona, audience):
    pdf = pdf_of(client_for(persona), published)
    data = attached(pdf)
    version = chain.latest(published, audience)
    assert (data["version"], data["digest"]) == (1, version.content_digest)
    # Recomputed from the file alone: the attachment made canonical gives the digest it carries.
    assert chain.content_digest(chain.canonical_json(versions.canonical_record(data))) == data["digest"]
    assert (MEMBERS_ONLY in json.dumps(data)) == (audience == "board")


def test_a_draft_pdf_prints_no_version(client_for, circulated):
    data = attached(pdf_of(client_for("board_member"), circulated))
    assert "digest" not in data
    assert "version" not in data


def verify(client, **fields):
    response = client.post(VERIFY, fields)
    assert response.status_code == 200
    return response.content.decode()


def test_the_current_pdf_is_official_and_current(client_for, published):
    client = client_for("anonymous")
    body = verify(client, pdf=SimpleUploadedFile("record.pdf", pdf_of(client, published), "application/pdf"))
    assert "This is the official, current version 1 of the record." in body
    assert published.title in body
    assert "Signed by the portal." in body
    assert "Intact: the signed content is unchanged." in body


def test_a_replaced_pdf_says_by_which_version_when_and_why_and_links_to_what_changed(client_for, published):
    client = client_for("anonymous")
    old = pdf_of(client, published)
    published.public_summary = "The Board met and decided, twice."
    published.save()
    services.record_correction_if_published(meeting=published, reason="The summary said too little.")
    body = verify(client, pdf=SimpleUploadedFile("record.pdf", old, "application/pdf"))
    assert "This is version 1 of the record, replaced by version 2." in body
    assert "The summary said too little." in body
    changes_url = reverse("portal:meeting-version", args=[published.slug, 2]) + "?chain=public"
    assert changes_url in body
    page = client.get(changes_url).content.decode()
    assert "<del>decided.</del> <ins>decided, twice.</ins>" in page


def forged(pdf: bytes, change) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        [name] = document.attachments.keys()
        data = json.loads(document.attachments[name].get_file().read_bytes())
        change(data)
        document.attachments[name] = pikepdf.AttachedFileSpec(
            document, json.dumps(data).encode(), mime_type="application/json"
        )
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def test_a_signed_pdf_edited_after_signing_is_a_forgery(client_for, published):
    client = client_for("anonymous")
    pdf = forged(pdf_of(client, published), lambda data: data["meeting"].update(public_summary="We agreed on all."))
    body = verify(client, pdf=SimpleUploadedFile("record.pdf", pdf, "application/pdf"))
    assert "This file was changed after the portal signed it: it is not an official copy." in body


@pytest.fixture
def unsigned(settings):
    """Where the portal signs nothing, the data inside the file still gives a forgery away."""
    settings.PDF_SIGNING_KEY = settings.PDF_SIGNING_CERT = ""


def test_an_unsigned_pdf_whose_data_was_edited_is_a_forgery(client_for, unsigned, published):
    client = client_for("anonymous")
    pdf = forged(pdf_of(client, published), lambda data: data["meeting"].update(public_summary="We agreed on all."))
    body = verify(client, pdf=SimpleUploadedFile("record.pdf", pdf, "application/pdf"))
    assert "does not match the digest printed on it: it was changed." in body
    assert "This file is not signed." in body


def test_an_unsigned_pdf_edited_with_its_digest_matches_nothing(client_for, unsigned, published):
    client = client_for("anonymous")

    def change(data):
        data["meeting"]["public_summary"] = "We agreed on all."
        data["digest"] = chain.content_digest(chain.canonical_json(versions.canonical_record(data)))

    pdf = forged(pdf_of(client, published), change)
    body = verify(client, pdf=SimpleUploadedFile("record.pdf", pdf, "application/pdf"))
    assert "This matches no official version of a record of this portal." in body


@pytest.mark.parametrize("content", [b"not a pdf at all", b"%PDF-1.7\n1 0 obj broken", b""])
def test_a_file_that_is_no_pdf_gets_a_clear_message(client_for, db, content):
    response = client_for("anonymous").post(VERIFY, {"pdf": SimpleUploadedFile("x.pdf", content, "application/pdf")})
    body = response.content.decode()
    assert response.status_code == 200
    assert "not a PDF that can be read" in body or "The submitted file is empty." in body


def test_a_digest_full_or_its_first_12_characters(client_for, published):
    digest = chain.latest(published, "public").content_digest
    for text in (digest, digest[:12].upper(), f"SHA-256 {digest}"):
        assert "official, current version 1" in verify(client_for("anonymous"), digest=text)
    assert "at least the first 12" in verify(client_for("anonymous"), digest=digest[:8])


def test_a_reference_the_slug_the_address_or_a_decisions_reference(client_for, published):
    decision = published.decisions.first()
    for text in (published.slug, f"https://portal.example/meetings/{published.slug}/", decision.reference):
        body = verify(client_for("anonymous"), reference=text)
        assert "official, current version 1" in body
        assert "(the public record)" in body
    # A Board member is answered with the minutes' chain.
    assert "the minutes, for Board members" in verify(client_for("board_member"), reference=published.slug)


UNKNOWN = "This matches no official version of a record of this portal."


def answer_part(body: str) -> str:
    """The answer, without the form (which echoes what was typed)."""
    return body.split('<section aria-labelledby="answer-heading"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat", "admin"])
def test_nobody_learns_that_a_version_they_may_not_read_exists(client_for, published, persona):
    """A Board version's digest and a draft's reference answer, to the public, exactly like unknown ones."""
    draft = MeetingFactory(status=Meeting.Status.DRAFT, title="A draft meeting")
    board = chain.latest(published, "board").content_digest
    client = client_for(persona)
    unknown_digest = answer_part(verify(client, digest="0" * 64))
    unknown_reference = answer_part(verify(client, reference="no-such-meeting"))
    board_answer = answer_part(verify(client, digest=board))
    draft_answer = answer_part(verify(client, reference=draft.slug))
    assert UNKNOWN in unknown_digest
    # Nobody verifies a draft: it has no version.
    assert draft_answer == unknown_reference
    if persona == "anonymous":
        assert board_answer == unknown_digest
    else:
        assert "official, current version 1" in board_answer
        assert "the minutes, for Board members" in board_answer


@pytest.mark.parametrize("persona", ["anonymous", "board_member", "secretariat", "admin"])
def test_the_versions_part_shows_the_chain_of_the_readers_audience(client_for, published, persona):
    published.minutes = "Corrected minutes."
    published.save()
    services.record_correction_if_published(meeting=published, reason="MEMBERS-ONLY-REASON")
    body = client_for(persona).get(published.get_absolute_url()).content.decode()
    versions_part = body.split('<h2 id="versions-heading"', 1)[1].split("</section>", 1)[0]
    public, board = chain.latest(published, "public"), chain.latest(published, "board")
    if persona == "anonymous":
        # The public's chain: version 1 only; the members-only correction added none to it.
        assert public.content_digest[:16] in versions_part
        assert board.content_digest[:16] not in versions_part
        assert "MEMBERS-ONLY-REASON" not in versions_part
        assert client_for(persona).get(reverse("portal:meeting-version", args=[published.slug, 2])).status_code == 404
    else:
        assert "MEMBERS-ONLY-REASON" in versions_part
        assert board.content_digest[:16] in versions_part


def test_verify_pdfs_answers_one_line_per_file_and_fails_on_a_replaced_one(client_for, published, tmp_path, capsys):
    client = client_for("anonymous")
    (tmp_path / "current.pdf").write_bytes(pdf_of(client, published))
    call_command("verify_pdfs", str(tmp_path / "current.pdf"))
    assert capsys.readouterr().out.startswith("OK   ")
    published.public_summary = "Changed."
    published.save()
    services.record_correction_if_published(meeting=published, reason="Changed.")
    (tmp_path / "other.txt").write_text("not looked at")
    (tmp_path / "junk.pdf").write_bytes(b"junk")
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_pdfs", str(tmp_path), "--json")
    assert exit_.value.code == 1
    answers = {row["file"].rsplit("/", 1)[1]: row for row in json.loads(capsys.readouterr().out)}
    assert set(answers) == {"current.pdf", "junk.pdf"}
    assert (answers["current.pdf"]["outcome"], answers["current.pdf"]["newest"]["number"]) == ("replaced", 2)
    assert answers["current.pdf"]["ok"] is False
    assert answers["junk.pdf"]["outcome"] == "unreadable"


def test_seal_records_gives_each_published_meeting_its_version_1_once(db, capsys):
    meeting = MeetingFactory()
    call_command("seal_records")
    call_command("seal_records")
    assert capsys.readouterr().out.splitlines() == ["2 version(s) appended.", "0 version(s) appended."]
    assert [v.number for v in chain.versions_of(meeting, "public")] == [1]


def test_a_signed_meeting_pack_is_verified_by_the_digest_on_its_pages(client_for, published):
    client = client_for("anonymous")
    response = client.get(reverse("portal:meeting-pack", args=[published.slug]))
    pack = b"".join(response.streaming_content)
    version = chain.latest(published, "public")
    body = verify(client, pdf=SimpleUploadedFile("pack.pdf", pack, "application/pdf"))
    assert "This is the official, current version 1 of the record." in body
    assert version.content_digest in body
    assert "Signed by the portal." in body


def test_an_unsigned_pdf_that_names_a_digest_proves_nothing(client_for, unsigned, published):
    client = client_for("anonymous")
    pack = b"".join(client.get(reverse("portal:meeting-pack", args=[published.slug])).streaming_content)
    body = verify(client, pdf=SimpleUploadedFile("pack.pdf", pack, "application/pdf"))
    assert "but the portal did not sign it: it cannot be shown official." in body


def test_a_record_changed_without_a_correction_prints_no_stale_digest(client_for, published, caplog):
    """An organisation renamed changes the record without a version: its PDF must not look forged."""
    Meeting.objects.filter(pk=published.pk).update(public_summary="Changed behind the chain's back.")
    data = attached(pdf_of(client_for("anonymous"), published))
    assert "digest" not in data
    assert "reads unlike its version 1: run check_chain" in caplog.text
