"""
The procedure page as the Secretariat's control panel: who has answered what (with who gave it, when,
and the answers it replaced), who has not (with who may answer for them and whether an e-mail reaches
them), reminders to those who have not answered (sent, said, kept and shown), messages that say whom a
step e-mailed, the effect described in full, and one badge and one sentence for where it stands.

The world (tests/procedures/conftest.py): alpha (the board_member persona, Ana Alpha) and beta (user
"beta", beta@example.org); here also gamma, whose only delegate has no e-mail address, and delta, with
nobody who may answer for it. All four are Board members, consulted by default at the launch.
"""

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from core.roles import BOARD_MEMBERS_GROUP
from decisions import effects
from decisions.models import Decision, ProcedureReminder, WrittenProcedure
from decisions.procedures import services as procedures
from members.models import Membership
from tests.factories import (
    DelegationFactory,
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PostFactory,
    UserFactory,
)
from tests.procedures.conftest import DEADLINE, LAUNCH

pytestmark = pytest.mark.django_db


@dataclass
class Four:
    world: object
    gamma: object
    delta: object
    gina: object  # gamma's delegate, whose account has no e-mail address


@pytest.fixture
def four(world):
    gamma = OrganisationFactory(name="Gammaland Ministry", acronym="GAMMA")
    delta = OrganisationFactory(name="Deltaland Ministry", acronym="DELTA")
    for organisation in (gamma, delta):
        MembershipFactory(organisation=organisation, category=Membership.Category.BOARD, since=dt.date(2020, 1, 1))
    gina_user = UserFactory(username="gina", email="")
    gina_user.groups.add(Group.objects.get(name=BOARD_MEMBERS_GROUP))
    # Gina works for another organisation and is delegated to answer for gamma.
    gina = PersonFactory(name="Gina Gamma", user=gina_user, organisation=OrganisationFactory(name="Elsewhere"))
    DelegationFactory(person=gina, organisation=gamma, valid_from=dt.date(2025, 1, 1))
    # A delegation that ended does not count: delta has nobody.
    DelegationFactory(
        person=PersonFactory(name="Former Delegate", user=UserFactory(username="former")),
        organisation=delta,
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2024, 12, 31),
    )
    return Four(world=world, gamma=gamma, delta=delta, gina=gina)


