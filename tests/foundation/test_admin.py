"""Every admin changelist, add, change and history page works for a superuser."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = {
    "members.organisation": factories.OrganisationFactory,
    "members.person": factories.PersonFactory,
    "members.pillar": factories.PillarFactory,
    "members.membership": factories.MembershipFactory,
    "members.post": factories.PostFactory,
    "members.roleheld": factories.RoleHeldFactory,
    "meetings.meeting": factories.MeetingFactory,
    "meetings.participation": factories.ParticipationFactory,
    "meetings.agendaitem": factories.AgendaItemFactory,
    "meetings.reschedule": factories.RescheduleFactory,
    "meetings.correction": factories.CorrectionFactory,
    "meetings.occasion": factories.OccasionFactory,
    "decisions.document": factories.DocumentFactory,
    "decisions.documentkind": factories.DocumentKindFactory,
    "decisions.documentfile": factories.DocumentFileFactory,
    "decisions.decision": factories.DecisionFactory,
    "decisions.actionitem": factories.ActionItemFactory,
    "decisions.progressnote": factories.ProgressNoteFactory,
    "decisions.writtenprocedure": factories.WrittenProcedureFactory,
    "decisions.procedureanswer": factories.ProcedureAnswerFactory,
    "members.delegation": factories.DelegationFactory,
}
DOMAIN_MODELS = sorted(
    m._meta.label_lower for m in admin.site._registry if m._meta.app_label in {"members", "meetings", "decisions"}
)


def test_every_domain_model_is_in_the_admin():
    assert sorted(FACTORIES) == DOMAIN_MODELS


def admin_url(label, action, *args):
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{action}", args=args)


@pytest.mark.parametrize("label", sorted(FACTORIES))
def test_admin_pages_for_a_superuser(client, admin_user, label):
    obj = FACTORIES[label]()
    client.force_login(admin_user)
    for url in [
        admin_url(label, "changelist"),
        admin_url(label, "changelist") + "?q=a",
        admin_url(label, "add"),
        admin_url(label, "change", obj.pk),
        admin_url(label, "history", obj.pk),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_meeting_admin_shows_participants_agenda_and_decisions_inline(client, admin_user):
    decision = factories.DecisionFactory(subject="Approve the work plan")
    factories.ParticipationFactory(meeting=decision.meeting, position="Minister of Security")
    factories.AgendaItemFactory(meeting=decision.meeting, title="Work plan 2022")
    client.force_login(admin_user)
    content = client.get(admin_url("meetings.meeting", "change", decision.meeting.pk)).content.decode()
    assert "Minister of Security" in content
    assert "Work plan 2022" in content
    assert "Approve the work plan" in content


def test_organisation_admin_shows_memberships_and_people_inline(client, admin_user):
    membership = factories.MembershipFactory()
    factories.PersonFactory(organisation=membership.organisation, name="Ana Example")
    client.force_login(admin_user)
    content = client.get(admin_url("members.organisation", "change", membership.organisation.pk)).content.decode()
    assert "Ana Example" in content
    assert "Board member" in content


def test_admin_autocomplete_finds_organisations(client, admin_user):
    factories.OrganisationFactory(name="Regional Cooperation Council")
    client.force_login(admin_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Regional", "app_label": "members", "model_name": "person", "field_name": "organisation"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Regional Cooperation Council"]


def test_admin_refuses_an_overlapping_membership_with_a_message(client, admin_user):
    membership = factories.MembershipFactory()
    client.force_login(admin_user)
    response = client.post(
        admin_url("members.membership", "add"),
        {"organisation": membership.organisation.pk, "category": membership.category, "since": "2022-06-20"},
    )
    assert response.status_code == 200
    assert "is already a Board member over these dates" in response.content.decode()


def test_board_member_cannot_enter_the_admin(client, board_member):
    client.force_login(board_member)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
