"""The register answers ordinary questions in one step, its filters kept in the URL and by the exports."""

import csv
import io
import json

import pytest
from django.urls import reverse

from decisions import effects

REGISTER = reverse("decisions:decision-list")


def references(response) -> list[str]:
    assert response.status_code == 200
    return [decision.reference for decision in response.context["page_obj"]]


def test_which_organisations_were_admitted_since_2020_in_one_step(client, known):
    response = client.get(f"{REGISTER}?did=admitted&from=2020-01-01")
    assert references(response) == ["B6/2022/07"]
    page = response.content.decode()
    for name in ("Regional Academy", "Bulgaria", "OSCE Mission in Kosovo*"):
        assert name in page or name.split()[0] in page
    # The Kosovo* footnote, as everywhere the name is printed.
    assert "without prejudice to positions on status" in page


def test_the_secretariat_sees_the_drafts_admission_the_public_never(client_for, known):
    url = f"{REGISTER}?did=admitted&from=2020-01-01"
    assert references(client_for("secretariat").get(url)) == ["B2024/01", "B6/2022/07"]
    for persona in ("anonymous", "board_member"):
        response = client_for(persona).get(url)
        assert "B2024/01" not in response.content.decode()
        assert "Draftmarkerqx" not in response.content.decode()


@pytest.mark.parametrize(
    ("did", "before_2022", "since_2023"),
    [
        ("admitted", ["B2019/01"], []),
        ("ended", ["B2021/01"], []),
        ("appointed", [], ["B2023/02"]),
        # The public reads no document, but a decision on one is still found by what it did.
        ("adopted", [], ["B2023/01"]),
    ],
)
def test_what_the_decision_did(client, known, did, before_2022, since_2023):
    assert references(client.get(REGISTER, {"did": did, "to": "2021-12-31"})) == before_2022
    assert references(client.get(REGISTER, {"did": did, "from": "2023-01-01"})) == since_2023


def test_decisions_that_did_none_of_these(client, known):
    got = references(client.get(REGISTER, {"did": "none"}))
    assert "B2021/02" in got
    assert not {"B6/2022/07", "B2019/01", "B2021/01", "B2023/01", "B2023/02", "B6/2022/08"} & set(got)


def test_the_choices_come_from_the_effects(client, known):
    form = client.get(REGISTER).context["filter"].form
    choices = [value for value, _label in form.fields["did"].choices if value]
    assert choices == [cls.did for cls in effects.EFFECTS.values() if cls.did] + ["none"]
    page = client.get(REGISTER).content.decode()
    assert "What the decision did" in page
    assert ">Verb<" not in page


def test_a_date_range(client, known):
    assert references(client.get(REGISTER, {"from": "2021-01-01", "to": "2021-12-31"})) == ["B2021/01", "B2021/02"]
    assert references(client.get(REGISTER, {"from": "2023-05-10", "to": "2023-05-10"})) == ["B2023/01", "B2023/02"]
    assert references(client.get(REGISTER, {"to": "2019-12-31"})) == ["B2019/01"]
    page = client.get(REGISTER, {"from": "2021-01-01"}).content.decode()
    assert 'type="date"' in page
    assert 'value="2021-01-01"' in page


def test_an_old_year_link_is_the_range_of_that_year(client, known):
    response = client.get(REGISTER, {"year": "2021"})
    assert references(response) == ["B2021/01", "B2021/02"]
    page = response.content.decode()
    assert 'value="2021-01-01"' in page
    assert 'value="2021-12-31"' in page
    # A year that is no year filters nothing, and breaks nothing.
    assert client.get(REGISTER, {"year": "20x1"}).status_code == 200


def test_a_bad_date_says_so(client, known):
    response = client.get(REGISTER, {"from": "2021-13-45"})
    assert response.status_code == 200
    assert response.context["filter"].errors
    # The filters opened, where the error is said.
    assert '<details class="filter-fold mb-4" data-filter-fold open>' in response.content.decode()


def test_by_person_organisation_and_pillar(client, known):
    assert references(client.get(REGISTER, {"person": known.appointee.slug})) == ["B2023/02"]
    assert references(client.get(REGISTER, {"organisation": "early-ministry"})) == ["B2021/01", "B2019/01"]
    assert references(client.get(REGISTER, {"pillar": "WBCTi", "from": "2023-01-01"})) == ["B2023/01"]


def test_the_exports_apply_the_same_filters(client, known):
    query = {"did": "admitted", "from": "2020-01-01"}
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("decisions:decision-export-csv"), query).getvalue().decode("utf-8-sig"))
        )
    )
    assert [row["reference"] for row in rows] == ["B6/2022/07"]
    data = json.loads(client.get(reverse("decisions:decision-export-json"), {"year": "2021"}).getvalue())
    assert [decision["reference"] for decision in data["decisions"]] == ["B2021/01", "B2021/02"]


def test_every_filter_is_kept_in_the_links(client, known):
    page = client.get(REGISTER, {"did": "admitted", "from": "2020-01-01", "page": "1"}).content.decode()
    for name in ("decision-export-csv", "decision-export-json", "decision-feed"):
        assert f'{reverse(f"decisions:{name}")}?did=admitted&amp;from=2020-01-01"' in page
    assert 'rel="alternate" type="application/atom+xml"' in page


def test_the_register_and_the_members_page_point_to_each_other(client, known):
    page = client.get(REGISTER).content.decode()
    assert f'<a href="{reverse("portal:member-list")}">Members</a>' in page
    assert f'<a href="{reverse("portal:member-list")}#roles">Roles held</a>' in page
    members = client.get(reverse("portal:member-list")).content.decode()
    assert f'href="{REGISTER}?did=admitted"' in members
    assert "<title>Members · IISG Board Portal</title>" in members


def test_the_filter_button_counts_the_filters_set(client, known):
    page = client.get(REGISTER, {"did": "admitted", "from": "2020-01-01"}).content.decode()
    assert "Filter (2)" in page
    assert "Filter (" not in client.get(REGISTER).content.decode()
