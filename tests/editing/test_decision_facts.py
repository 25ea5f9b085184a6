"""
Decisions that say more than a verb (on the proposal of, concerning, effective from), recorded and
edited through the Secretariat's pages and the admin; "Agreed" makes no action item; document kinds
are data an admin adds without a code change.
"""

import datetime as dt

import pytest
from django.urls import reverse

from decisions.models import ActionItem, Decision, Document, DocumentKind
from tests.editing.conftest import errors_of
from tests.factories import DecisionFactory, MeetingFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(db):
    start = dt.datetime(2025, 11, 20, 8, 0, tzinfo=dt.UTC)
    return MeetingFactory(ordinal=12, status="draft", published_at=None, start=start, end=start + dt.timedelta(hours=6))


def decision_data(client, meeting, **values) -> dict:
    url = reverse("decisions-edit:decision-create", args=[meeting.slug])
    form = client.get(url).context["form"]
    data = {"agenda_item": "", "reference": form.initial["reference"], "verb": "adopted"}
    data |= {"subject": "Revised rules of procedure", "wording": "The Board adopted the revised rules."}
    return data | values


def test_a_decision_proposed_by_an_organisation_concerning_two_that_applies_later(secretariat_client, meeting):
    proposer = OrganisationFactory(name="Example Republic")
    first, second = OrganisationFactory(name="First Concerned"), OrganisationFactory(name="Second Concerned")
    rapporteur = PersonFactory(name="Rita Rapporteur")
    url = reverse("decisions-edit:decision-create", args=[meeting.slug])
    data = decision_data(
        secretariat_client,
        meeting,
        proposed_by_organisation=proposer.pk,
        concerns_organisations=[first.pk, second.pk],
        concerns_people=[rapporteur.pk],
        effective_from="2026-01-01",
    )
    assert secretariat_client.post(url, data).status_code == 302
    decision = Decision.objects.get()
    assert (decision.proposed_by, decision.effective_from) == (proposer, dt.date(2026, 1, 1))
    assert set(decision.concerns_organisations.all()) == {first, second}
    assert list(decision.concerns_people.all()) == [rapporteur]
    # The history keeps whom it concerned.
    assert decision.history.first().concerns_organisations.count() == 2


def test_a_decision_has_one_proposer_at_most(secretariat_client, meeting):
    url = reverse("decisions-edit:decision-create", args=[meeting.slug])
    data = decision_data(
        secretariat_client,
        meeting,
        subject="Kept subject",
        proposed_by_organisation=OrganisationFactory().pk,
        proposed_by_person=PersonFactory().pk,
    )
    response = secretariat_client.post(url, data)
    assert errors_of(response)["proposed_by_person"] == [
        "A decision is on the proposal of an organisation or of a person, not both."
    ]
    assert 'value="Kept subject"' in response.content.decode()
    assert not Decision.objects.exists()


def test_editing_a_decision_changes_whom_it_concerns(secretariat_client, meeting):
    decision = DecisionFactory(meeting=meeting)
    decision.concerns_organisations.add(OrganisationFactory(name="Dropped"))
    kept = OrganisationFactory(name="Kept")
    url = reverse("decisions-edit:decision-edit", args=[decision.pk])
    form = secretariat_client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"concerns_organisations": [kept.pk], "effective_from": "2026-02-01"}
    assert secretariat_client.post(url, data).status_code == 302
    decision.refresh_from_db()
    assert [o.name for o in decision.concerns_organisations.all()] == ["Kept"]
    assert decision.effective_from == dt.date(2026, 2, 1)


def test_an_outcome_records_what_the_decision_says_too(secretariat_client, meeting):
    proposer = PersonFactory(name="Pia Proposer")
    url = reverse("decisions-edit:agree-action", args=[meeting.slug])
    reference = secretariat_client.get(url).context["form"].initial["reference"]
    data = {"existing_decision": "", "reference": reference, "verb": "agreed", "subject": "Coordination"}
    data |= {"proposed_by_person": proposer.pk, "effective_from": "2026-03-01", "description": "Coordinate."}
    assert secretariat_client.post(url, data).status_code == 302
    decision = Decision.objects.get()
    assert (decision.proposed_by, decision.effective_from) == (proposer, dt.date(2026, 3, 1))


