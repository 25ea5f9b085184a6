"""
Fixtures of the reading side: the demo meeting, and three meetings (draft, circulated, published)
with marker words planted in their unreleased and member-only content.
"""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.cache import caches
from django.utils import timezone

from core import chain
from meetings.models import Meeting, Participation
from members.models import Membership, Post, RoleHeld
from portal.demo.loader import load_sixth_board_meeting
from tests.built_once import for_one_test, rows_for_the_module
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    DocumentFactory,
    DocumentFileFactory,
    MeetingFactory,
    OccasionFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    PillarFactory,
    ProgressNoteFactory,
    RescheduleFactory,
)
from tests.shared_cache import delete_prefix, redis_cache_settings, unique_prefix

# One word each, so that full-text search (stemming included) and containment both find them.
DRAFT_MARKER = "Draftmarkerqx"
CIRCULATED_MARKER = "Circmarkerqx"
MEMBER_MARKER = "Membermarkerqx"
# In everything of a draft meeting announced to the public except its announcement.
ANNOUNCED_MARKER = "Annmarkerqx"
ALL_MARKERS = (DRAFT_MARKER, CIRCULATED_MARKER, MEMBER_MARKER, ANNOUNCED_MARKER)
# The title of the announced meeting: public (its announcement), yet no search result (not a record).
ANNOUNCED_TITLE_WORD = "Announcedtitleqx"

# What each persona must never see anywhere.
FORBIDDEN = {
    "anonymous": ALL_MARKERS,
    "board_member": (DRAFT_MARKER, ANNOUNCED_MARKER),
    "secretariat": (),
    "admin": (),
}


@pytest.fixture
def demo(db):
    return load_sixth_board_meeting()


@dataclass
class Record:
    """A meeting and the records hanging from it, for the access matrix."""

    meeting: Meeting
    decision: object
    document: object
    organisation: object
    action: object
    # The holder of the role the decision made (seen only with the record), and a pillar it names.
    person: object = None
    pillar: object = None
    extra: dict = field(default_factory=dict)


def _make_record(status: str, marker: str | None, ordinal: int, announced: bool = False) -> Record:
    """
    A meeting in `status`. With a marker, it is planted in everything of the meeting (for a draft or a
    circulated meeting). Without one (the published meeting), MEMBER_MARKER goes only into what is
    for Board members: minutes, agenda, delegates' names, documents, actions. `announced`: a meeting
    to come, announced to the public (its title, dates, place, occasion and postponement carry no
    marker: they are its announcement), with participant counts of its record.
    """
    public = marker or ""
    member = marker or MEMBER_MARKER
    start = timezone.now() - dt.timedelta(days=40 + ordinal)
    if announced:
        start = timezone.now() + dt.timedelta(days=40 + ordinal)
    meeting = MeetingFactory(
        ordinal=ordinal,
        title=f"{ordinal}th IISG Board Meeting {ANNOUNCED_TITLE_WORD if announced else public}".strip(),
        start=start,
        end=start + dt.timedelta(hours=6),
        public_summary=f"The Board met in Podgorica. {public}".strip(),
        minutes=f"Minutes: the Board discussed {member} at length.",
        status=status,
    )
    if announced:
        meeting.announced_at = timezone.now()
        meeting.occasion = OccasionFactory(name="the Interior Ministers' Forum")
        meeting.occasion_relation = Meeting.OccasionRelation.ALONGSIDE
        meeting.participants_in_person, meeting.participants_online = 987, 654
        meeting.schedule_status = Meeting.ScheduleStatus.POSTPONED
        meeting.save()
        RescheduleFactory(meeting=meeting, reason="Moved at the host's request.")
    chair = PersonFactory(name=f"Chairperson {public or 'Publicname'}".strip(), position_title="Minister")
    ParticipationFactory(meeting=meeting, person=chair, role=Participation.Role.CHAIR)
    delegation = OrganisationFactory(name=f"Delegation {ordinal}")
    ParticipationFactory(
        meeting=meeting,
        person=PersonFactory(name=f"Delegate {member}", organisation=delegation, position_title=f"Adviser {member}"),
        organisation=delegation,
        role=Participation.Role.DELEGATE,
    )
    item = AgendaItemFactory(meeting=meeting, position=1, title=f"Item on {member}", notes=f"Notes on {member}.")
    pillar = PillarFactory(code="WBCTi")
    document = DocumentFactory(title=f"Output on {member}", description=f"About {member}.")
    document.pillars.add(pillar)
    DocumentFileFactory(document=document, number=1)
    organisation = OrganisationFactory(name=f"Newmember {ordinal} {public}".strip(), acronym=f"NM{ordinal}")
    membership = Membership.objects.create(organisation=organisation, category="support_group", since=start.date())
    appointee = PersonFactory(name=f"Appointee {public or 'Publicname'}".strip(), organisation=organisation)
    role = RoleHeld.objects.create(
        person=appointee, post=Post.objects.get(name="Head of the IISG Secretariat"), represented=organisation
    )
    decision = DecisionFactory(
        meeting=meeting,
        agenda_item=item,
        sequence=1,
        reference=f"B{ordinal}/{start.year}/01",
        verb="approved",
        subject=f"An output and new members {public}".strip(),
        wording=f"The output was approved by the IISG Board. {public}".strip(),
    )
    decision.documents.add(document)
    decision.memberships.add(membership)
    # What the decision says beyond its verb, and a partner of a pillar it names: all as public as the decision.
    partner = RoleHeld.objects.create(
        post=Post.objects.get(name="Lead partner of a pillar"),
        organisation=OrganisationFactory(name=f"Partner {ordinal} {public}".strip(), acronym=f"PA{ordinal}"),
        pillar=pillar,
    )
    decision.roles.add(role, partner)
    decision.proposed_by_organisation = OrganisationFactory(
        name=f"Proposer {ordinal} {public}".strip(), acronym=f"PR{ordinal}"
    )
    decision.effective_from = start.date() + dt.timedelta(days=30)
    decision.save()
    decision.concerns_organisations.add(
        OrganisationFactory(name=f"Concerned {ordinal} {public}".strip(), acronym=f"CO{ordinal}")
    )
    decision.concerns_people.add(PersonFactory(name=f"Concerned person {public or 'Publicname'}".strip()))
    action = ActionItemFactory(meeting=meeting, decision=decision, description=f"Follow up on {member}")
    ProgressNoteFactory(action_item=action, note=f"Progress on {member}")
    return Record(meeting, decision, document, organisation, action, person=appointee, pillar=pillar)


