"""
PDF from an HTML template, with WeasyPrint (the minutes of a meeting, for one).

Every PDF of the portal is an archival record: PDF/A-3a (ISO 19005-3, level A: tagged, so that a
screen reader gets headings, lists and tables; fonts embedded; an sRGB output intent; XMP metadata
with the title, language and dates taken from the template's <title>, <html lang> and <meta
name="dcterms.created|modified">). PDF/A-3 may carry attachments: the record's structured data
goes inside as JSON (relationship "Data"), so the file alone can be archived and read by machines.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string

from core.text import multi_line

PDF_VARIANT = "pdf/a-3a"


def _no_fetching(url: str, *args, **kwargs):
    # The PDF is built from our own template only: nothing is fetched from the network or the disk.
    raise ValueError(f"A PDF of the portal loads no external resources ({url[:60]}).")


def _associate_each_file_once(document, pdf) -> None:
    # WeasyPrint 70's PDF/A step lists every attachment twice in the catalog's /AF (once from the
    # EmbeddedFiles name tree, once from the Filespec objects: Kozea/WeasyPrint#2917); a file is
    # associated once. Runs after that step (a finisher), and leaves a fixed WeasyPrint's list as it is.
    associated = pdf.catalog.get("AF")
    if associated:
        associated[:] = list(dict.fromkeys(associated))


def render_pdf(
    template_name: str,
    context: dict,
    request=None,
    *,
    data: dict | None = None,
    data_name: str = "record.json",
    data_description: str = "",
) -> bytes:
    """The template as a PDF/A-3a document; `data`, if given, attached inside it as a JSON file."""
    # Imported here, not at start-up: loading WeasyPrint parses its stylesheets (slow, and logged).
    import weasyprint

    # Control characters that rows saved before the input refused them may hold have no place in
    # a document (line breaks and tabs are only white space in HTML).
    html = multi_line(render_to_string(template_name, context, request=request))
    attachments = []
    if data is not None:
        payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        attachments.append(
            weasyprint.Attachment(
                string=payload.encode(),
                name=data_name,
                description=data_description or None,
                relationship="Data",
                url_fetcher=_no_fetching,
            )
        )
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        pdf_variant=PDF_VARIANT, attachments=attachments, finisher=_associate_each_file_once
    )


def render_pages(template_name: str, context: dict, request=None):
    """
    The template laid out by WeasyPrint (a `weasyprint.Document`: its pages, their anchors), for a PDF
    that is not an archival record — one that merges PDFs made elsewhere (the meeting pack) cannot be
    PDF/A. Fetches nothing, like render_pdf.
    """
    import weasyprint

    html = multi_line(render_to_string(template_name, context, request=request))
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).render()
