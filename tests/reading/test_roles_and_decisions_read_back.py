"""
Issue 10, the members and decisions facts, recorded through the editing pages with invented data and
read back by each role: a Support Group meeting names an organisation host of the IISG Secretariat
from a month, adopts rules proposed by one organisation that concern two others and apply from a
later date, names a lead and a co-lead partner of a pillar and a chair of the Support Group, and
endorses a document of a kind the admin has just added. Before the record is released nobody but
the Secretariat reads any of it; once circulated, Board members do; once published, everyone does.
"""

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from core.roles import SECRETARIAT_GROUP
from decisions.models import Decision, Document
from meetings.models import Meeting
from members.models import KOSOVO_FOOTNOTE, Organisation, Person, Pillar, Post, RoleHeld
from tests.built_once import for_one_test, rows_for_the_module
from tests.conftest import PERSONAS
from tests.factories import UserFactory
from tests.reading.pagetext import section, text_of

pytestmark = pytest.mark.django_db

REGISTER = reverse("decisions:decision-list")


def ok(response):
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return response


def post_id(name: str) -> int:
    return Post.objects.get(name=name).pk


def outcome(client, meeting, name: str, **values):
    url = reverse(f"decisions-edit:{name}", args=[meeting.slug])
    reference = client.get(url).context["form"].initial["reference"]
    data = {"existing_decision": "", "agenda_item": "", "reference": reference, "wording": ""}
    data |= {
        "start": "",
        "end": "",
        "start_precision": "day",
        "end_precision": "day",
        "note": "",
        "kind": "appointment",
    }
    ok(client.post(url, data | values))
    if values.get("existing_decision"):
        return Decision.objects.get(pk=values["existing_decision"])
    return Decision.objects.get(reference=reference)


@pytest.fixture(scope="module")
def _recorded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The record, made once for the module (tests/built_once.py): the tests read it, or release it."""
    with rows_for_the_module(django_db_blocker, tmp_path_factory) as media_root:
        with django_db_blocker.unblock():
            admin_user = UserFactory(username="recording-admin", is_staff=True, is_superuser=True)
            secretariat = UserFactory(username="recording-secretariat")
            secretariat.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
            recorded = record_through_the_pages(Client(), admin_user, secretariat)
        yield recorded, media_root


@pytest.fixture
def recorded(request, settings, db, _recorded_once):
    recorded, media_root = _recorded_once
    return for_one_test(request, settings, media_root, recorded)


def record_through_the_pages(client, admin_user, secretariat) -> dict:
    """The record, made through the pages by the admin (a document kind) and the Secretariat (the rest)."""
    client.force_login(admin_user)
    ok(
        client.post(
            reverse("admin:decisions_documentkind_add"),
            {"name": "Evaluation report", "slug": "evaluation-report", "order": "45"},
        )
    )
    client.force_login(secretariat)
    for name, acronym, kind, footnote in [
        ("Ministry of Example Affairs", "MEA", "wb_partner", False),
        ("Examplestan", "", "eu_member_state", False),
        ("Northland", "", "eu_member_state", False),
        ("Southland Mission in Kosovo", "SMK", "international", True),
    ]:
        data = {"name": name, "acronym": acronym, "kind": kind, "country": ""}
        ok(
            client.post(
                reverse("members-edit:organisation-create"), data | ({"designation_footnote": "on"} if footnote else {})
            )
        )
    organisations = {o.name: o for o in Organisation.objects.all()}
    ok(
        client.post(
            reverse("members-edit:person-create"),
            {
                "honorific": "Ms",
                "name": "Vera Example",
                "position_title": "Ambassador",
                "organisation": organisations["Examplestan"].pk,
            },
        )
    )
    ok(
        client.post(
            reverse("members-edit:pillar-create"),
            {"code": "WBTi", "name": "Test pillar initiative", "description": "Invented for the test."},
        )
    )
    pillar = Pillar.objects.get(code="WBTi")
    ok(
        client.post(
            reverse("meetings-edit:meeting-create"),
            {
                "kind": "support_group",
                "ordinal": "3",
                "title": "3rd IISG Support Group Meeting",
                "start": "2024-05-14T09:00",
                "end": "2024-05-14T17:00",
                "time_zone": "Europe/Vienna",
                "city": "Vienna",
                "country": "Austria",
                "venue": "",
                "format": "hybrid",
                "chair": "",
                "public_summary": "The Support Group met in Vienna.",
                "minutes": "",
            },
        )
    )
    meeting = Meeting.objects.get(kind="support_group", ordinal=3)
    host = outcome(
        client,
        meeting,
        "appoint",
        verb="approved",
        subject="Host of the IISG Secretariat",
        post=post_id("Host of the IISG Secretariat"),
        organisation=organisations["Ministry of Example Affairs"].pk,
        start="2024-09-01",
        start_precision="month",
        proposed_by_organisation=organisations["Examplestan"].pk,
    )
    ok(
        client.post(
            reverse("decisions-edit:decision-create", args=[meeting.slug]),
            {
                "agenda_item": "",
                "reference": "SG3/2024/02",
                "verb": "adopted",
                "subject": "Revised rules of procedure",
                "wording": "The revised rules of procedure apply from 1 January 2025.",
                "proposed_by_organisation": organisations["Examplestan"].pk,
                "concerns_organisations": [
                    organisations["Northland"].pk,
                    organisations["Southland Mission in Kosovo"].pk,
                ],
                "effective_from": "2025-01-01",
            },
        )
    )
    lead = outcome(
        client,
        meeting,
        "appoint",
        verb="approved",
        subject="Lead partner of WBTi",
        post=post_id("Lead partner of a pillar"),
        organisation=organisations["Northland"].pk,
        pillar=pillar.pk,
        start="2024-05-14",
    )
    outcome(
        client,
        meeting,
        "appoint",
        existing_decision=lead.pk,
        post=post_id("Co-lead partner of a pillar"),
        organisation=organisations["Southland Mission in Kosovo"].pk,
        pillar=pillar.pk,
        start="2024-03-01",
        start_precision="year",
    )
    chair = outcome(
        client,
        meeting,
        "appoint",
        verb="appointed",
        subject="Chair of the Support Group",
        post=post_id("Chair of the Support Group"),
        person=Person.objects.get(name="Vera Example").pk,
        start="2024-05-14",
        end="2030-05-01",
        end_precision="month",
    )
    url = reverse("decisions-edit:approve-documents", args=[meeting.slug])
    data = {"existing_decision": "", "agenda_item": "", "reference": "SG3/2024/05", "verb": "endorsed"}
    data |= {"subject": "Evaluation of the pillar", "wording": "", "new_title": "Evaluation of WBTi 2024"}
    data |= {"new_kind": "evaluation-report", "new_pillars": [pillar.pk], "new_period_start": "2024"}
    ok(client.post(url, data))
    client.logout()
    return {"meeting": meeting, "host": host, "lead": lead, "chair": chair, "pillar": pillar, **organisations}


def release(meeting, status: str) -> None:
    meeting.status = status
    meeting.save()


def read(client_for, persona, url, **query) -> str:
    response = client_for(persona).get(url, query)
    assert response.status_code == 200, (persona, url)
    return response.content.decode()


def plain(page: str) -> str:
    """The page's text, less what only the Secretariat reads (the state badge, edit links) between the facts."""
    text = text_of(re.sub(r'<span class="small"> · <a href="/edit/.*?</span>', "", page, flags=re.S))
    return text.replace(" Published —", " —")


