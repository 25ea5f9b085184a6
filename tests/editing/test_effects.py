"""Effects as data (decisions.effects): one class and one form per kind, kept as JSON, refused when a record is gone."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from decisions import effects, services
from decisions.edit_views import OUTCOMES
from decisions.effect_forms import EFFECT_FORMS
from decisions.models import Decision, Document
from members.models import Membership, Organisation, Post, RoleHeld
from tests.factories import (
    DecisionFactory,
    DocumentFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PillarFactory,
    WrittenProcedureFactory,
)

pytestmark = pytest.mark.django_db


def head_of_secretariat() -> Post:
    return Post.objects.get(name="Head of the IISG Secretariat")


def stored_and_back(effect: effects.Effect) -> effects.Effect:
    """Through JSON, as a written procedure keeps it."""
    return effects.from_stored(json.loads(json.dumps(effects.to_stored(effect))))


def test_every_effect_has_its_form_and_its_outcome_page():
    assert set(EFFECT_FORMS) == set(effects.EFFECTS)
    assert {form.url_name for form in EFFECT_FORMS.values()} == set(OUTCOMES)


def test_each_effect_goes_through_json_unchanged():
    organisation, person = OrganisationFactory(), PersonFactory()
    samples = [
        effects.AdmitMembers(
            organisations=(organisation,),
            category=Membership.Category.OBSERVER,
            since=dt.date(2026, 1, 2),
        ),
        effects.EndMembership(membership=MembershipFactory(), until=dt.date(2026, 3, 1), note="Left"),
        effects.Documents(documents=(DocumentFactory(),)),
        effects.Role(
            post=head_of_secretariat(),
            person=person,
            represented=organisation,
            pillar=PillarFactory(),
            kind=RoleHeld.Kind.EXTENSION,
            start=dt.date(2026, 6, 1),
            start_precision="month",
            end=dt.date(2028, 5, 31),
            note="Second term",
        ),
        effects.AgreeAction(description="Report back", owner_person=person, due_date=dt.date(2026, 9, 1)),
    ]
    assert {type(sample) for sample in samples} == set(effects.EFFECTS.values())
    for sample in samples:
        assert stored_and_back(sample) == sample


def test_new_records_go_through_json_as_their_fields():
    admit = effects.AdmitMembers(
        category=Membership.Category.SUPPORT_GROUP, new_organisations=(Organisation(name="Newcomer", kind="other"),)
    )
    back = stored_and_back(admit)
    assert [organisation.name for organisation in back.new_organisations] == ["Newcomer"]
    assert back.new_organisations[0].pk is None
    documents = effects.Documents(new_document=Document(title="Work plan 2027", period_start=2027))
    assert stored_and_back(documents).new_document.title == "Work plan 2027"


def test_a_record_deleted_since_is_refused_beside_its_field():
    organisation = OrganisationFactory(name="Gone")
    stored = effects.to_stored(effects.AdmitMembers(organisations=(organisation,), category="observer"))
    organisation.delete()
    with pytest.raises(ValidationError) as refused:
        effects.from_stored(stored)
    assert "organisations" in refused.value.error_dict
    assert "deleted since" in " ".join(refused.value.messages)


def test_a_file_cannot_be_stored_for_later():
    with pytest.raises(ValidationError) as refused:
        effects.Documents(documents=(DocumentFactory(),), uploaded_file=object()).to_data()
    assert "file" in refused.value.error_dict


def test_the_same_effect_applies_to_a_procedure_decision_dated_at_its_closing(draft_procedure_decision):
    person, organisation = PersonFactory(), OrganisationFactory()
    role = effects.Role(
        post=head_of_secretariat(), person=person, represented=organisation, note="By procedure", start_on_decision=True
    )
    result = services.record_outcome(
        services.OutcomeInput(meeting=None, decision=draft_procedure_decision, effect=role, on=dt.date(2026, 4, 30))
    )
    (held,) = result.created
    assert (held.person, held.represented, held.start, held.note) == (
        person,
        organisation,
        dt.date(2026, 4, 30),
        "By procedure",
    )
    assert list(draft_procedure_decision.roles.all()) == [held]


def test_an_action_needs_a_meeting(draft_procedure_decision):
    with pytest.raises(ValidationError):
        services.record_outcome(
            services.OutcomeInput(
                meeting=None,
                decision=draft_procedure_decision,
                effect=effects.AgreeAction(description="Do it"),
                on=dt.date(2026, 4, 30),
            )
        )


def test_an_appointment_at_a_meeting_starts_on_the_meeting_date_when_asked(secretariat_client):
    start = dt.datetime(2022, 6, 20, 8, 0, tzinfo=dt.UTC)
    meeting = MeetingFactory(kind="board", ordinal=6, status="draft", start=start, end=start + dt.timedelta(hours=8))
    url = reverse("decisions-edit:appoint", args=[meeting.slug])
    reference = secretariat_client.get(url).context["form"].initial["reference"]
    data = {
        "reference": reference,
        "verb": "appointed",
        "subject": "Head of the Secretariat",
        "post": head_of_secretariat().pk,
        "person": PersonFactory().pk,
        "kind": "appointment",
        "start": "",
        "start_precision": "day",
        "end": "",
        "end_precision": "day",
    }
    assert secretariat_client.post(url, data).status_code == 302
    # Empty: a start not on record.
    assert RoleHeld.objects.get().start is None
    reference = secretariat_client.get(url).context["form"].initial["reference"]
    data |= {"reference": reference, "person": PersonFactory().pk, "start_on_decision": "on"}
    assert secretariat_client.post(url, data).status_code == 302
    role = RoleHeld.objects.get(person_id=data["person"])
    assert role.start == dt.date(2022, 6, 20)
    assert Decision.objects.get(reference=reference).roles.get() == role


def test_an_effect_refused_by_its_validation_records_no_decision(secretariat_client):
    meeting = MeetingFactory(status="draft")
    url = reverse("decisions-edit:appoint", args=[meeting.slug])
    reference = secretariat_client.get(url).context["form"].initial["reference"]
    data = {
        "reference": reference,
        "verb": "appointed",
        "subject": "Head of the Secretariat",
        "post": head_of_secretariat().pk,
        "kind": "appointment",
        "start_precision": "day",
        "end_precision": "day",
    }
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert 'value="Head of the Secretariat"' in response.content.decode()
    assert not Decision.objects.exists()


@pytest.fixture
def draft_procedure_decision(db):
    procedure = WrittenProcedureFactory()
    return DecisionFactory(meeting=None, procedure=procedure, reference=procedure.reference, sequence=1)


def test_the_meeting_page_links_every_outcome_page(secretariat_client):
    meeting = MeetingFactory(status="draft")
    page = secretariat_client.get(meeting.get_absolute_url()).content.decode()
    for form in EFFECT_FORMS.values():
        assert reverse(f"decisions-edit:{form.url_name}", args=[meeting.slug]) in page
        assert str(form.link_label or form.title) in page
