"""
Known data for the register's questions, its feeds and its folded filters: the demo 6th Board meeting
(20 June 2022: B6/2022/07 admits RAI, Bulgaria and the OSCE Mission in Kosovo*), and around it meetings
whose outcomes are recorded through the effects (decisions.effects), as the Secretariat records them:

- 2019: B2019/01 admits the Early Ministry (since 1 March 2019);
- 2021: B2021/01 ends that membership; B2021/02 takes note (acts on nothing);
- 2023: B2023/01 adopts a WBCTi document; B2023/02 gives the post of Head of the Secretariat to Ana Appointee;
- a draft meeting of 2024 (the public never sees it): B2024/01 admits the Draftmarkerqx Agency.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from decisions import effects, services
from meetings.models import Meeting
from members.models import Membership, Pillar, Post
from portal.demo.loader import load_sixth_board_meeting
from tests.factories import DocumentFactory, MeetingFactory, OrganisationFactory, PersonFactory

DRAFT_MARKER = "Draftmarkerqx"


@dataclass
class Known:
    sixth: Meeting
    early: object  # the Early Ministry's organisation
    appointee: object  # Ana Appointee
    draft: Meeting


def _meeting(year: int, month: int, day: int, ordinal: int) -> Meeting:
    """A draft meeting (its outcomes recorded before it is published: no correction reason asked)."""
    start = timezone.make_aware(dt.datetime(year, month, day, 10, 0))
    return MeetingFactory(
        ordinal=ordinal,
        title=f"{ordinal}th Test Board Meeting",
        start=start,
        end=start + dt.timedelta(hours=6),
        status=Meeting.Status.DRAFT,
    )


def _publish(*meetings: Meeting) -> None:
    for meeting in meetings:
        meeting.status, meeting.published_at = Meeting.Status.PUBLISHED, meeting.end
        meeting.save()


def _record(meeting: Meeting, reference: str, verb: str, subject: str, effect=None):
    draft = services.DecisionDraft(reference=reference, verb=verb, subject=subject)
    if effect is None:
        return services.record_decision(meeting=meeting, reference=reference, verb=verb, subject=subject)
    return services.record_outcome(services.OutcomeInput(meeting=meeting, decision=draft, effect=effect)).decision


def build_known() -> Known:
    sixth = load_sixth_board_meeting()
    early = OrganisationFactory(name="Early Ministry", slug="early-ministry")
    m2019 = _meeting(2019, 3, 1, 301)
    _record(
        m2019,
        "B2019/01",
        "approved",
        "Admission of the Early Ministry",
        effects.AdmitMembers(organisations=(early,), category=Membership.Category.SUPPORT_GROUP),
    )
    m2021 = _meeting(2021, 4, 15, 302)
    membership = Membership.objects.get(organisation=early)
    _record(m2021, "B2021/01", "agreed", "End of the Early Ministry's membership", effects.EndMembership(membership))
    _record(m2021, "B2021/02", "took_note", "Report of the Secretariat")
    m2023 = _meeting(2023, 5, 10, 303)
    pillar = Pillar.objects.get(code="WBCTi")
    document = DocumentFactory(title="Counter-terrorism response mapping 2023")
    document.pillars.add(pillar)
    _record(m2023, "B2023/01", "adopted", "Response mapping 2023", effects.Documents(documents=(document,)))
    appointee = PersonFactory(name="Ana Appointee")
    post = Post.objects.get(name="Head of the IISG Secretariat")
    _record(
        m2023,
        "B2023/02",
        "appointed",
        "Head of the IISG Secretariat",
        effects.Role(post=post, person=appointee, start_on_decision=True),
    )
    _publish(m2019, m2021, m2023)
    draft = _meeting(2024, 2, 1, 304)
    secret = OrganisationFactory(name=f"{DRAFT_MARKER} Agency", slug="draft-agency")
    _record(
        draft,
        "B2024/01",
        "approved",
        f"Admission of the {DRAFT_MARKER} Agency",
        effects.AdmitMembers(organisations=(secret,), category=Membership.Category.OBSERVER),
    )
    return Known(sixth=sixth, early=early, appointee=appointee, draft=draft)


@pytest.fixture
def known(db):
    return build_known()
