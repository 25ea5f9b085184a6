"""
An answer sent from a form opened before another answer for the same organisation was recorded is
not recorded: the page says which answer was recorded meanwhile (who, when, which answer, why) and
keeps the sender's choice; sending it again replaces it, and the history keeps both. The same on the
Secretariat's page for an answer received by e-mail or letter. (Two at the same moment, in threads:
test_concurrency.py.)
"""

import html

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import strip_tags

from core.roles import BOARD_MEMBERS_GROUP
from decisions.models import ProcedureAnswer
from decisions.procedures import services as procedures
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

MEANWHILE = "Another answer for Alphaland Ministry was recorded meanwhile"
SEND_AGAIN = "Yours was not recorded; send it again to replace it."


def text_of(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def said(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def as_opened(response, name: str = "form") -> dict[str, str]:
    """What the browser posts back: the form as the page rendered it, its hidden fields included."""
    form = response.context[name]
    return {field: "" if form[field].value() is None else str(form[field].value()) for field in form.fields}


@pytest.fixture
def open_procedure(draft_procedure):
    procedures.launch_procedure(procedure=draft_procedure)
    return draft_procedure


@pytest.fixture
def colleague(world):
    """A second Board member user who represents alpha: two people answer for one organisation."""
    user = UserFactory(username="alpha2", first_name="Ivo", last_name="Colleague")
    user.groups.add(Group.objects.get(name=BOARD_MEMBERS_GROUP))
    PersonFactory(organisation=world.alpha, user=user, name="Ivo Colleague")
    return user


def test_a_member_answer_from_a_form_opened_before_a_letter_was_recorded_is_not_recorded(
    client, world, secretariat, open_procedure, clock
):
    client.force_login(world.alpha_user)
    url = reverse("decisions:procedure-answer", args=[open_procedure.slug])
    opened = as_opened(client.get(url))
    # Meanwhile the Secretariat records the objection Alphaland sent by letter.
    clock.advance(hours=1)
    procedures.answer_procedure(
        procedure=open_procedure,
        organisation=world.alpha,
        answer="object",
        reason="The budget is missing.",
        user=secretariat,
        on_behalf=True,
        channel="letter",
    )
    clock.advance(minutes=5)
    response = client.post(url, opened | {"organisation": world.alpha.pk, "answer": "agree", "save": "1"})

    assert response.status_code == 200
    text = text_of(response)
    assert MEANWHILE in text
    # Which answer, why, who and when (09:00 in Sarajevo was the launch).
    assert "“Object”" in text
    assert "The budget is missing." in text
    assert secretariat.get_full_name() in text
    assert "received by letter" in text
    assert "1 March 2026, 10:00 CET" in text
    assert SEND_AGAIN in text
    assert "is recorded" not in said(response)
    # The sender's choice is kept in the form; the stored answer is the letter's.
    assert response.context["form"]["answer"].value() == "agree"
    row = ProcedureAnswer.objects.get(procedure=open_procedure, organisation=world.alpha)
    assert (row.answer, row.on_behalf) == ("object", True)

    # Sent again, it replaces the letter's answer; the history keeps both.
    response = client.post(url, as_opened(response) | {"save": "1"})
    assert response.status_code == 302
    assert "Your answer for Alphaland Ministry is recorded: Agree." in said(response)
    row.refresh_from_db()
    assert (row.answer, row.on_behalf, row.answered_by) == ("agree", False, world.alpha_user)
    assert row.history.count() == 2


def test_the_answer_form_on_the_procedure_page_carries_what_the_member_saw(
    client, world, colleague, open_procedure, clock
):
    """Opened on the procedure's page, after a first answer: a colleague's change meanwhile is said."""
    procedures.answer_procedure(procedure=open_procedure, organisation=world.alpha, answer="agree", user=colleague)
    client.force_login(world.alpha_user)
    opened = as_opened(client.get(open_procedure.get_absolute_url()), "answer_form")
    clock.advance(hours=2)
    procedures.answer_procedure(
        procedure=open_procedure, organisation=world.alpha, answer="abstain", reason="We need time.", user=colleague
    )
    url = reverse("decisions:procedure-answer", args=[open_procedure.slug])
    response = client.post(
        url, opened | {"organisation": world.alpha.pk, "answer": "object", "reason": "Too costly.", "save": "1"}
    )
    text = text_of(response)
    assert MEANWHILE in text
    assert "“Abstain”" in text
    assert "We need time." in text
    assert "Ivo Colleague" in text
    assert "1 March 2026, 11:00 CET" in text
    assert response.context["form"]["reason"].value() == "Too costly."
    assert ProcedureAnswer.objects.get(organisation=world.alpha).answer == "abstain"


def test_a_member_changing_the_answer_they_see_is_not_refused(client, world, open_procedure, clock):
    client.force_login(world.alpha_user)
    url = reverse("decisions:procedure-answer", args=[open_procedure.slug])
    first = client.post(url, as_opened(client.get(url)) | {"organisation": world.alpha.pk, "answer": "agree"})
    assert first.status_code == 302
    # Opened after their own answer: a change, not a conflict.
    response = client.post(url, as_opened(client.get(url)) | {"organisation": world.alpha.pk, "answer": "abstain"})
    assert response.status_code == 302
    assert ProcedureAnswer.objects.get(organisation=world.alpha).answer == "abstain"


def test_an_answer_recorded_on_behalf_from_a_page_opened_before_the_member_answered_is_not_recorded(
    client, world, secretariat, open_procedure, clock
):
    client.force_login(secretariat)
    url = reverse("decisions-edit:procedure-record-answer", args=[open_procedure.slug])
    opened = as_opened(client.get(url))
    # Meanwhile Alphaland's delegate answers in the portal.
    clock.advance(hours=3)
    procedures.answer_procedure(
        procedure=open_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
    )
    letter = {"organisation": world.alpha.pk, "answer": "object", "reason": "Sent on paper.", "channel": "letter"}
    response = client.post(url, opened | letter | {"save": "1"})

    assert response.status_code == 200
    text = text_of(response)
    assert MEANWHILE in text
    assert "“Agree”" in text
    assert world.alpha_user.get_full_name() in text
    assert "1 March 2026, 12:00 CET" in text
    assert SEND_AGAIN in text
    assert "recorded on its behalf" not in said(response)
    form = response.context["form"]
    assert (form["answer"].value(), form["channel"].value()) == ("object", "letter")
    assert ProcedureAnswer.objects.get(organisation=world.alpha).answer == "agree"

    response = client.post(url, as_opened(response) | {"save": "1"})
    assert response.status_code == 302
    assert "Answer of Alphaland Ministry recorded on its behalf: Object." in said(response)
    row = ProcedureAnswer.objects.get(organisation=world.alpha)
    assert (row.answer, row.on_behalf, row.channel) == ("object", True, "letter")
    assert row.history.count() == 2


def test_a_form_posted_without_what_it_saw_does_not_replace_an_answer(client, world, colleague, open_procedure):
    """A page opened before the form carried its version (or a hand-made post): refused, as a stale form."""
    procedures.answer_procedure(procedure=open_procedure, organisation=world.alpha, answer="agree", user=colleague)
    client.force_login(world.alpha_user)
    url = reverse("decisions:procedure-answer", args=[open_procedure.slug])
    response = client.post(url, {"organisation": world.alpha.pk, "answer": "abstain", "save": "1"})
    assert MEANWHILE in text_of(response)
    assert ProcedureAnswer.objects.get(organisation=world.alpha).answer == "agree"


def test_an_answer_sent_while_the_procedure_closed_early_says_so_not_the_deadline(
    world, secretariat, open_procedure, clock
):
    """Closed because every consulted member answered, while this answer was on its way: no deadline passed."""
    procedures.answer_procedure(procedure=open_procedure, organisation=world.beta, answer="agree", user=world.beta_user)
    procedures.answer_procedure(
        procedure=open_procedure,
        organisation=world.alpha,
        answer="object",
        reason="By letter.",
        user=secretariat,
        on_behalf=True,
        channel="letter",
    )
    open_procedure.refresh_from_db()
    assert open_procedure.stage == "closed"
    with pytest.raises(ValidationError) as refused:
        procedures.answer_procedure(
            procedure=open_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
        )
    text = " ".join(refused.value.messages)
    assert "The procedure closed on 1 March 2026, 09:00 CET, when every consulted member had answered" in text
    assert "your answer was not recorded" in text
    assert "deadline" not in text
    # From a form opened before the letter was recorded: which answer closed it is said too.
    with pytest.raises(ValidationError) as refused:
        procedures.answer_procedure(
            procedure=open_procedure,
            organisation=world.alpha,
            answer="agree",
            user=world.alpha_user,
            expected_version=0,
        )
    assert MEANWHILE in " ".join(refused.value.messages)
    assert "By letter." in " ".join(refused.value.messages)
    # Never to whoever may not read Alphaland's answer.
    with pytest.raises(ValidationError) as refused:
        procedures.answer_procedure(
            procedure=open_procedure, organisation=world.alpha, answer="agree", user=world.beta_user, expected_version=0
        )
    assert "By letter." not in " ".join(refused.value.messages)