def every_state_of_a_record() -> dict[str, Record]:
    records = {
        "draft": _make_record(Meeting.Status.DRAFT, DRAFT_MARKER, 201),
        "circulated": _make_record(Meeting.Status.CIRCULATED, CIRCULATED_MARKER, 202),
        "published": _make_record(Meeting.Status.PUBLISHED, None, 203),
        "announced": _make_record(Meeting.Status.DRAFT, ANNOUNCED_MARKER, 204, announced=True),
    }
    # Issue 21: the published record has its version 1 (core.chain), as publishing it would have made.
    chain.seal(chain.Seal(record=records["published"].meeting))
    return records


@pytest.fixture
def records(db):
    """{"draft": Record, "circulated": Record, "published": Record, "announced": Record (a draft, announced)}."""
    return every_state_of_a_record()


@pytest.fixture(scope="module")
def _records_of_the_module(django_db_setup, django_db_blocker, tmp_path_factory):
    with rows_for_the_module(django_db_blocker, tmp_path_factory) as media_root:
        with django_db_blocker.unblock():
            records = every_state_of_a_record()
        yield records, media_root


@pytest.fixture
def records_built_once(request, settings, db, _records_of_the_module):
    """
    The same records, built once per module (tests/built_once.py); each test has its own copy and its
    writes are rolled back. A module opts in by overriding `records` with this fixture.
    """
    records, media_root = _records_of_the_module
    return for_one_test(request, settings, media_root, records)


# --- The page cache (core.pagecache) switched on, for test_page_cache and test_audience_cache ---------


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """The page cache switched on, over LocMemCache or Redis; yields the cache."""
    prefix = unique_prefix()
    if request.param == "redis":
        settings.CACHES = redis_cache_settings(prefix)
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}}
    settings.PAGE_CACHE_SECONDS = 300
    yield caches["default"]
    if request.param == "redis":
        delete_prefix(prefix)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): write…` — the writes inside are committed, as a request's would be."""

    @contextmanager
    def _committed():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return _committed


@pytest.fixture
def pdf_renders(monkeypatch):
    """The HTML of each PDF WeasyPrint renders from now on (a list that grows), to count renders."""
    import weasyprint

    renders = []
    real_html = weasyprint.HTML

    def counting(*args, **kwargs):
        renders.append(kwargs.get("string", ""))
        return real_html(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", counting)
    return renders
