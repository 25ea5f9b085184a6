"""Request limits: a too large body is refused with a 400 before it is read; a 20 MB document still uploads."""

import importlib.util
import logging
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions import uploads
from decisions.models import DocumentFile
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
ROOT = Path(__file__).resolve().parents[2]


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the request body was read")

    readline = read


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.ERROR, logger="django.security")
    return caplog


def test_a_60_mb_form_post_to_sign_in_is_a_400(client, security_log):
    body = b"username=x&password=" + b"x" * (60 * MB)
    response = client.post(reverse("login"), data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert [r.name for r in security_log.records] == ["django.security.RequestDataTooBig"]


def test_a_60_mb_file_posted_to_sign_in_is_a_400(client, security_log):
    # File parts escape DATA_UPLOAD_MAX_MEMORY_SIZE; the body limit catches them.
    response = client.post(reverse("login"), {"junk": SimpleUploadedFile("junk.pdf", b"x" * (60 * MB))})
    assert response.status_code == 400
    assert [r.name for r in security_log.records] == ["django.security.RequestDataTooBig"]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_a_too_large_body_is_refused_before_it_is_read(client, content_type, security_log):
    # No data for the client to encode: the environment declares the body and gives one that must not be read.
    environ = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(60 * MB), "wsgi.input": UnreadableBody()}
    response = client.generic("POST", reverse("login"), **environ)
    assert response.status_code == 400


def test_form_fields_over_the_memory_limit_are_a_400(client, settings, security_log):
    # Below the body limit, but more form data than DATA_UPLOAD_MAX_MEMORY_SIZE: Django's own check.
    body = b"username=" + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("login"), data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_a_20_mb_document_still_uploads(secretariat, client):
    client.force_login(secretariat)
    document = DocumentFactory()
    content = PDF + b"0" * (uploads.MAX_UPLOAD_SIZE - len(PDF))
    response = client.post(
        reverse("decisions-edit:document-upload", args=[document.slug]),
        {"file": SimpleUploadedFile("mapping.pdf", content)},
    )
    assert response.status_code == 302
    version = DocumentFile.objects.get()
    assert version.size == uploads.MAX_UPLOAD_SIZE
    with version.file.open("rb") as handle:
        assert handle.read() == content


def test_a_participants_list_of_200_rows_fits_the_field_limit(settings):
    from meetings.forms import ParticipationFormSet

    fields_per_row = len(ParticipationFormSet.form.base_fields) + 2  # the row's id and its DELETE box
    assert 200 * fields_per_row + 10 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def load_gunicorn_conf(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_limits_and_workers_from_web_concurrency(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, WEB_CONCURRENCY="5")
    assert conf.workers == 5
    assert (conf.limit_request_line, conf.limit_request_fields, conf.limit_request_field_size) == (4094, 100, 8190)
    assert conf.timeout == 30
    assert conf.bind == "127.0.0.1:8000"


def test_gunicorn_refuses_a_bad_web_concurrency(monkeypatch):
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY='many' is not a whole number"):
        load_gunicorn_conf(monkeypatch, WEB_CONCURRENCY="many")


def test_make_serve_uses_the_gunicorn_config():
    makefile = (ROOT / "Makefile").read_text()
    assert "gunicorn --config gunicorn.conf.py iisg_portal.wsgi" in makefile