def test_the_admin_records_what_a_decision_says(admin_client, meeting):
    proposer = OrganisationFactory(name="Admin Proposer")
    concerned = OrganisationFactory(name="Admin Concerned")
    data = {
        "meeting": meeting.pk,
        "reference": "B12/2025/05",
        "sequence": "5",
        "verb": "approved",
        "subject": "Admin decision",
        "wording": "",
        "proposed_by_organisation": proposer.pk,
        "concerns_organisations": [concerned.pk],
        "effective_from": "2026-01-01",
        "action_items-TOTAL_FORMS": "0",
        "action_items-INITIAL_FORMS": "0",
        "action_items-MIN_NUM_FORMS": "0",
        "action_items-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(reverse("admin:decisions_decision_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    decision = Decision.objects.get(reference="B12/2025/05")
    assert (decision.proposed_by, list(decision.concerns_organisations.all())) == (proposer, [concerned])
    refused = admin_client.post(
        reverse("admin:decisions_decision_add"),
        data | {"reference": "B12/2025/06", "sequence": "6", "proposed_by_person": PersonFactory().pk},
    )
    assert refused.status_code == 200
    assert "not both" in refused.content.decode()


# --- "Agreed" is a verb, not an action --------------------------------------------------------


def test_an_agreed_decision_is_no_action_item_unless_one_is_recorded(client_for, secretariat_client, meeting):
    url = reverse("decisions-edit:decision-create", args=[meeting.slug])
    data = decision_data(
        secretariat_client, meeting, verb="agreed", subject="Closer coordination", wording="Agreedwording was noted."
    )
    assert secretariat_client.post(url, data).status_code == 302
    assert not ActionItem.objects.exists()
    meeting.status = "published"
    meeting.save()
    for persona in ["anonymous", "board_member", "secretariat"]:
        client = client_for(persona)
        page = client.get(meeting.get_absolute_url()).content.decode()
        follow_up = page.split('id="follow-up"', 1)[1].split("</section>", 1)[0] if 'id="follow-up"' in page else ""
        assert "Agreedwording" not in follow_up, persona
        assert "Closer coordination" in page.split('id="decisions"', 1)[1].split("</section>", 1)[0]
        if persona != "anonymous":
            assert "Agreedwording" not in client.get(reverse("decisions:action-list")).content.decode()


def test_a_decision_with_a_recorded_action_is_followed_up_whatever_its_verb(client, meeting):
    decision = DecisionFactory(meeting=meeting, verb="approved", wording="Followedupwording was approved.")
    ActionItem.objects.create(meeting=meeting, decision=decision, description="Do it.")
    meeting.status = "published"
    meeting.save()
    page = client.get(meeting.get_absolute_url()).content.decode()
    follow_up = page.split('id="follow-up"', 1)[1].split("</section>", 1)[0]
    # The public reads the decision it follows up; the action itself is for Board members.
    assert "Followedupwording" in follow_up
    assert "Do it." not in page


# --- Document kinds are data --------------------------------------------------------------------


def test_an_admin_adds_a_kind_and_the_secretariat_records_a_document_of_it(admin_client, secretariat_client):
    response = admin_client.post(
        reverse("admin:decisions_documentkind_add"),
        {"name": "Annual activity report", "slug": "annual-activity-report", "order": "55"},
    )
    assert response.status_code == 302
    kind = DocumentKind.objects.get(slug="annual-activity-report")
    form = secretariat_client.get(reverse("decisions-edit:document-create")).context["form"]
    assert (kind.pk, "Annual activity report") in [
        (int(value.value), label) for value, label in form.fields["kind"].choices if value
    ]
    data = {"title": "Annual activity report 2025", "kind": kind.pk, "period_start": "2025", "period_end": "2025"}
    response = secretariat_client.post(reverse("decisions-edit:document-create"), data)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.kind == kind
    # The documents filter offers it and finds the document; the page names it.
    listing = secretariat_client.get(reverse("decisions:document-list"), {"kind": "annual-activity-report"})
    assert [d.title for d in listing.context["page_obj"]] == ["Annual activity report 2025"]
    assert "Annual activity report</option>" in listing.content.decode()
    assert "Annual activity report" in secretariat_client.get(document.get_absolute_url()).content.decode()


def test_a_kind_in_use_cannot_be_deleted(admin_client):
    kind = DocumentKind.objects.get(slug="report")
    Document.objects.create(title="A report", kind=kind)
    response = admin_client.post(reverse("admin:decisions_documentkind_delete", args=[kind.pk]), {"post": "yes"})
    assert response.status_code == 200  # the admin lists what protects it
    assert DocumentKind.objects.filter(pk=kind.pk).exists()


def test_a_new_document_without_a_kind_is_of_kind_other(secretariat_client, meeting):
    url = reverse("decisions-edit:approve-documents", args=[meeting.slug])
    reference = secretariat_client.get(url).context["form"].initial["reference"]
    data = {"existing_decision": "", "reference": reference, "verb": "approved", "subject": "A paper"}
    data |= {"new_title": "An untyped paper", "new_kind": ""}
    assert secretariat_client.post(url, data).status_code == 302
    assert Document.objects.get().kind.slug == "other"


def test_search_finds_documents_by_their_kind_and_says_it(client_for):
    kind = DocumentKind.objects.create(name="Threat assessment", slug="threat-assessment", order=90)
    document = Document.objects.create(title="Regional overview 2025", kind=kind)
    meeting = MeetingFactory(ordinal=77)
    DecisionFactory(meeting=meeting).documents.add(document)
    overview = client_for("board_member").get(reverse("portal:search"), {"q": "threat assessment"}).context["overview"]
    assert [result.title for group in overview for result in group.results] == [
        "Regional overview 2025 (Threat assessment)"
    ]
    # Documents are for Board members: the public finds none.
    assert (
        client_for("anonymous").get(reverse("portal:search"), {"q": "threat assessment"}).context["result_count"] == 0
    )
