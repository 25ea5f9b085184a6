"""Messages a translation can render: whole sentences per step, and counted nouns through ngettext.

A refusal used to paste a lower-cased status and an English participle into one sentence ("This meeting is
draft: it cannot be published now."), which no inflected language can translate; counts were written as
"participant(s)". Each is now one sentence per case, with its own plural forms.
"""

import pytest
from django.utils import translation

from core import readiness as core_readiness
from meetings import services
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def test_a_refused_step_is_one_sentence_naming_the_state_as_shown(draft_meeting, published_meeting):
    assert services.step_refusal(draft_meeting, Meeting.Status.PUBLISHED) == (
        "This meeting’s record is “Draft”: it cannot be published now."
    )
    assert services.step_refusal(published_meeting, Meeting.Status.CIRCULATED) == (
        "This meeting’s record is “Published”: it cannot be circulated now."
    )
    assert services.step_refusal(draft_meeting, Meeting.Status.CIRCULATED) == ""


def test_unpublishing_a_draft_is_refused_in_one_sentence(draft_meeting, secretariat):
    with pytest.raises(services.WorkflowError) as refused:
        services.unpublish_meeting(services.MeetingWithReason(meeting=draft_meeting, user=secretariat, reason="Wrong"))
    assert refused.value.messages[0] == "This meeting’s record is “Draft”: it cannot be unpublished now."


@pytest.mark.parametrize(
    ("count", "word"),
    [(1, "(1 warning)"), (2, "(2 warnings)")],
)
def test_the_warnings_count_has_its_plural(count, word):
    findings = core_readiness.Findings(
        items=tuple(
            core_readiness.Finding(code=f"w{i}", level=core_readiness.Level.WARNING, message="x") for i in range(count)
        )
    )
    with translation.override("en"):
        error = findings.refusal("")
    assert word in str(error)
