"""A written procedure's form: the error summary lists the chosen effect's errors, linked to its fields."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_summary_links_to_the_fields_of_the_effect_chosen(secretariat_client):
    data = {
        "reference": "WP/2026/05",
        "kind": "silence",
        "title": "Appointment of the Head of the Secretariat",
        "text": "The Board appoints the Head of the Secretariat.",
        "verb": "appointed",
        "deadline_date": "2026-03-10",
        "deadline_time": "17:00",
        "effect": "role",
        "role-post": "",
        "role-start": "not a date",
        "save": "1",
    }
    response = secretariat_client.post(reverse("decisions-edit:procedure-create"), data)
    assert response.status_code == 200
    content = response.content.decode()
    summary = content.split('class="alert alert-danger error-summary"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'href="#([^"]+)"', summary)
    assert "id_effect" in links
    assert "id_role-post" in links
    assert "id_role-start" in links
    for target in links:
        assert f'id="{target}"' in content
    # The deadline typed in its two inputs came back as typed.
    assert re.search(r'<input[^>]*name="deadline_date"[^>]*value="2026-03-10"', content)