@pytest.fixture
def open_procedure(four, draft_procedure, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        procedures.launch_procedure(procedure=draft_procedure)
    mail.outbox.clear()
    draft_procedure.refresh_from_db()
    return draft_procedure


def said(response) -> str:
    return " ".join(str(message) for message in response.wsgi_request._messages)


def text_of(response) -> str:
    """The page's text, tags dropped and spaces folded, as a reader reads it."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(html))


def section(response, heading_id: str) -> str:
    """The text of the section labelled by `heading_id`."""
    html = response.content.decode()
    match = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", match.group(0))))


def full_name(user) -> str:
    """As the page names a user: their person's name, else the account's."""
    person = getattr(user, "person", None)
    return person.name if person is not None else (user.get_full_name() or user.get_username())


def alpha_agrees(procedure, world):
    procedures.answer_procedure(procedure=procedure, organisation=world.alpha, answer="agree", user=world.alpha_user)


def remind_url(procedure) -> str:
    return reverse("decisions-edit:procedure-remind", args=[procedure.slug])


# --- Who has answered what ---------------------------------------------------------------------


def test_the_secretariat_reads_each_answer_with_its_giver_and_the_answers_it_replaced(
    client, secretariat, open_procedure, four, clock
):
    world = four.world
    procedures.answer_procedure(
        procedure=open_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
    )
    clock.advance(hours=2)
    procedures.answer_procedure(
        procedure=open_procedure,
        organisation=world.alpha,
        answer="object",
        reason="Budget unclear",
        user=world.alpha_user,
    )
    clock.advance(hours=1)
    procedures.answer_procedure(
        procedure=open_procedure,
        organisation=world.beta,
        answer="abstain",
        user=secretariat,
        on_behalf=True,
        channel="email",
    )
    client.force_login(secretariat)
    response = client.get(open_procedure.get_absolute_url())
    answers = section(response, "answers-heading")
    assert "Who has answered what" in answers
    # Alpha's answer now, by whom, and the agreement it replaced, by whom and when.
    assert "Alphaland Ministry Object Budget unclear" in answers
    assert "Budget unclear Ana Alpha 1 March 2026, 11:00 CET" in answers
    assert "Agree — Ana Alpha, 1 March 2026, 09:00 CET" in answers
    # Beta's answer, recorded by the Secretariat on its behalf.
    assert f"recorded by the Secretariat, received by e-mail ({full_name(secretariat)})" in answers
    rows = {row.answer.organisation.pk: row for row in response.context["panel"].answers}
    assert [earlier["answer"] for earlier in rows[world.alpha.pk].earlier] == ["Agree"]
    assert rows[world.beta.pk].earlier == ()


def test_those_who_have_not_answered_are_listed_with_who_may_answer_for_them(client, secretariat, open_procedure, four):
    world = four.world
    procedures.answer_procedure(
        procedure=open_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
    )
    client.force_login(secretariat)
    pending = section(client.get(open_procedure.get_absolute_url()), "pending-heading")
    assert "Not answered (3)" in pending
    assert "Alphaland" not in pending
    assert f"Betaland Ministry {world.beta_user.person.name} (of the organisation) — beta@example.org" in pending
    assert "Gammaland Ministry no one can be e-mailed Gina Gamma (delegate) — has no e-mail address" in pending
    assert "Deltaland Ministry no one can be e-mailed — nobody may answer for it" in pending
    # A delegation that ended is not offered.
    assert "Former Delegate" not in pending


def test_a_board_member_sees_no_control_panel_and_only_their_own_answer(client, open_procedure, four):
    world = four.world
    procedures.answer_procedure(
        procedure=open_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
    )
    procedures.answer_procedure(
        procedure=open_procedure, organisation=world.beta, answer="object", reason="Betasecret", user=world.beta_user
    )
    client.force_login(world.alpha_user)
    response = client.get(open_procedure.get_absolute_url())
    page = text_of(response)
    assert response.context["panel"] is None
    for hidden in (
        "For the Secretariat",
        "Who has answered what",
        "Not answered",
        "Betasecret",
        "beta@example.org",
        "Gina Gamma",
        "Remind those who have not answered",
        remind_url(open_procedure),
    ):
        assert hidden not in page, hidden
        assert hidden not in response.content.decode(), hidden
    assert "Your organisation's answer" in page
    # What everyone who may see the procedure reads: where it stands.
    assert "Open until 10 Mar 2026 17:00 (CET): 2 of 4 have answered." in page


# --- Reminders ----------------------------------------------------------------------------------


def test_remind_emails_only_the_delegates_of_those_who_have_not_answered_and_says_whom(
    client, secretariat, open_procedure, four, clock, django_capture_on_commit_callbacks
):
    world = four.world
    procedures.answer_procedure(
        procedure=open_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
    )
    clock.advance(days=2)
    client.force_login(secretariat)
    page = client.get(remind_url(open_procedure))
    assert page.status_code == 200
    # The confirmation says beforehand who will get one, and who cannot.
    assert "beta@example.org (Betaland Ministry)" in text_of(page)
    assert "Gina Gamma (Gammaland Ministry) has no e-mail address" in text_of(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(open_procedure), {"save": "1"})
    assert response.status_code == 302
    assert response["Location"] == open_procedure.get_absolute_url()
    assert [message.to for message in mail.outbox] == [["beta@example.org"]]
    assert "Reminder — written procedure WP/2026/01" in mail.outbox[0].subject
    assert said(response) == (
        "1 reminder sent: beta@example.org (Betaland Ministry). Nobody could be e-mailed for: "
        "no delegate in force for Deltaland Ministry; Gina Gamma (Gammaland Ministry) has no e-mail address."
    )
    # Kept: when, by whom, to whom; and shown on the page.
    reminder = ProcedureReminder.objects.get(procedure=open_procedure)
    assert reminder.sent_by == secretariat
    assert reminder.sent_at == LAUNCH + dt.timedelta(days=2)
    assert reminder.emails == ["beta@example.org"]
    assert list(reminder.organisations.all()) == [world.beta]
    shown = text_of(client.get(open_procedure.get_absolute_url()))
    assert (
        f"Last reminder sent on 3 March 2026, 09:00 CET by {full_name(secretariat)} to beta@example.org "
        "(Betaland Ministry)." in shown
    )


def test_remind_with_nobody_to_email_sends_nothing_and_says_why(
    client, secretariat, open_procedure, four, django_capture_on_commit_callbacks
):
    world = four.world
    for organisation, user in ((world.alpha, world.alpha_user), (world.beta, world.beta_user)):
        procedures.answer_procedure(procedure=open_procedure, organisation=organisation, answer="agree", user=user)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(open_procedure), {"save": "1"})
    assert response.status_code == 302
    assert mail.outbox == []
    assert said(response) == (
        "No reminder could be sent. Nobody could be e-mailed for: no delegate in force for Deltaland Ministry; "
        "Gina Gamma (Gammaland Ministry) has no e-mail address."
    )
    assert not ProcedureReminder.objects.exists()
    assert "No reminder has been sent yet." in text_of(client.get(open_procedure.get_absolute_url()))


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_remind_is_refused_before_the_launch_and_once_closed(
    client, secretariat, draft_procedure, four, clock, state, django_capture_on_commit_callbacks
):
    if state == "closed":
        procedures.launch_procedure(procedure=draft_procedure)
        clock.set(DEADLINE + dt.timedelta(minutes=1))
        procedures.close_due_procedures()
    mail.outbox.clear()
    client.force_login(secretariat)
    page = client.get(draft_procedure.get_absolute_url())
    assert remind_url(draft_procedure) not in page.content.decode()
    shown = client.get(remind_url(draft_procedure))
    assert shown.status_code == 302
    assert shown["Location"] == draft_procedure.get_absolute_url()
    stage = "draft" if state == "draft" else "closed"
    assert said(shown) == f"Only an open procedure can be reminded: this one is {stage}."
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(remind_url(draft_procedure), {"save": "1"})
    assert posted.status_code == 302
    assert f"this one is {stage}" in said(posted)
    assert mail.outbox == []
    assert not ProcedureReminder.objects.exists()


def test_a_board_member_may_not_remind(client, open_procedure, four):
    client.force_login(four.world.alpha_user)
    assert client.get(remind_url(open_procedure)).status_code == 403
    assert client.post(remind_url(open_procedure), {"save": "1"}).status_code == 403
    assert not ProcedureReminder.objects.exists()


def test_the_timers_reminder_is_kept_too(open_procedure, four, clock, django_capture_on_commit_callbacks):
    clock.set(DEADLINE - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert procedures.remind_procedures() == {"WP/2026/01": 2}
    reminder = ProcedureReminder.objects.get()
    assert reminder.sent_by is None
    assert reminder.emails == ["beta@example.org", "board@example.org"]


# --- Launch and close say whom they e-mailed ----------------------------------------------------


def test_the_launch_says_how_many_emails_went_to_whom_and_who_got_none(
    client, secretariat, draft_procedure, four, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = reverse("decisions-edit:procedure-launch", args=[draft_procedure.slug])
    assert "beta@example.org (Betaland Ministry)" in text_of(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"save": "1"})
    assert said(response) == (
        "Procedure WP/2026/01 launched, 4 members consulted. 2 e-mails sent: beta@example.org (Betaland Ministry), "
        "board@example.org (Alphaland Ministry). Nobody could be e-mailed for: no delegate in force for Deltaland "
        "Ministry; Gina Gamma (Gammaland Ministry) has no e-mail address."
    )
    assert sorted(message.to[0] for message in mail.outbox) == ["beta@example.org", "board@example.org"]


def test_a_launch_that_reaches_nobody_says_so(client, secretariat, clock, django_capture_on_commit_callbacks):
    lonely = OrganisationFactory(name="Lonely Ministry")
    procedure = procedures.save_procedure(
        procedure=WrittenProcedure(reference="WP/2026/09", title="T", text="T", deadline=DEADLINE),
        consulted=[lonely],
        expected_version=None,
    )
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("decisions-edit:procedure-launch", args=[procedure.slug]), {"save": "1"})
    assert said(response) == (
        "Procedure WP/2026/09 launched, 1 member consulted. No e-mail could be sent. Nobody could be e-mailed for: "
        "no delegate in force for Lonely Ministry."
    )
    assert mail.outbox == []


def test_the_answer_that_closes_the_procedure_says_the_outcome_and_whom_it_emailed(
    client, secretariat, open_procedure, four, django_capture_on_commit_callbacks
):
    world = four.world
    for organisation in (world.alpha, world.beta, four.gamma):
        procedures.answer_procedure(
            procedure=open_procedure,
            organisation=organisation,
            answer="agree",
            user=secretariat,
            on_behalf=True,
            channel="email",
        )
    client.force_login(secretariat)
    url = reverse("decisions-edit:procedure-record-answer", args=[open_procedure.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                **_hidden_fields(client.get(url)),
                "organisation": four.delta.pk,
                "answer": "agree",
                "reason": "",
                "channel": "letter",
                "save": "1",
            },
        )
    assert response.status_code == 302
    assert said(response) == (
        "Answer of Deltaland Ministry recorded on its behalf: Agree. That was the last answer awaited: the "
        "procedure closed, adopted. 2 e-mails sent: beta@example.org (Betaland Ministry), board@example.org "
        "(Alphaland Ministry). Nobody could be e-mailed for: no delegate in force for Deltaland Ministry; Gina "
        "Gamma (Gammaland Ministry) has no e-mail address."
    )


def _hidden_fields(response) -> dict:
    html = response.content.decode()
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


# --- The effect in full -------------------------------------------------------------------------


def test_the_draft_page_describes_admitting_members_in_full(client, secretariat, draft_procedure, world):
    newcomers = (OrganisationFactory(name="Regional Cooperation Council"), OrganisationFactory(name="OSCE Mission"))
    draft_procedure.effect = effects.to_stored(
        effects.AdmitMembers(
            organisations=newcomers, category=Membership.Category.SUPPORT_GROUP, since=dt.date(2026, 4, 1)
        )
    )
    draft_procedure.save()
    client.force_login(secretariat)
    page = text_of(client.get(draft_procedure.get_absolute_url()))
    assert (
        "When adopted: Admit Regional Cooperation Council, OSCE Mission as Support Group member from 1 April 2026."
        in page
    )


def test_the_draft_page_describes_documents_with_the_verb_and_a_post_with_holder_and_start(
    client, secretariat, draft_procedure, world
):
    document = DocumentFactory(title="Needs mapping 2021–2022")
    draft_procedure.verb = Decision.Verb.ENDORSED_ADOPTED
    draft_procedure.effect = effects.to_stored(effects.Documents(documents=(document,)))
    draft_procedure.save()
    client.force_login(secretariat)
    page = text_of(client.get(draft_procedure.get_absolute_url()))
    assert "When adopted: Needs mapping 2021–2022: endorsed and adopted by the decision" in page

    post = PostFactory(name="Head of the IISG Secretariat")
    draft_procedure.effect = effects.to_stored(
        effects.Role(post=post, person=PersonFactory(name="Dana Head"), start=dt.date(2026, 5, 1))
    )
    draft_procedure.save()
    page = text_of(client.get(draft_procedure.get_absolute_url()))
    assert "When adopted: Ms Dana Head holds the post of Head of the IISG Secretariat from 1 May 2026." in page


# --- Status said once ---------------------------------------------------------------------------


def badges(response) -> list[str]:
    heading = re.search(r"<h1>.*?</h1>", response.content.decode(), re.S).group(0)
    return [unescape(text) for text in re.findall(r'<span class="badge[^"]*">([^<]*)</span>', heading)]


def test_one_badge_and_one_sentence_per_state(
    client, secretariat, draft_procedure, four, clock, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = draft_procedure.get_absolute_url()
    draft = client.get(url)
    assert badges(draft) == ["Draft, not launched"]
    assert "Not launched: only the Secretariat sees it." in text_of(draft)
    assert "Launch the procedure" in text_of(draft)

    procedures.launch_procedure(procedure=draft_procedure)
    opened = client.get(url)
    assert badges(opened) == ["Open until 10 Mar"]
    assert (
        "Open until 10 Mar 2026 17:00 (CET): 0 of 4 have answered. Board members and the Secretariat see it. "
        "It closes at the deadline, or once every member has answered; closing records the outcome."
    ) in text_of(opened)
    # The next step first: remind, before the other controls.
    panel = section(opened, "panel-heading")
    assert panel.index("Remind those who have not answered") < panel.index("Record an answer")

    clock.set(DEADLINE + dt.timedelta(hours=1))
    closed = client.get(url)
    assert badges(closed) == ["Adopted, not published"]
    page = text_of(closed)
    assert "Closed on 10 March 2026, 17:00 CET, adopted: the decision is recorded." in page
    assert "The outcome is not published: Board members and the Secretariat see it." in page
    assert "Closed · Adopted" not in page
    assert "DRAFT" not in re.sub(r"<title>.*?</title>", "", closed.content.decode())
    # The text is the decision as adopted, with a link to the decision it created.
    assert "Decision as adopted" in page
    assert "Draft decision" not in page
    decision = Decision.objects.get(procedure=draft_procedure)
    assert f'href="{decision.get_absolute_url()}"' in section(closed, "text-heading") or decision.reference in page
    assert section(closed, "panel-heading").strip().startswith("For the Secretariat Publish the outcome")

    procedures.publish_procedure(procedure=draft_procedure)
    published = client.get(url)
    assert badges(published) == ["Adopted"]
    assert "Published on 10 March 2026, 18:00 CET: everyone reads the outcome." in text_of(published)


def test_the_list_shows_one_badge_per_procedure(client, secretariat, draft_procedure, four, clock):
    other = procedures.save_procedure(
        procedure=WrittenProcedure(reference="WP/2026/02", title="Second", text="T", deadline=DEADLINE),
        expected_version=None,
    )
    procedures.launch_procedure(procedure=other)
    client.force_login(secretariat)
    html = client.get(reverse("decisions:procedure-list")).content.decode()
    items = re.findall(r'<li class="mb-3">(.*?)</li>', html, re.S)
    assert len(items) == 2
    for item in items:
        assert len(re.findall(r'class="badge ', item)) == 1
    assert "Draft, not launched" in html
    assert "Open until 10 Mar" in html


# --- Queries ------------------------------------------------------------------------------------


def test_the_secretariats_page_reads_a_fixed_number_of_queries(
    client, secretariat, open_procedure, four, django_assert_num_queries
):
    world = four.world
    procedures.answer_procedure(
        procedure=open_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
    )
    client.force_login(secretariat)
    url = open_procedure.get_absolute_url()
    client.get(url)  # warm the session and the clock's caches
    with django_assert_num_queries(QUERIES) as captured:
        client.get(url)
    # More members consulted, answering and not, with their people: the same count.
    for number in range(12):
        organisation = OrganisationFactory(name=f"Extra {number}")
        open_procedure.consulted.add(organisation)
        user = UserFactory(username=f"extra{number}")
        user.groups.add(Group.objects.get(name=BOARD_MEMBERS_GROUP))
        PersonFactory(organisation=organisation, user=user)
        if number % 2:
            procedures.answer_procedure(procedure=open_procedure, organisation=organisation, answer="agree", user=user)
    with django_assert_num_queries(len(captured)):
        client.get(url)


QUERIES = 19  # the session not saved again within a minute (core/sessions.py)


def test_a_second_reminder_moments_later_sends_nothing(
    client, secretariat, open_procedure, four, clock, django_capture_on_commit_callbacks
):
    clock.advance(days=2)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remind_url(open_procedure), {"save": "1"}).status_code == 302
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(open_procedure), {"save": "1"})
    assert len(mail.outbox) == sent
    assert ProcedureReminder.objects.filter(procedure=open_procedure).count() == 1
    assert "wait before sending another" in text_of(response) or "wait before sending another" in said(response)
    # Later, it may be sent again.
    clock.advance(minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remind_url(open_procedure), {"save": "1"}).status_code == 302
    assert ProcedureReminder.objects.filter(procedure=open_procedure).count() == 2