def test_what_was_recorded(recorded):
    host = RoleHeld.objects.get(post__name="Host of the IISG Secretariat")
    assert (host.organisation.name, host.start.isoformat(), host.start_precision) == (
        "Ministry of Example Affairs",
        "2024-09-01",
        "month",
    )
    assert host.proposed_by_organisation.name == "Examplestan"
    co_lead = RoleHeld.objects.get(post__name="Co-lead partner of a pillar")
    assert list(co_lead.decisions.all()) == [recorded["lead"]]
    assert co_lead.term == "from 2024"
    assert Document.objects.get().kind.name == "Evaluation report"
    assert Decision.objects.count() == 5


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_shows_nothing_to_who_may_not_read_it(client_for, recorded, persona):
    meeting = recorded["meeting"]
    sees = persona in ("secretariat", "admin")
    vera = Person.objects.get(name="Vera Example")
    expected = 200 if sees else 404
    for url in [
        meeting.get_absolute_url(),
        vera.get_absolute_url(),
        recorded["Ministry of Example Affairs"].get_absolute_url(),
        recorded["Examplestan"].get_absolute_url(),
        recorded["Northland"].get_absolute_url(),
    ]:
        assert client_for(persona).get(url).status_code == expected, (persona, url)
    members = read(client_for, persona, reverse("portal:member-list"))
    pillar = read(client_for, persona, recorded["pillar"].get_absolute_url())
    register = read(client_for, persona, REGISTER)
    for name in ["Ministry of Example Affairs", "Northland", "Examplestan", "Vera Example"]:
        assert (name in members) is sees, (persona, name)
        assert (name in register) is sees, (persona, name)  # filter choices included
    assert ("Northland" in pillar) is sees
    export = json.loads(client_for(persona).get(reverse("decisions:decision-export-json")).getvalue())
    assert (export["count"] == 5) is sees
    assert export["count"] in (0, 5)


