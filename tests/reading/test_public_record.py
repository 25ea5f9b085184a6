"""
The public page of the 6th Board meeting states every fact of the seed page, rendered from the
structured records: the public summary is emptied first, so no fact can come from its prose.
"""

import pytest
from django.urls import reverse

from members.models import KOSOVO_FOOTNOTE
from tests.reading.pagetext import section, text_of

WB_PARTNERS = "Albania, Bosnia and Herzegovina, Kosovo*, Montenegro, North Macedonia, Serbia"


@pytest.fixture
def page(client, demo):
    demo.public_summary = ""
    demo.save()
    response = client.get(demo.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_date_place_and_format(page):
    record = text_of(page)
    assert "Monday, 20 June 2022" in record
    assert "Sarajevo, Bosnia and Herzegovina" in record
    assert "Hybrid" in record
    assert "This event has passed." in record


def test_chair_and_opening_speakers_with_their_positions(page):
    speakers = section(page, "speakers")
    assert (
        "Chair: Mr Maciej Popowski, Acting Director-General, Directorate-General for Neighbourhood and "
        "Enlargement Negotiations (DG NEAR), European Commission" in speakers
    )
    assert (
        "Opening remarks: Mr Olivier Onidi, Deputy Director-General for Security, Directorate-General for "
        "Migration and Home Affairs (DG HOME), European Commission" in speakers
    )
    assert "Opening remarks: Ms Tanja Miscevic, Deputy Secretary General, Regional Cooperation Council" in speakers


def test_who_took_part_at_which_level(page):
    took_part = section(page, "took-part")
    assert f"Delegations, at ministerial level: {WB_PARTNERS}" in took_part
    assert "Support Group: Austria, Slovenia, Italy" in took_part
    assert "Secretariat: IISG Secretariat" in took_part


def test_what_was_endorsed_adopted_and_approved(page):
    decisions = section(page, "decisions")
    endorsed, approved = decisions.split("Approved", 1)
    assert "Endorsed and adopted" in endorsed
    assert "B6/2022/01 — Presentation of IISG outputs" in endorsed
    approved, agreed = approved.split("Agreed", 1)
    for subject in [
        "IISG needs mapping 2021–2022 for the three pillars WBCTi, WBCSCi and WBBSi",
        "Updated methodology for the development of the IISG biennial needs mapping report",
        "Methodology for the development of the IISG annual response mapping report",
        "Methodology for mapping support to the IISG needs (IISG Database)",
        "IISG Secretariat annual work plan 2022",
        "IISG new members: RAI, Bulgaria, OSCE Kosovo*",
        "Extension of the mandate of the Head of IISG Secretariat, Mr Agron Sojati",
    ]:
        assert subject in approved
    assert "Coordination with donors and implementers" in agreed


def test_new_members(page):
    new_members = section(page, "new-members")
    for name in ["Regional Anti-Corruption Initiative (RAI)", "Bulgaria", "OSCE Mission in Kosovo* (OSCE Kosovo*)"]:
        assert name in new_members
    assert new_members.count("Support Group member, since Monday, 20 June 2022") == 3


def test_mandate_extension(page):
    # A role held now, in the seeded post of that name.
    assert "Extension of mandate: Mr Agron Sojati, Head of the IISG Secretariat" in section(page, "roles")


def test_agreed_follow_up(page):
    follow_up = section(page, "follow-up")
    assert "more and direct coordination with donors and implementers for the pillar-related projects" in follow_up


def test_public_page_has_no_member_only_sections(page):
    for member_only in ['id="minutes"', 'id="attendance"', 'id="agenda"', 'id="documents"']:
        assert member_only not in page


def test_board_member_reads_the_full_minutes(client_for, demo):
    page = client_for("board_member").get(demo.get_absolute_url()).content.decode()
    agenda = section(page, "agenda")
    assert "State of play of the IISG: presentation of the IISG products" in agenda
    assert "completed for the first time for all three pillars" in agenda
    assert "Presented by: IISG Secretariat" in agenda
    attendance = section(page, "attendance")
    assert "Mr Maciej Popowski" in attendance
    assert "Ministerial" in attendance
    documents = section(page, "documents")
    assert "IISG Secretariat annual work plan 2022" in documents
    assert "Coordinate more and directly with donors" in section(page, "follow-up")


def test_the_footnote_appears_exactly_once_wherever_kosovo_is_printed(client, demo):
    footnote = str(KOSOVO_FOOTNOTE)
    for url in [
        demo.get_absolute_url(),
        reverse("decisions:decision-list"),
        reverse("portal:member-list"),
        reverse("portal:organisation-detail", args=["kosovo"]),
        reverse("decisions:decision-detail", args=["B6/2022/07"]),
    ]:
        page = client.get(url).content.decode()
        assert "Kosovo*" in page, url
        assert page.count(footnote) == 1, url


def test_no_footnote_where_kosovo_is_not_printed(client, demo):
    page = client.get(reverse("decisions:decision-detail", args=["B6/2022/01"])).content.decode()
    assert "Kosovo*" not in page
    assert str(KOSOVO_FOOTNOTE) not in page
