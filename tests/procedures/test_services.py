"""The steps of a written procedure (decisions.procedures.services): launch, answer, close, withdraw, publish."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.workflow import RecordStatus
from decisions import effects
from decisions.models import Decision, ProcedureAnswer, WrittenProcedure
from decisions.procedures import services as procedures
from members.models import Membership, RoleHeld
from tests.factories import DelegationFactory, DocumentFactory, OrganisationFactory, PersonFactory, PostFactory
from tests.procedures.conftest import DEADLINE, LAUNCH

pytestmark = pytest.mark.django_db


def agree(procedure, organisation, user):
    return procedures.answer_procedure(procedure=procedure, organisation=organisation, answer="agree", user=user)


def launch(procedure):
    procedures.launch_procedure(procedure=procedure)
    procedure.refresh_from_db()
    return procedure


def test_launch_consults_the_board_members_of_the_day_and_emails_them(
    draft_procedure, world, mailoutbox, django_capture_on_commit_callbacks
):
    former = OrganisationFactory(name="Formerland")
    Membership.objects.create(
        organisation=former, category="board", since=dt.date(2019, 1, 1), until=dt.date(2025, 12, 31)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = procedures.launch_procedure(procedure=draft_procedure)
    # The step answers with the procedure as stored, not through the caller's object.
    assert draft_procedure.stage == WrittenProcedure.Stage.DRAFT
    launched = result.procedure
    assert set(launched.consulted.all()) == {world.alpha, world.beta}
    assert launched.stage == WrittenProcedure.Stage.OPEN
    assert launched.status == RecordStatus.CIRCULATED
    assert launched.launched_at == LAUNCH
    assert result.emailed == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.alpha_user.email, world.beta_user.email])
    assert "WP/2026/01" in mailoutbox[0].subject
    # The deadline in the Secretariat's zone (Europe/Sarajevo: UTC+1 in March).
    assert "10 March 2026, 17:00" in mailoutbox[0].subject


def test_launch_is_refused_after_the_deadline(draft_procedure, clock):
    clock.set(DEADLINE + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="deadline has passed"):
        procedures.launch_procedure(procedure=draft_procedure)


def test_a_member_answers_and_changes_the_answer_with_history(draft_procedure, world, clock):
    launch(draft_procedure)
    agree(draft_procedure, world.alpha, world.alpha_user)
    clock.advance(hours=1)
    procedures.answer_procedure(
        procedure=draft_procedure, organisation=world.alpha, answer="abstain", user=world.alpha_user
    )
    answer = ProcedureAnswer.objects.get(procedure=draft_procedure, organisation=world.alpha)
    assert answer.answer == "abstain"
    assert ProcedureAnswer.objects.filter(procedure=draft_procedure).count() == 1
    assert [h.answer for h in answer.history.order_by("history_date")] == ["agree", "abstain"]


def test_an_objection_needs_a_reason(draft_procedure, world):
    launch(draft_procedure)
    with pytest.raises(ValidationError, match="why you object"):
        procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.alpha, answer="object", reason="  ", user=world.alpha_user
        )


def test_nobody_answers_for_an_organisation_they_do_not_represent(draft_procedure, world):
    launch(draft_procedure)
    with pytest.raises(ValidationError, match="may not answer"):
        procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.beta, answer="agree", user=world.alpha_user
        )


def test_a_current_delegation_lets_a_person_answer_and_an_expired_one_does_not(draft_procedure, world, clock):
    launch(draft_procedure)
    person = world.alpha_user.person
    delegation = DelegationFactory(person=person, organisation=world.beta, valid_from=dt.date(2026, 1, 1))
    agree(draft_procedure, world.beta, world.alpha_user)
    delegation.valid_until = dt.date(2026, 2, 28)
    delegation.save()
    with pytest.raises(ValidationError, match="may not answer"):
        procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.beta, answer="object", reason="No", user=world.alpha_user
        )


def test_an_answer_after_the_deadline_is_refused(draft_procedure, world, clock):
    launch(draft_procedure)
    clock.set(DEADLINE)
    with pytest.raises(ValidationError, match=r"deadline .* has passed: your answer was not recorded"):
        procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
        )
    assert not ProcedureAnswer.objects.exists()


def test_the_secretariat_records_an_answer_on_behalf(draft_procedure, world, secretariat):
    launch(draft_procedure)
    result = procedures.answer_procedure(
        procedure=draft_procedure,
        organisation=world.beta,
        answer="agree",
        user=secretariat,
        on_behalf=True,
        channel="letter",
    )
    answer = result.answer
    assert (result.closed, result.procedure.stage) == (False, WrittenProcedure.Stage.OPEN)
    assert answer.on_behalf
    assert answer.channel == "letter"
    assert answer.answered_by == secretariat
    with pytest.raises(ValidationError, match="how the answer was received"):
        procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.alpha, answer="agree", user=secretariat, on_behalf=True
        )


def test_silence_procedure_is_adopted_without_objection_at_the_deadline(draft_procedure, world, clock):
    launch(draft_procedure)
    agree(draft_procedure, world.alpha, world.alpha_user)
    clock.set(DEADLINE + dt.timedelta(hours=3))
    assert procedures.close_due_procedures() == [draft_procedure]
    draft_procedure.refresh_from_db()
    assert draft_procedure.outcome == "adopted"
    # Closed at the deadline, even though the timer ran later.
    assert draft_procedure.closed_at == DEADLINE
    assert draft_procedure.tally == {"agree": 1, "object": 0, "abstain": 0, "no_answer": 1}
    decision = Decision.objects.get(procedure=draft_procedure)
    assert decision.meeting is None
    assert decision.reference == "WP/2026/01"


def test_an_objection_blocks_a_silence_procedure(draft_procedure, world, clock):
    launch(draft_procedure)
    procedures.answer_procedure(
        procedure=draft_procedure, organisation=world.beta, answer="object", reason="Too soon.", user=world.beta_user
    )
    clock.set(DEADLINE)
    procedures.close_due_procedures()
    draft_procedure.refresh_from_db()
    assert draft_procedure.outcome == "not_adopted"
    assert draft_procedure.tally_object == 1
    assert not Decision.objects.filter(procedure=draft_procedure).exists()


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [(("agree", "agree"), "adopted"), (("agree", "abstain"), "not_adopted"), (("agree", None), "not_adopted")],
)
def test_a_written_procedure_needs_every_consulted_member_to_agree(draft_procedure, world, clock, answers, outcome):
    draft_procedure.kind = WrittenProcedure.Kind.WRITTEN
    draft_procedure.save()
    launch(draft_procedure)
    members = [(world.alpha, world.alpha_user), (world.beta, world.beta_user)]
    for (organisation, user), answer in zip(members, answers, strict=True):
        if answer:
            procedures.answer_procedure(procedure=draft_procedure, organisation=organisation, answer=answer, user=user)
    clock.set(DEADLINE)
    procedures.close_due_procedures()
    draft_procedure.refresh_from_db()
    assert draft_procedure.outcome == outcome


def test_it_closes_early_once_every_member_has_answered(draft_procedure, world, clock):
    launch(draft_procedure)
    agree(draft_procedure, world.alpha, world.alpha_user)
    clock.advance(days=1)
    agree(draft_procedure, world.beta, world.beta_user)
    draft_procedure.refresh_from_db()
    assert draft_procedure.stage == "closed"
    assert draft_procedure.closed_at == LAUNCH + dt.timedelta(days=1)
    assert draft_procedure.outcome == "adopted"


def test_closing_twice_changes_nothing(draft_procedure, world, clock, mailoutbox, django_capture_on_commit_callbacks):
    launch(draft_procedure)
    clock.set(DEADLINE)
    with django_capture_on_commit_callbacks(execute=True):
        closing = procedures.close_procedure(draft_procedure)
    assert closing.closed is True
    assert closing.decision == Decision.objects.get(procedure=draft_procedure)
    assert closing.procedure.stage == WrittenProcedure.Stage.CLOSED
    draft_procedure.refresh_from_db()
    version, closed_at, sent = draft_procedure.version, draft_procedure.closed_at, len(mailoutbox)
    clock.advance(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert procedures.close_procedure(draft_procedure).closed is False
        assert procedures.close_due_procedures() == []
    draft_procedure.refresh_from_db()
    assert (draft_procedure.version, draft_procedure.closed_at, len(mailoutbox)) == (version, closed_at, sent)
    assert Decision.objects.filter(procedure=draft_procedure).count() == 1


def test_an_adopted_procedure_admits_members_from_the_closing_date(draft_procedure, world, clock):
    newcomer = OrganisationFactory(name="Newland")
    draft_procedure.effect = effects.to_stored(
        effects.AdmitMembers(organisations=(newcomer,), category=Membership.Category.SUPPORT_GROUP)
    )
    draft_procedure.verb = "approved"
    draft_procedure.save()
    launch(draft_procedure)
    clock.set(DEADLINE)
    procedures.close_due_procedures()
    membership = Membership.objects.get(organisation=newcomer)
    assert membership.since == dt.date(2026, 3, 10)
    assert list(membership.decisions.values_list("reference", flat=True)) == ["WP/2026/01"]


def test_an_adopted_procedure_adopts_its_documents_and_gives_a_post(draft_procedure, world, clock):
    document = DocumentFactory(title="Work Plan 2026")
    draft_procedure.effect = effects.to_stored(effects.Documents(documents=(document,)))
    draft_procedure.save()
    draft_procedure.documents.set([document])
    launch(draft_procedure)
    clock.set(DEADLINE)
    procedures.close_due_procedures()
    assert list(document.decisions.values_list("reference", flat=True)) == ["WP/2026/01"]

    head = PersonFactory(name="Hana Head", organisation=world.alpha)
    second = WrittenProcedure.objects.create(
        reference="WP/2026/02",
        title="Appointment of the Head of the Secretariat",
        text="Appointed.",
        verb="appointed",
        deadline=DEADLINE + dt.timedelta(days=10),
        effect=effects.to_stored(effects.Role(post=PostFactory(), person=head, start_on_decision=True)),
    )
    clock.set(DEADLINE - dt.timedelta(days=1))
    launch(second)
    clock.set(DEADLINE + dt.timedelta(days=10))
    procedures.close_due_procedures()
    role = RoleHeld.objects.get(person=head)
    assert role.start == dt.date(2026, 3, 20)
    assert list(role.decisions.values_list("reference", flat=True)) == ["WP/2026/02"]


def test_withdrawal_needs_a_reason_and_stops_answers(draft_procedure, world):
    launch(draft_procedure)
    with pytest.raises(ValidationError, match="why the procedure is withdrawn"):
        procedures.withdraw_procedure(procedure=draft_procedure, reason=" ")
    withdrawn = procedures.withdraw_procedure(procedure=draft_procedure, reason="The text will change.").procedure
    assert withdrawn.stage == "withdrawn"
    with pytest.raises(ValidationError, match="withdrawn"):
        procedures.answer_procedure(
            procedure=draft_procedure, organisation=world.alpha, answer="agree", user=world.alpha_user
        )
    assert procedures.close_due_procedures() == []


def test_only_a_closed_outcome_is_published(draft_procedure, world, clock):
    launch(draft_procedure)
    with pytest.raises(ValidationError, match="closed or withdrawn"):
        procedures.publish_procedure(procedure=draft_procedure)
    clock.set(DEADLINE)
    procedures.close_due_procedures()
    procedures.publish_procedure(procedure=draft_procedure)
    draft_procedure.refresh_from_db()
    assert draft_procedure.status == RecordStatus.PUBLISHED
    assert draft_procedure.published_at == DEADLINE


def test_the_reminder_goes_once_two_days_before_to_those_who_have_not_answered(
    draft_procedure, world, clock, mailoutbox, django_capture_on_commit_callbacks
):
    launch(draft_procedure)
    agree(draft_procedure, world.alpha, world.alpha_user)
    clock.set(DEADLINE - dt.timedelta(days=3))
    assert procedures.remind_procedures() == {}
    clock.set(DEADLINE - dt.timedelta(days=1, hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        assert procedures.remind_procedures() == {"WP/2026/01": 1}
    assert [m.to for m in mailoutbox] == [[world.beta_user.email]]
    assert "Reminder" in mailoutbox[0].subject
    clock.advance(hours=5)
    assert procedures.remind_procedures() == {}
