"""Decisions with a proposed reference; the outcome helpers, each one step and one transaction with its effect."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions import effects, services
from decisions.models import ActionItem, Decision, Document
from meetings.models import Correction
from members.models import Membership, Organisation, Post, RoleHeld
from tests.factories import (
    AgendaItemFactory,
    DecisionFactory,
    DocumentFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PillarFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(db):
    start = dt.datetime(2022, 6, 20, 8, 0, tzinfo=dt.UTC)
    return MeetingFactory(
        kind="board", ordinal=6, status="draft", start=start, end=start + dt.timedelta(hours=8), published_at=None
    )


def decision_data(client, url, **values):
    reference = client.get(url).context["form"].initial["reference"]
    data = {"existing_decision": "", "agenda_item": "", "reference": reference, "verb": "approved"}
    return data | {"subject": "Subject", "wording": ""} | values


def test_a_decision_gets_a_proposed_reference(secretariat_client, meeting):
    url = reverse("decisions-edit:decision-create", args=[meeting.slug])
    assert secretariat_client.get(url).context["form"].initial["reference"] == "B6/2022/01"
    item = AgendaItemFactory(meeting=meeting, position=1)
    data = {"agenda_item": item.pk, "reference": "B6/2022/01", "verb": "took_note", "subject": "Report"}
    assert secretariat_client.post(url, data | {"wording": "The Board took note."}).status_code == 302
    decision = Decision.objects.get()
    assert (decision.reference, decision.sequence, decision.agenda_item) == ("B6/2022/01", 1, item)
    assert secretariat_client.get(url).context["form"].initial["reference"] == "B6/2022/02"


def test_the_reference_can_be_changed_but_not_to_one_taken(secretariat_client, meeting):
    DecisionFactory(meeting=meeting, sequence=1, reference="B6/2022/01")
    url = reverse("decisions-edit:decision-create", args=[meeting.slug])
    data = {"reference": "B6/2022/01", "verb": "approved", "subject": "Kept subject", "wording": ""}
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert "reference" in response.context["form"].errors
    assert 'value="Kept subject"' in response.content.decode()
    assert secretariat_client.post(url, data | {"reference": "B6/2022/1bis"}).status_code == 302
    assert Decision.objects.filter(reference="B6/2022/1bis", sequence=2).exists()


def test_an_agenda_item_of_another_meeting_cannot_be_chosen(secretariat_client, meeting):
    other = AgendaItemFactory(position=1)
    url = reverse("decisions-edit:decision-create", args=[meeting.slug])
    data = {"agenda_item": other.pk, "reference": "B6/2022/01", "verb": "approved", "subject": "S"}
    response = secretariat_client.post(url, data)
    assert "agenda_item" in response.context["form"].errors


def test_edit_a_decision(secretariat_client, meeting):
    decision = DecisionFactory(meeting=meeting, sequence=1, reference="B6/2022/01")
    url = reverse("decisions-edit:decision-edit", args=[decision.pk])
    data = {"reference": "B6/2022/01", "verb": "adopted", "subject": "New", "wording": "W", "version": 1}
    assert secretariat_client.post(url, data).status_code == 302
    decision.refresh_from_db()
    assert (decision.verb, decision.subject, decision.version) == ("adopted", "New", 2)
    history = secretariat_client.get(reverse("decisions-edit:decision-history", args=[decision.pk]))
    assert any(c["field"] == "Subject" for entry in history.context["entries"] for c in entry["changes"])


def test_a_decision_of_a_published_meeting_needs_a_correction_reason(secretariat_client, published_meeting):
    url = reverse("decisions-edit:decision-create", args=[published_meeting.slug])
    data = decision_data(secretariat_client, url)
    assert "correction_reason" in secretariat_client.post(url, data).context["form"].errors
    assert secretariat_client.post(url, data | {"correction_reason": "Forgotten decision."}).status_code == 302
    assert Correction.objects.get(meeting=published_meeting).reason == "Forgotten decision."


# --- Admit members ------------------------------------------------------------------------------


def admit_data(client, meeting, **values):
    url = reverse("decisions-edit:admit-members", args=[meeting.slug])
    data = decision_data(client, url, subject="New members") | {"category": "support_group", "since": ""}
    data |= {"new-TOTAL_FORMS": "3", "new-INITIAL_FORMS": "0", "new-MIN_NUM_FORMS": "0", "new-MAX_NUM_FORMS": "20"}
    return url, data | values


def test_admit_members_chosen_and_created(secretariat_client, meeting):
    bulgaria = OrganisationFactory(name="Bulgaria")
    url, data = admit_data(
        secretariat_client,
        meeting,
        organisations=[bulgaria.pk],
        **{"new-0-name": "Regional Anti-Corruption Initiative", "new-0-acronym": "RAI", "new-0-kind": "regional"},
    )
    assert secretariat_client.post(url, data).status_code == 302
    decision = Decision.objects.get()
    memberships = Membership.objects.order_by("organisation__name")
    assert [(m.organisation.name, m.category, m.since) for m in memberships] == [
        ("Bulgaria", "support_group", dt.date(2022, 6, 20)),
        ("Regional Anti-Corruption Initiative", "support_group", dt.date(2022, 6, 20)),
    ]
    assert set(decision.memberships.all()) == set(memberships)
    assert Organisation.objects.get(acronym="RAI").kind == "regional"


def test_admitting_a_member_twice_is_refused_and_nothing_is_saved(secretariat_client, meeting):
    existing = MembershipFactory(category="support_group", since=dt.date(2020, 1, 1))
    url, data = admit_data(
        secretariat_client, meeting, organisations=[existing.organisation.pk], **{"new-0-name": "Brand new"}
    )
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert f"{existing.organisation} is already a Support Group member" in " ".join(
        response.context["form"].errors["organisations"]
    )
    # One transaction: no decision, no new organisation, no membership.
    assert not Decision.objects.exists()
    assert not Organisation.objects.filter(name="Brand new").exists()
    assert Membership.objects.count() == 1
    assert 'value="Brand new"' in response.content.decode()


def test_admit_nobody_is_an_error(secretariat_client, meeting):
    url, data = admit_data(secretariat_client, meeting)
    response = secretariat_client.post(url, data)
    assert "organisations" in response.context["form"].errors
    assert not Decision.objects.exists()


def test_admit_members_service_on_an_existing_decision(meeting):
    decision = DecisionFactory(meeting=meeting, sequence=1, reference="B6/2022/01")
    organisation = OrganisationFactory()
    result = services.record_outcome(
        services.OutcomeInput(
            meeting=meeting,
            decision=decision,
            effect=effects.AdmitMembers(organisations=(organisation,), category="observer"),
        )
    )
    (membership,) = result.created
    assert result.decision == decision
    assert list(decision.memberships.all()) == [membership]
    assert membership.since == dt.date(2022, 6, 20)


# --- End a membership ---------------------------------------------------------------------------


def test_end_a_membership_by_decision(secretariat_client, meeting):
    membership = MembershipFactory(since=dt.date(2019, 1, 1))
    url = reverse("decisions-edit:end-membership", args=[meeting.slug])
    data = decision_data(secretariat_client, url, subject="Withdrawal") | {
        "membership": membership.pk,
        "until": "",
        "note": "Withdrew.",
    }
    assert secretariat_client.post(url, data).status_code == 302
    membership.refresh_from_db()
    assert (membership.until, membership.note) == (dt.date(2022, 6, 20), "Withdrew.")
    assert list(Decision.objects.get().memberships.all()) == [membership]
    assert Membership.objects.count() == 1  # ended, never deleted


def test_a_membership_cannot_end_before_it_starts(secretariat_client, meeting):
    membership = MembershipFactory(since=dt.date(2022, 1, 1))
    url = reverse("decisions-edit:end-membership", args=[meeting.slug])
    data = decision_data(secretariat_client, url, subject="W") | {"membership": membership.pk, "until": "2021-01-01"}
    response = secretariat_client.post(url, data | {"note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Decision.objects.exists()


# --- Documents ----------------------------------------------------------------------------------


def test_adopt_a_new_document_with_its_file(secretariat_client, meeting):
    pillar = PillarFactory(code="WBCTi")
    url = reverse("decisions-edit:approve-documents", args=[meeting.slug])
    data = decision_data(secretariat_client, url, verb="endorsed_adopted", subject="Needs mapping") | {
        "new_title": "Needs mapping 2021–2022",
        "new_kind": "needs-mapping",
        "new_pillars": [pillar.pk],
        "new_period_start": "2021",
        "new_period_end": "2022",
        "file": SimpleUploadedFile("mapping.pdf", b"%PDF-1.7\nbody", content_type="application/pdf"),
    }
    assert secretariat_client.post(url, data).status_code == 302
    document = Document.objects.get()
    assert (document.kind.name, document.period, list(document.pillars.all())) == (
        "Needs mapping",
        "2021–2022",
        [pillar],
    )
    (version,) = document.files.all()
    assert (version.number, version.original_name, version.content_type) == (1, "mapping.pdf", "application/pdf")
    assert list(Decision.objects.get().documents.all()) == [document]
    # The document shows by which decision, at which meeting.
    page = secretariat_client.get(document.get_absolute_url()).content.decode()
    assert "B6/2022/01" in page


def test_approve_existing_documents(secretariat_client, meeting):
    first, second = DocumentFactory(), DocumentFactory()
    url = reverse("decisions-edit:approve-documents", args=[meeting.slug])
    data = decision_data(secretariat_client, url) | {"documents": [first.pk, second.pk], "new_title": ""}
    assert secretariat_client.post(url, data).status_code == 302
    assert set(Decision.objects.get().documents.all()) == {first, second}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"documents": [], "new_title": ""}, "documents"),
        ({"new_title": "Taken title"}, "new_title"),
        ({"new_title": "Period", "new_period_start": "2023", "new_period_end": "2021"}, "new_period_end"),
        ({"new_title": "Bad file", "file": SimpleUploadedFile("x.pdf", b"not a pdf")}, "file"),
    ],
)
def test_invalid_document_decision_keeps_the_input(secretariat_client, meeting, values, field):
    DocumentFactory(title="Taken title")
    url = reverse("decisions-edit:approve-documents", args=[meeting.slug])
    data = decision_data(secretariat_client, url, subject="Kept subject") | values
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'value="Kept subject"' in response.content.decode()
    assert not Decision.objects.exists()


# --- Roles held and actions ---------------------------------------------------------------------


def head_of_secretariat() -> Post:
    return Post.objects.get(name="Head of the IISG Secretariat")


def test_extend_a_mandate(secretariat_client, meeting):
    person = PersonFactory(name="Agron Sojati")
    secretariat_organisation = OrganisationFactory(name="IISG Secretariat")
    url = reverse("decisions-edit:appoint", args=[meeting.slug])
    data = decision_data(secretariat_client, url, subject="Mandate") | {
        "person": person.pk,
        "kind": "extension",
        "post": head_of_secretariat().pk,
        "represented": secretariat_organisation.pk,
        "start": "2022-07-01",
        "start_precision": "day",
        "end": "2024-06-30",
        "end_precision": "day",
        "note": "",
    }
    assert secretariat_client.post(url, data).status_code == 302
    role = RoleHeld.objects.get()
    assert (role.person, role.organisation, role.represented, role.kind, role.start, role.end) == (
        person,
        None,
        secretariat_organisation,
        "extension",
        dt.date(2022, 7, 1),
        dt.date(2024, 6, 30),
    )
    assert list(Decision.objects.get().roles.all()) == [role]


def test_a_role_cannot_end_before_it_starts(secretariat_client, meeting):
    url = reverse("decisions-edit:appoint", args=[meeting.slug])
    data = decision_data(secretariat_client, url) | {
        "person": PersonFactory().pk,
        "kind": "appointment",
        "post": head_of_secretariat().pk,
        "start": "2024-01-01",
        "start_precision": "day",
        "end": "2023-01-01",
        "end_precision": "day",
    }
    response = secretariat_client.post(url, data)
    assert "end" in response.context["form"].errors
    assert not RoleHeld.objects.exists()


def test_record_role_held_service():
    meeting = MeetingFactory(ordinal=9, status="draft")
    draft = services.DecisionDraft(reference="B9/2030/01", verb="appointed", subject="Head of Secretariat")
    appointment = effects.Role(person=PersonFactory(), post=head_of_secretariat(), end=dt.date(2031, 1, 1))
    result = services.record_outcome(services.OutcomeInput(meeting=meeting, decision=draft, effect=appointment))
    decision, (role,) = result.decision, result.created
    assert role.kind == RoleHeld.Kind.APPOINTMENT
    extension = effects.Role(
        person=role.person, post=head_of_secretariat(), kind=RoleHeld.Kind.EXTENSION, start=dt.date(2031, 1, 2)
    )
    (extension,) = services.record_outcome(
        services.OutcomeInput(meeting=meeting, decision=decision, effect=extension)
    ).created
    assert extension.kind == RoleHeld.Kind.EXTENSION
    assert set(decision.roles.all()) == {role, extension}


def test_agree_an_action(secretariat_client, meeting):
    owner = OrganisationFactory()
    item = AgendaItemFactory(meeting=meeting, position=4)
    url = reverse("decisions-edit:agree-action", args=[meeting.slug])
    data = decision_data(secretariat_client, url, verb="agreed", subject="Coordination", agenda_item=item.pk) | {
        "description": "Coordinate with donors.",
        "owner_organisation": owner.pk,
        "owner_person": "",
        "due_date": "2022-12-31",
    }
    assert secretariat_client.post(url, data).status_code == 302
    action = ActionItem.objects.get()
    decision = Decision.objects.get()
    assert (action.meeting, action.decision, action.owner, action.due_date, action.status) == (
        meeting,
        decision,
        owner,
        dt.date(2022, 12, 31),
        "open",
    )
    assert decision.agenda_item == item


def test_an_action_on_a_decision_recorded_already(secretariat_client, meeting):
    decision = DecisionFactory(meeting=meeting, sequence=1, reference="B6/2022/01", verb="agreed")
    url = reverse("decisions-edit:agree-action", args=[meeting.slug])
    data = {"existing_decision": decision.pk, "reference": "", "verb": "", "subject": "", "description": "Do it."}
    assert secretariat_client.post(url, data).status_code == 302
    assert ActionItem.objects.get().decision == decision
    assert Decision.objects.count() == 1


def test_a_decision_of_another_meeting_cannot_be_chosen(secretariat_client, meeting):
    other = DecisionFactory()
    url = reverse("decisions-edit:agree-action", args=[meeting.slug])
    data = {"existing_decision": other.pk, "description": "Do it."}
    response = secretariat_client.post(url, data)
    assert "existing_decision" in response.context["form"].errors
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("board_member", 403), ("secretariat", 302)])
def test_who_may_record_an_outcome(make_client, circulated_meeting, persona, status):
    url = reverse("decisions-edit:agree-action", args=[circulated_meeting.slug])
    data = {"reference": "X/1", "verb": "agreed", "subject": "S", "description": "Do it."}
    assert make_client(persona).post(url, data).status_code == status


def test_every_outcome_form_says_its_effect():
    """Each outcome helper's form defines effect() itself: the base class has none to fall back on."""
    from decisions.edit_views import OUTCOMES
    from decisions.forms import OutcomeForm

    assert OUTCOMES
    for key, outcome in OUTCOMES.items():
        assert issubclass(outcome.form, OutcomeForm), key
        assert callable(getattr(outcome.form, "effect", None)), key
    assert not hasattr(OutcomeForm, "effect")
