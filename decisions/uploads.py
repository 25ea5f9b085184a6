"""
Checks of uploaded document files: PDF, DOCX, XLSX or ODT, at most 20 MB, not empty, and the
content must be what the extension says (a renamed file is refused with a clear message).
"""

import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_UPLOAD_SIZE = 20 * 1024 * 1024

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}
KIND_NAMES = {".pdf": "PDF", ".docx": "Word (DOCX)", ".xlsx": "Excel (XLSX)", ".odt": "OpenDocument text (ODT)"}


def _zip_names(uploaded) -> set[str] | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        uploaded.seek(0)


def _odt_mimetype(uploaded) -> bytes:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            return archive.read("mimetype").strip()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return b""
    finally:
        uploaded.seek(0)


def _content_matches(extension: str, uploaded) -> bool:
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if not head.startswith(b"PK\x03\x04"):
        return False
    names = _zip_names(uploaded)
    if names is None:
        return False
    if extension == ".docx":
        return "[Content_Types].xml" in names and any(name.startswith("word/") for name in names)
    if extension == ".xlsx":
        return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)
    if extension == ".odt":
        return _odt_mimetype(uploaded) == CONTENT_TYPES[".odt"].encode()
    return False


def validate_document_file(uploaded) -> str:
    """Refuse a file that is not an allowed document; return its content type."""
    extension = Path(uploaded.name or "").suffix.lower()
    if extension not in CONTENT_TYPES:
        raise ValidationError(
            _("“%(name)s” is not an allowed file type. Upload a PDF, DOCX, XLSX or ODT file.")
            % {"name": uploaded.name},
            code="file_type",
        )
    if not uploaded.size:
        raise ValidationError(_("“%(name)s” is empty. Choose the file again.") % {"name": uploaded.name}, code="empty")
    if uploaded.size > MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(max)s.")
            % {"name": uploaded.name, "size": filesizeformat(uploaded.size), "max": filesizeformat(MAX_UPLOAD_SIZE)},
            code="too_big",
        )
    if not _content_matches(extension, uploaded):
        raise ValidationError(
            _(
                "“%(name)s” is not a real %(kind)s file: its content does not match its extension. "
                "It may be damaged or renamed; save it again as %(kind)s and upload that."
            )
            % {"name": uploaded.name, "kind": KIND_NAMES[extension]},
            code="content",
        )
    return CONTENT_TYPES[extension]
