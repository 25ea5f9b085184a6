"""
What every editing page of the portal (tests/pages.py, kind EDIT) has in common: one kind of date and
time input, selects whose empty choice says what it means, and an error summary at the top whose links
go to fields that are on the page.
"""

import re

import pytest
from django import forms

from core.widgets import DateAndTimeWidget
from tests.editing.test_no_500 import urls

pytestmark = pytest.mark.django_db

INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'\b([a-z-]+)="([^"]*)"')


def inputs(content: str) -> list[dict]:
    return [dict(ATTRIBUTE.findall(tag)) for tag in INPUT.findall(content)]


def forms_of(context) -> list:
    """The forms a page drew: its form, the rows of its formset, a procedure's effect forms."""
    found = []
    form, formset = context.get("form"), context.get("formset")
    if form is not None and hasattr(form, "fields"):
        found.append(form)
        found += list(getattr(form, "effect_forms", {}).values())
    if formset is not None:
        found += list(formset.forms)
    return found


@pytest.fixture
def edit_pages(meetings_by_state):
    """Every editing page, on a draft meeting's records and on a published one's (a reason asked for)."""
    return urls(meetings_by_state["draft"]) + urls(meetings_by_state["published"])


def test_every_date_and_time_input_of_every_edit_page_is_a_date_or_a_time_input(secretariat_client, edit_pages):
    dated = 0
    for url in edit_pages:
        response = secretariat_client.get(url)
        if response.status_code != 200:
            continue
        content = response.content.decode()
        assert 'type="datetime-local"' not in content, url
        for form in forms_of(response.context):
            for name, field in form.fields.items():
                if isinstance(field, forms.DateTimeField):
                    assert isinstance(field.widget, DateAndTimeWidget), (url, name)
                    html_name = form.add_prefix(name)
                    drawn = {i.get("name"): i.get("type") for i in inputs(content)}
                    assert drawn[f"{html_name}_date"] == "date", (url, name)
                    assert drawn[f"{html_name}_time"] == "time", (url, name)
                    dated += 1
                elif isinstance(field, forms.DateField):
                    assert field.widget.input_type == "date", (url, name)
                    dated += 1
                elif isinstance(field, forms.TimeField):
                    assert field.widget.input_type == "time", (url, name)
        # No text input asks for a date or time in another way.
        for attributes in inputs(content):
            if attributes.get("type", "text") == "text":
                name = attributes.get("name", "")
                assert not re.search(r"(^|[-_])(date|time|start|end|since|until|deadline)$", name), (url, name)
        # The format the server reads is said beside every date input.
        for attributes in inputs(content):
            if attributes.get("type") == "date":
                assert "(YYYY-MM-DD)" in content, url
    assert dated >= 15  # the meeting's start and end, the deadline, memberships, roles, decisions …


def test_no_edit_page_offers_django_s_dashes_as_an_empty_choice(secretariat_client, edit_pages):
    for url in edit_pages:
        response = secretariat_client.get(url)
        assert "---------" not in response.content.decode(), url


def summary_of(content: str) -> str:
    assert "error-summary" in content
    return content.split('class="alert alert-danger error-summary"', 1)[1].split("</div>", 1)[0]


def test_every_refused_form_page_has_an_error_summary_linking_to_fields_on_the_page(secretariat_client, edit_pages):
    checked = 0
    for url in edit_pages:
        page = secretariat_client.get(url)
        if page.status_code != 200 or "<form" not in page.content.decode():
            continue
        response = secretariat_client.post(url, {"save": "1", "confirm": "1", "form-TOTAL_FORMS": "x"})
        if response.status_code != 200:
            continue  # a step without fields, done or refused in a message
        content = response.content.decode()
        form, formset = response.context.get("form"), response.context.get("formset")
        errors = bool(form is not None and getattr(form, "errors", None)) or bool(
            formset is not None and formset.total_error_count()
        )
        if not errors:
            continue
        summary = summary_of(content)
        main = content.split("<main", 1)[1]
        assert main.index("error-summary") < main.index('<form method="post"'), url
        for target in re.findall(r'href="#([^"]+)"', summary):
            assert f'id="{target}"' in content, (url, target)
        # Every field marked invalid is named in the summary.
        for tag in INPUT.findall(content) + re.findall(r"<(?:select|textarea)\b[^>]*>", content):
            attributes = dict(ATTRIBUTE.findall(tag))
            field_id = attributes.get("id", "")
            if "is-invalid" in attributes.get("class", "") and field_id and not field_id.endswith("_time"):
                # An option of a list of radio buttons or checkboxes: the summary links to the first.
                first_option = re.sub(r"_\d+$", "_0", field_id)
                assert f'href="#{field_id}"' in summary or f'href="#{first_option}"' in summary, (url, field_id)
        checked += 1
    assert checked >= 20
