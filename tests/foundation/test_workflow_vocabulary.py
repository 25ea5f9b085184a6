"""One workflow vocabulary: every record that is drafted, circulated and published keeps its state in one field."""

import re
from pathlib import Path

import pytest

from core.workflow import RecordStatus, WorkflowRecord
from decisions.models import Decision, WrittenProcedure, decided_in_any
from meetings.models import Meeting
from tests.factories import DecisionFactory, MeetingFactory, WrittenProcedureFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("model", [Meeting, WrittenProcedure])
def test_every_record_keeps_its_state_in_the_one_field(model):
    assert issubclass(model, WorkflowRecord)
    field = model._meta.get_field("status")
    assert field.model is model
    assert field.choices == RecordStatus.choices
    assert field.default == RecordStatus.DRAFT


def test_a_procedure_s_consultation_steps_are_its_stage_not_its_state():
    stages = [value for value, _label in WrittenProcedure._meta.get_field("stage").choices]
    assert stages == ["draft", "open", "closed", "withdrawn"]
    assert not hasattr(WrittenProcedure, "record_status")


def test_no_rule_spells_a_record_s_state_through_a_decision_by_hand():
    """
    'Decided in a record in these states' is decisions.models.decided_in, nowhere written again (the admin's
    list filter by the meeting's state is a filter, not an access rule).
    """
    spelled = re.compile(r"(meeting|procedure)__status")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "decisions").rglob("*.py")
        if "migrations" not in path.parts and path.name != "admin.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if spelled.search(line)
    ]
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["published"], {"meeting published", "procedure published"}),
        (["circulated", "published"], {"meeting published", "procedure published", "meeting circulated"}),
    ],
)
def test_decided_in_any_reads_the_same_field_of_both_records(statuses, expected):
    published = MeetingFactory(status="published")
    circulated = MeetingFactory(status="circulated")
    DecisionFactory(meeting=published, subject="meeting published")
    DecisionFactory(meeting=circulated, subject="meeting circulated")
    done = WrittenProcedureFactory(stage=WrittenProcedure.Stage.CLOSED, status="published")
    pending = WrittenProcedureFactory(stage=WrittenProcedure.Stage.OPEN, status="draft")
    DecisionFactory(meeting=None, procedure=done, reference=done.reference, subject="procedure published")
    DecisionFactory(meeting=None, procedure=pending, reference=pending.reference, subject="procedure draft")
    found = set(Decision.objects.filter(decided_in_any(statuses)).values_list("subject", flat=True))
    assert found == expected
