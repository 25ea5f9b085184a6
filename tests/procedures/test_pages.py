"""
The full life of a silence procedure and of a written procedure, through the pages (client-level):
drafted and launched by the Secretariat, answered by members (one through the Secretariat on
behalf), an objection, a changed answer, closing at the deadline (on a page view) and early, the
outcome published, and the effects in the registers.
"""

import datetime as dt
import json
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from decisions.models import ProcedureAnswer, WrittenProcedure
from decisions.procedures import services as procedures
from members.models import Membership
from tests.factories import OrganisationFactory
from tests.procedures.conftest import DEADLINE, LAUNCH

pytestmark = pytest.mark.django_db


def said(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def create(client, **fields):
    data = {
        "reference": "WP/2026/01",
        "kind": "silence",
        "title": "Adoption of the Work Plan 2026",
        "text": "The Board adopts the *Work Plan 2026*.",
        "verb": "adopted",
        "deadline": "2026-03-10T17:00",  # Europe/Sarajevo: 16:00 UTC
        "effect": "",
        "save": "1",
        **fields,
    }
    response = client.post(reverse("decisions-edit:procedure-create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return WrittenProcedure.objects.get(reference=data["reference"])


def launch(client, procedure):
    response = client.post(reverse("decisions-edit:procedure-launch", args=[procedure.slug]), {"confirm": "1"})
    assert response.status_code == 302
    return response


def answer(client, procedure, organisation, value, reason=""):
    """Open the answer page, then send the answer, with what the form carries (the answers as it saw them)."""
    url = reverse("decisions:procedure-answer", args=[procedure.slug])
    versions = client.get(url).context["form"]["versions"].value()
    data = {"organisation": organisation.pk, "answer": value, "reason": reason, "versions": versions, "save": "1"}
    return client.post(url, data)


def test_silence_procedure_blocked_by_a_changed_answer_closes_at_the_deadline(
    client, world, secretariat, clock, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    assert client.get(reverse("decisions-edit:procedure-create")).status_code == 200
    procedure = create(client)
    assert procedure.slug == "wp-2026-01"
    assert procedure.deadline == DEADLINE
    with django_capture_on_commit_callbacks(execute=True):
        response = launch(client, procedure)
    sent = "2 e-mails sent: beta@example.org (Betaland Ministry), board@example.org (Alphaland Ministry)."
    assert sent in said(response)
    assert len(mailoutbox) == 2

    # A member answers for their organisation from the procedure's page, then changes the answer.
    client.force_login(world.alpha_user)
    page = client.get(procedure.get_absolute_url())
    assert b"Your answer" in page.content
    assert "10 March 2026, 17:00 CET" in page.content.decode()
    response = answer(client, procedure, world.alpha, "agree")
    assert response.status_code == 302
    assert "Agree" in said(response)
    clock.advance(days=2)
    response = answer(client, procedure, world.alpha, "object")
    assert b"Say why you object." in response.content
    response = answer(client, procedure, world.alpha, "object", "The budget is missing.")
    assert response.status_code == 302
    row = ProcedureAnswer.objects.get(procedure=procedure, organisation=world.alpha)
    assert row.answer == "object"
    assert row.history.count() == 2
    page = client.get(procedure.get_absolute_url())
    assert b"So far: agree 0 \xc2\xb7 object 1 \xc2\xb7 abstain 0 \xe2\x80\x94 of 2 consulted" in page.content
    # A member reads their own organisation's answer, not the others'.
    client.force_login(world.beta_user)
    assert b"The budget is missing." not in client.get(procedure.get_absolute_url()).content

    # The deadline passes; no timer ran: the next page view closes it.
    clock.set(DEADLINE + dt.timedelta(hours=1))
    page = client.get(reverse("decisions:procedure-list"))
    procedure.refresh_from_db()
    assert procedure.stage == "closed"
    assert procedure.outcome == "not_adopted"
    assert b"Not adopted" in page.content
    assert not WrittenProcedure.objects.filter(decision__isnull=False).exists()


def test_written_procedure_adopted_early_admits_a_member_and_shows_in_the_registers(
    client, world, secretariat, clock, anonymous
):
    newcomer = OrganisationFactory(name="Newland Police", acronym="NEWPOL")
    client.force_login(secretariat)
    procedure = create(
        client,
        reference="WP/2026/02",
        kind="written",
        title="Admission of Newland Police to the Support Group",
        verb="approved",
        effect="admit",
        **{"admit-organisations": [newcomer.pk], "admit-category": "support_group", "admit-since": ""},
    )
    # Still a draft: the Secretariat may edit it; Board members do not see it.
    edit_url = reverse("decisions-edit:procedure-edit", args=[procedure.slug])
    assert client.get(edit_url).status_code == 200
    client.force_login(world.alpha_user)
    assert client.get(procedure.get_absolute_url()).status_code == 404
    client.force_login(secretariat)
    launch(client, procedure)

    client.force_login(world.alpha_user)
    assert answer(client, procedure, world.alpha, "agree").status_code == 302
    # Beta answered by letter: the Secretariat records it on its behalf, and the procedure closes early.
    client.force_login(secretariat)
    clock.advance(days=1)
    url = reverse("decisions-edit:procedure-record-answer", args=[procedure.slug])
    response = client.post(
        url, {"organisation": world.beta.pk, "answer": "agree", "reason": "", "channel": "letter", "save": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure.refresh_from_db()
    assert procedure.stage == "closed"
    assert procedure.outcome == "adopted"
    assert procedure.closed_at == LAUNCH + dt.timedelta(days=1)
    membership = Membership.objects.get(organisation=newcomer)
    assert membership.since == dt.date(2026, 3, 2)
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert "recorded by the Secretariat, received by letter" in page

    # Before publication the public sees neither the procedure, nor its decision, nor the membership.
    client.logout()
    assert client.get(procedure.get_absolute_url()).status_code == 404
    assert b"WP/2026/02" not in client.get(reverse("decisions:decision-list")).content
    assert b"Newland Police" not in client.get(reverse("portal:member-list")).content

    client.force_login(secretariat)
    response = client.post(reverse("decisions-edit:procedure-publish", args=[procedure.slug]), {"confirm": "1"})
    assert response.status_code == 302
    client.logout()
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert "Adopted" in page
    # No individual answers for the public unless the Secretariat published them.
    assert "recorded by the Secretariat" not in page
    register = client.get(reverse("decisions:decision-list")).content.decode()
    assert "WP/2026/02" in register
    assert "Adopted by written procedure" in register
    assert "closed on 2 March 2026" in register
    decision_page = client.get(reverse("decisions:decision-detail", args=["WP/2026/02"])).content.decode()
    assert "Adopted by written procedure" in decision_page
    assert "Newland Police" in decision_page
    assert b"Newland Police" in client.get(reverse("portal:member-list")).content
    export = json.loads(client.get(reverse("decisions:decision-export-json")).getvalue())
    rows = export["decisions"] if isinstance(export, dict) else export
    row = next(r for r in rows if r["reference"] == "WP/2026/02")
    assert row["procedure"] == "WP/2026/02"
    assert row["procedure_closed_on"] == "2026-03-02"
    assert row["meeting"] is None
    csv = client.get(reverse("decisions:decision-export-csv")).getvalue().decode()
    assert "WP/2026/02" in csv
    organisation_page = client.get(reverse("portal:organisation-detail", args=[newcomer.slug])).content.decode()
    assert "WP/2026/02" in organisation_page


def test_an_answer_sent_after_the_deadline_from_a_form_opened_before_is_refused(client, world, secretariat, clock):
    client.force_login(secretariat)
    procedure = create(client)
    launch(client, procedure)
    client.force_login(world.alpha_user)
    assert client.get(reverse("decisions:procedure-answer", args=[procedure.slug])).status_code == 200
    clock.set(DEADLINE + dt.timedelta(seconds=1))
    response = answer(client, procedure, world.alpha, "agree")
    assert response.status_code == 200
    assert "has passed: your answer was not recorded" in response.content.decode()
    assert not ProcedureAnswer.objects.exists()


def test_withdrawal_through_the_page(client, world, secretariat, clock):
    client.force_login(secretariat)
    procedure = create(client)
    launch(client, procedure)
    assert client.get(procedure.get_absolute_url()).context["procedure"].stage == "open"
    url = reverse("decisions-edit:procedure-withdraw", args=[procedure.slug])
    assert b"This field is required" in client.post(url, {"reason": "", "confirm": "1"}).content
    assert client.post(url, {"reason": "The text changes.", "confirm": "1"}).status_code == 302
    procedure.refresh_from_db()
    assert procedure.stage == "withdrawn"
    assert procedure.withdrawn_reason == "The text changes."
    history = client.get(reverse("decisions-edit:procedure-history", args=[procedure.slug]))
    assert b"The text changes." in history.content


def test_a_member_without_an_organisation_consulted_cannot_answer(client, world, secretariat, outsider, clock):
    client.force_login(secretariat)
    procedure = create(client, consulted=[world.beta.pk])
    launch(client, procedure)
    client.force_login(world.alpha_user)
    assert b"Your answer" not in client.get(procedure.get_absolute_url()).content
    assert client.get(reverse("decisions:procedure-answer", args=[procedure.slug])).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("decisions:procedure-answer", args=[procedure.slug])).status_code == 404


def test_the_decision_of_a_procedure_is_edited_through_its_procedure(client, world, secretariat, clock):
    client.force_login(secretariat)
    procedure = create(client)
    launch(client, procedure)
    clock.set(DEADLINE)
    client.get(reverse("decisions:procedure-list"))  # closes it: adopted, nobody objected
    decision = procedure.decision
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Its written procedure" in page
    response = client.get(reverse("decisions-edit:decision-edit", args=[decision.pk]))
    assert response.status_code == 302
    assert response.url == procedure.get_absolute_url()
    assert client.get(reverse("decisions-edit:decision-history", args=[decision.pk])).status_code == 200


def test_two_editors_of_a_draft_procedure_the_second_is_told(client, world, secretariat, clock):
    client.force_login(secretariat)
    procedure = create(client)
    url = reverse("decisions-edit:procedure-edit", args=[procedure.slug])
    opened = client.get(url).context["form"]
    data = {name: opened[name].value() for name in opened.fields if opened[name].value() not in (None, [])}
    data["deadline"] = "2026-03-10T17:00"
    # Someone else saves the draft in between.
    procedure.title = "Adoption of the Work Plan 2026 (revised)"
    procedure.save()
    response = client.post(url, {**data, "text": "My own change.", "save": "1"})
    assert response.status_code == 200
    assert "Not saved (written procedure): someone else saved it" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.text != "My own change."


def test_the_timer_commands_close_and_remind(world, secretariat, clock, draft_procedure):
    procedures.launch_procedure(procedure=draft_procedure)
    clock.set(DEADLINE - dt.timedelta(days=1))
    out = StringIO()
    call_command("remind_procedures", stdout=out)
    assert "WP/2026/01: 2 reminder(s) e-mailed." in out.getvalue()
    clock.set(DEADLINE)
    out = StringIO()
    call_command("close_procedures", stdout=out)
    assert "WP/2026/01: Adopted" in out.getvalue()
    assert "1 procedure(s) closed." in out.getvalue()
