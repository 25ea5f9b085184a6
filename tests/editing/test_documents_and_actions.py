"""Documents: create, new file versions (type, size and content checked, nothing overwritten); action items."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions import uploads
from decisions.models import ActionItem, Document, DocumentFile, DocumentKind, ProgressNote
from tests.factories import ActionItemFactory, DocumentFactory, PillarFactory

pytestmark = pytest.mark.django_db


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


def kind(slug: str) -> int:
    return DocumentKind.objects.get(slug=slug).pk


def read(version: DocumentFile) -> bytes:
    with version.file.open("rb") as handle:
        return handle.read()


def test_create_a_document(secretariat_client):
    pillar = PillarFactory()
    data = {"title": "Work plan 2023", "kind": kind("work-plan"), "pillars": [pillar.pk], "period_start": "2023"}
    response = secretariat_client.post(reverse("decisions-edit:document-create"), data | {"period_end": "2023"})
    document = Document.objects.get()
    assert response.url == reverse("decisions-edit:document-upload", args=[document.slug])
    assert (document.title, document.period, list(document.pillars.all())) == ("Work plan 2023", "2023", [pillar])
    assert document.kind.name == "Work plan"


def test_invalid_document_keeps_the_input(secretariat_client):
    data = {
        "title": "Kept",
        "kind": kind("report"),
        "period_start": "2023",
        "period_end": "2021",
        "description": "Desc",
    }
    response = secretariat_client.post(reverse("decisions-edit:document-create"), data)
    assert response.status_code == 200
    assert "The period cannot end before it starts." in str(response.context["form"].errors)
    assert 'value="Kept"' in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("report.DOCX", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("table.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("text.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_upload_each_allowed_type(secretariat_client, name, content, content_type):
    document = DocumentFactory()
    url = reverse("decisions-edit:document-upload", args=[document.slug])
    response = secretariat_client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    version = document.files.get()
    assert (version.number, version.original_name, version.size, version.content_type) == (
        1,
        name,
        len(content),
        content_type,
    )
    assert read(version) == content


def test_a_new_version_never_overwrites_an_earlier_one(secretariat_client, secretariat):
    document = DocumentFactory(title="Needs mapping")
    url = reverse("decisions-edit:document-upload", args=[document.slug])
    secretariat_client.post(url, {"file": SimpleUploadedFile("mapping.pdf", PDF + b"first")})
    secretariat_client.post(url, {"file": SimpleUploadedFile("mapping.pdf", PDF + b"second")})
    first, second = DocumentFile.objects.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.file.name != second.file.name
    assert read(first).endswith(b"first")
    assert read(second).endswith(b"second")
    assert second.uploaded_by == secretariat


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "is not an allowed file type"),
        ("notes.txt", b"hello", "is not an allowed file type"),
        ("no-extension", b"%PDF-1.4", "is not an allowed file type"),
        ("renamed.pdf", b"GIF89a....", "is not a real PDF file"),
        ("renamed.docx", PDF, "is not a real Word (DOCX) file"),
        ("sheet.docx", XLSX, "is not a real Word (DOCX) file"),
        ("text.xlsx", ODT, "is not a real Excel (XLSX) file"),
        ("word.odt", DOCX, "is not a real OpenDocument text (ODT) file"),
        ("broken.docx", b"PK\x03\x04 truncated", "is not a real Word (DOCX) file"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_wrong_or_empty_files_are_refused_with_a_clear_error(secretariat_client, name, content, message):
    document = DocumentFactory()
    url = reverse("decisions-edit:document-upload", args=[document.slug])
    response = secretariat_client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert message in response.content.decode().replace("&quot;", '"')
    assert not DocumentFile.objects.exists()


def test_a_file_over_20_mb_is_refused(secretariat_client):
    document = DocumentFactory()
    url = reverse("decisions-edit:document-upload", args=[document.slug])
    too_big = SimpleUploadedFile("big.pdf", PDF + b"0" * (uploads.MAX_UPLOAD_SIZE + 1 - len(PDF)))
    response = secretariat_client.post(url, {"file": too_big})
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert "files may be at most 20.0\xa0MB" in error
    assert not DocumentFile.objects.exists()


def test_a_file_of_exactly_20_mb_is_accepted():
    exactly = SimpleUploadedFile("big.pdf", PDF + b"0" * (uploads.MAX_UPLOAD_SIZE - len(PDF)))
    assert uploads.validate_document_file(exactly) == "application/pdf"


def test_no_file_chosen(secretariat_client):
    document = DocumentFactory()
    response = secretariat_client.post(reverse("decisions-edit:document-upload", args=[document.slug]), {})
    assert response.context["form"].errors["file"] == ["This field is required."]


def test_document_history(secretariat_client):
    document = DocumentFactory(title="Old title")
    url = reverse("decisions-edit:document-edit", args=[document.slug])
    data = {"title": "New title", "kind": kind("report"), "period_start": "2021", "period_end": "2022", "version": "1"}
    assert secretariat_client.post(url, data).status_code == 302
    secretariat_client.post(
        reverse("decisions-edit:document-upload", args=[document.slug]),
        {"file": SimpleUploadedFile("a.pdf", PDF)},
    )
    response = secretariat_client.get(reverse("decisions-edit:document-history", args=[document.slug]))
    changes = [(c["field"], c["old"], c["new"]) for e in response.context["entries"] for c in e["changes"]]
    assert ("Title", "Old title", "New title") in changes
    assert any(entry["object"] == "Document file version" for entry in response.context["entries"])


# --- Action items -------------------------------------------------------------------------------


def test_change_an_actions_status_with_a_progress_note(secretariat_client, secretariat, circulated_meeting):
    action = ActionItemFactory(meeting=circulated_meeting)
    url = reverse("decisions-edit:action-edit", args=[action.pk])
    data = {"status": "in_progress", "due_date": "2030-01-31", "note": "Met donors.", "version": action.version}
    response = secretariat_client.post(url, data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionItem.Status.IN_PROGRESS
    note = ProgressNote.objects.get()
    assert (note.action_item, note.note, note.created_by) == (action, "Met donors.", secretariat)


def test_a_progress_note_alone(secretariat_client, circulated_meeting):
    action = ActionItemFactory(meeting=circulated_meeting)
    url = reverse("decisions-edit:action-edit", args=[action.pk])
    assert (
        secretariat_client.post(
            url, {"status": "open", "due_date": "2030-01-31", "note": "Chased.", "version": action.version}
        ).status_code
        == 302
    )
    assert ProgressNote.objects.count() == 1
    assert action.history.count() == 1  # the action itself did not change


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "open", "due_date": "2030-01-31", "note": ""}, "__all__"),
        ({"status": "finished", "due_date": "2030-01-31", "note": "x"}, "status"),
        ({"status": "done", "due_date": "31/31/2030", "note": "Kept note"}, "due_date"),
    ],
)
def test_invalid_action_update_keeps_the_input(secretariat_client, circulated_meeting, data, field):
    action = ActionItemFactory(meeting=circulated_meeting)
    response = secretariat_client.post(reverse("decisions-edit:action-edit", args=[action.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ProgressNote.objects.exists()
    assert ActionItem.objects.get(pk=action.pk).status == "open"


@pytest.mark.parametrize(("persona", "status"), [("board_member", 403), ("admin", 302)])
def test_who_may_update_an_action(make_client, circulated_meeting, persona, status):
    action = ActionItemFactory(meeting=circulated_meeting)
    url = reverse("decisions-edit:action-edit", args=[action.pk])
    data = {"status": "done", "due_date": "2030-01-31", "note": "", "version": action.version}
    assert make_client(persona).post(url, data).status_code == status