def test_circulated_board_members_read_it_marked_draft(client_for, recorded):
    release(recorded["meeting"], "circulated")
    page = read(client_for, "board_member", recorded["meeting"].get_absolute_url())
    assert "DRAFT" in page
    assert "Host of the IISG Secretariat" in section(page, "roles")
    assert client_for("anonymous").get(recorded["meeting"].get_absolute_url()).status_code == 404
    pillar = read(client_for, "board_member", recorded["pillar"].get_absolute_url())
    assert "Northland" in pillar
    assert "DRAFT" in pillar
    assert "Northland" not in read(client_for, "anonymous", recorded["pillar"].get_absolute_url())


@pytest.fixture
def published(recorded):
    release(recorded["meeting"], "published")
    return recorded


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_meeting_record_says_what_each_decision_says(client_for, published, persona):
    page = read(client_for, persona, published["meeting"].get_absolute_url())
    decisions = section(page, "decisions")
    assert (
        "SG3/2024/02 — Revised rules of procedure The revised rules of procedure apply from 1 January 2025. "
        "On the proposal of: Examplestan Concerns: Northland, Southland Mission in Kosovo* "
        "Effective from Wednesday, 1 January 2025"
    ) in decisions
    roles = section(page, "roles")
    assert "Appointment: Ministry of Example Affairs, Host of the IISG Secretariat (from September 2024)" in roles
    assert "Appointment: Northland, Lead partner of a pillar (WBTi) (from 14 May 2024)" in roles
    assert "Appointment: Southland Mission in Kosovo*, Co-lead partner of a pillar (WBTi) (from 2024)" in roles
    assert "Appointment: Ms Vera Example, Chair of the Support Group (14 May 2024 – May 2030)" in roles
    assert page.count(str(KOSOVO_FOOTNOTE)) == 1
    # Names link to their pages.
    assert f'href="{Person.objects.get(name="Vera Example").get_absolute_url()}"' in page
    assert f'href="{published["pillar"].get_absolute_url()}"' in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_pages_show_roles_held_and_the_decisions_that_concern_them(client_for, published, persona):
    ministry = plain(read(client_for, persona, published["Ministry of Example Affairs"].get_absolute_url()))
    assert "Roles it holds Host of the IISG Secretariat: Appointment, from September 2024 (decision SG3/2024/01)" in (
        ministry
    )
    assert "On the proposal of Examplestan" in ministry
    northland = plain(read(client_for, persona, published["Northland"].get_absolute_url()))
    assert "Lead partner of a pillar (WBTi): Appointment, from 14 May 2024 (decision SG3/2024/03)" in northland
    assert "SG3/2024/02 — Adopted: Revised rules of procedure" in northland  # it concerns Northland
    proposer = plain(read(client_for, persona, published["Examplestan"].get_absolute_url()))
    assert "SG3/2024/01 — Approved: Host of the IISG Secretariat" in proposer
    assert "SG3/2024/02 — Adopted: Revised rules of procedure" in proposer
    assert "Roles held by its people Chair of the Support Group: Ms Vera Example — Appointment" in proposer


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_person_page(client_for, published, persona):
    vera = Person.objects.get(name="Vera Example")
    page = plain(read(client_for, persona, vera.get_absolute_url()))
    assert "Ms Vera Example" in page
    assert "Current position Ambassador Organisation Examplestan" in page
    assert "Roles held Chair of the Support Group: Appointment, 14 May 2024 – May 2030 (decision SG3/2024/04)" in page
    assert "Decisions concerning or proposed by them SG3/2024/04 — Appointed: Chair of the Support Group" in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pillar_page(client_for, published, persona):
    page = plain(read(client_for, persona, published["pillar"].get_absolute_url()))
    assert "Test pillar initiative (WBTi) Invented for the test." in page
    partners = page.split("Lead and co-lead partners", 1)[1]
    assert (
        "Lead partner of a pillar (WBTi): Northland — Appointment, from 14 May 2024 (decision SG3/2024/03)" in partners
    )
    assert (
        "Co-lead partner of a pillar (WBTi): Southland Mission in Kosovo* — Appointment, from 2024 "
        "(decision SG3/2024/03)" in partners
    )
    assert "SG3/2024/05 — Endorsed: Evaluation of the pillar" in page
    # Documents are part of the full record.
    assert ("Evaluation of WBTi 2024 — Evaluation report, 2024" in page) is (persona != "anonymous")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_roles_and_membership_registers(client_for, published, persona):
    page = read(client_for, persona, reverse("portal:member-list"))
    roles = plain(page.split('id="roles"', 1)[1])
    assert (
        "Host of the IISG Secretariat: Ministry of Example Affairs — Appointment, from September 2024 "
        "(decision SG3/2024/01)" in roles
    )
    assert "Chair of the Support Group: Ms Vera Example, Examplestan" not in roles  # she held it for no one
    assert "Chair of the Support Group: Ms Vera Example — Appointment, 14 May 2024 – May 2030" in roles
    assert roles.index("Chair of the Support Group") < roles.index("Host of the IISG Secretariat")  # posts in order
    assert "Current members" in text_of(page)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_register_and_its_organisation_filter(client_for, published, persona):
    client = client_for(persona)

    def references(**query):
        return sorted(d.reference for d in client.get(REGISTER, query).context["page_obj"])

    assert references(organisation="northland") == ["SG3/2024/02", "SG3/2024/03"]
    assert references(organisation="examplestan") == ["SG3/2024/01", "SG3/2024/02", "SG3/2024/04"]
    assert references(organisation="mea") == ["SG3/2024/01"]
    assert references(organisation="smk") == ["SG3/2024/02", "SG3/2024/03"]
    assert references(pillar="WBTi") == ["SG3/2024/03", "SG3/2024/05"]
    page = plain(client.get(REGISTER, {"q": "rules"}).content.decode())
    assert "On the proposal of: Examplestan Concerns: Northland, Southland Mission in Kosovo*" in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_csv_and_json_carry_the_facts_and_the_footnote(client_for, published, persona):
    client = client_for(persona)
    response = client.get(reverse("decisions:decision-export-csv"))
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    # The rows that print "Kosovo*" carry the footnote, the others none; no row is a note.
    assert {row["reference"]: row["footnote"] for row in rows} == {
        row["reference"]: str(KOSOVO_FOOTNOTE) if "Kosovo*" in ",".join(row.values()) else "" for row in rows
    }
    rules = next(row for row in rows if row["reference"] == "SG3/2024/02")
    assert rules["footnote"] == str(KOSOVO_FOOTNOTE)
    assert (rules["proposed_by"], rules["concerns"], rules["effective_from"]) == (
        "Examplestan",
        "Northland; Southland Mission in Kosovo*",
        "2025-01-01",
    )
    host = next(row for row in rows if row["reference"] == "SG3/2024/01")
    assert (
        host["roles"] == "Ministry of Example Affairs, Host of the IISG Secretariat (Appointment, from September 2024)"
    )

    data = json.loads(client.get(reverse("decisions:decision-export-json")).getvalue())
    assert data["footnotes"] == [{"marker": "Kosovo*", "text": str(KOSOVO_FOOTNOTE)}]
    decisions = {d["reference"]: d for d in data["decisions"]}
    rules = decisions["SG3/2024/02"]
    assert rules["proposed_by_organisation"]["name"] == "Examplestan"
    assert rules["proposed_by_person"] is None
    assert [(o["name"], o["footnote"]) for o in rules["concerns_organisations"]] == [
        ("Northland", None),
        ("Southland Mission in Kosovo*", str(KOSOVO_FOOTNOTE)),
    ]
    assert rules["effective_from"] == "2025-01-01"
    (host_role,) = decisions["SG3/2024/01"]["roles"]
    assert {k: host_role[k] for k in ("post", "holder_type", "start", "start_precision", "end", "term")} == {
        "post": "Host of the IISG Secretariat",
        "holder_type": "organisation",
        "start": "2024-09-01",
        "start_precision": "month",
        "end": None,
        "term": "from September 2024",
    }
    assert host_role["holder"]["name"] == "Ministry of Example Affairs"
    documents = decisions["SG3/2024/05"]["documents"]
    assert documents == (
        []
        if persona == "anonymous"
        else [{"title": "Evaluation of WBTi 2024", "kind": "Evaluation report", "url": documents[0]["url"]}]
    )


def test_exports_without_kosovo_carry_no_footnote(client, published):
    query = {"organisation": "mea"}
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("decisions:decision-export-csv"), query).getvalue().decode("utf-8-sig"))
        )
    )
    assert [(row["reference"], row["footnote"]) for row in rows] == [("SG3/2024/01", "")]
    assert json.loads(client.get(reverse("decisions:decision-export-json"), query).getvalue())["footnotes"] == []


def test_the_document_kinds_filter_finds_the_kind_the_admin_added(client_for, published):
    page = client_for("board_member").get(reverse("decisions:document-list"), {"kind": "evaluation-report"})
    assert [d.title for d in page.context["page_obj"]] == ["Evaluation of WBTi 2024"]
