"""The record of a meeting as PDF, with WeasyPrint, from an HTML template."""

from django.template.loader import render_to_string


def _no_fetching(url: str, *args, **kwargs):
    # The PDF is built from our own template only: nothing is fetched from the network or the disk.
    raise ValueError(f"The minutes PDF does not load external resources ({url[:60]}).")


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    # Imported here, not at start-up: loading WeasyPrint parses its stylesheets (slow, and logged).
    import weasyprint

    html = render_to_string(template_name, context, request=request)
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()
