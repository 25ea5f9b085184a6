"""PDF from an HTML template, with WeasyPrint (the minutes of a meeting, for one)."""

from django.template.loader import render_to_string

from core.text import multi_line


def _no_fetching(url: str, *args, **kwargs):
    # The PDF is built from our own template only: nothing is fetched from the network or the disk.
    raise ValueError(f"A PDF of the portal loads no external resources ({url[:60]}).")


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    # Imported here, not at start-up: loading WeasyPrint parses its stylesheets (slow, and logged).
    import weasyprint

    # Control characters that rows saved before the input refused them may hold have no place in
    # a document (line breaks and tabs are only white space in HTML).
    html = multi_line(render_to_string(template_name, context, request=request))
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()
