"""
Query discipline: every page makes the same number of queries with 1 related row and with 50,
and never more than its budget (django_assert_max_num_queries).
"""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import sessions
from meetings.models import Meeting, Participation
from members.models import Post
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    DecisionFactory,
    DocumentFactory,
    DocumentFileFactory,
    MeetingFactory,
    MembershipFactory,
    OccasionFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    PillarFactory,
    ProgressNoteFactory,
    RescheduleFactory,
    RoleHeldFactory,
)

# Budgets per page, for a signed-in Board member (the anonymous visitor needs fewer: no session, user,
# groups or two-factor device look-ups).
# Issue 10 added one query to each page listing decisions with what they say: whom they concern
# (organisations, people) are prefetched, and roles held replace appointments. The home page also
# reads the dates announced before of the meetings it lists (postponed ones say so): one more.
# Issue 11: the exports stream, per chunk of 5,000 decisions: the rows, one query for the links of
# all five link tables (documents, memberships, roles, organisations and people it concerns), and the
# linked records not read yet, one query per kind (meetings, organisations, people, documents,
# memberships, roles held); the rules of documents, memberships and roles held are read once per
# export, as ids (decisions.exports). The same with 1 or 50 rows (or 5,000). The feed of all meetings
# reads its rows (with their occasion's and reschedules' last change), their reschedules, the history
# of the meetings read only as announcements, the meetings that left it and those aged out of its
# window: its validators (ETag, Last-Modified) come from these, to answer a 304.
BUDGET = {
    "home": 19,  # the latest decisions in two steps: their ids by the index, then those rows
    "meeting-list": 12,
    "meeting-list-pillar": 12,
    # With the papers put before the meeting (Board members): one query; and (issue 20) when the Board member
    # last opened it (portal.mine.meeting_opened: one read; a write at most once per visit).
    # Issue 21: the record's versions in the reader's chain (core.chain), on the page and printed on the PDF: one query.
    "meeting-detail": 26,
    "meeting-pdf": 25,
    "meeting-ics": 10,
    "meetings-ics": 13,
    "decision-list": 20,
    "decision-export-csv": 20,
    "decision-export-json": 20,
    "decision-detail": 18,
    "document-list": 16,
    "document-detail": 14,
    "action-list": 14,
    "member-list": 18,
    "organisation-detail": 24,
    "person-detail": 16,
    "pillar-detail": 20,
    "search": 15,
    # One kind's list of results: its count (at most core.search.CANDIDATES), its page, their meetings.
    "search-kind": 11,
    # issue 20: register. The feeds read as the public reads, whoever asks: the decisions' ids by the index,
    # those rows and what they show (with_acted_on); the meetings with their pillars, occasions, reschedules.
    "decision-feed": 14,
    "meeting-feed": 10,
}
# Documents are for Board members: the anonymous visitor gets a 404 there (see the access matrix).
MEMBER_ONLY_PAGES = {"document-detail"}


class World:
    """One published meeting with `n` of everything hanging from it, grown on demand."""

    def __init__(self):
        self.meeting = MeetingFactory(title="Big meeting Searchword")
        self.organisation = OrganisationFactory(name="Big organisation")
        self.pillar = PillarFactory(code="WBCTi")
        self.first_document = DocumentFactory(title="First output")
        # A person and a pillar whose pages grow with the world.
        self.person = PersonFactory(name="Big person", organisation=self.organisation)
        self.lead_partner = Post.objects.get(name="Lead partner of a pillar")
        self.first_decision = None
        self.n = 0

    def grow_to(self, n: int) -> None:
        for i in range(self.n, n):
            other = MeetingFactory(title=f"Other meeting {i} Searchword", kind="pillar", pillar=self.pillar)
            ParticipationFactory(meeting=other, person=self.person, role=Participation.Role.CHAIR, position=f"Post {i}")
            # A pillar meeting to come, announced (a draft record), held at an occasion, postponed once:
            # listed everywhere with what a listing shows of it.
            soon = timezone.now() + dt.timedelta(days=10 + i)
            announced = MeetingFactory(
                kind=Meeting.Kind.PILLAR,
                pillar=self.pillar,
                title=f"Announced pillar meeting {i}",
                start=soon,
                end=soon + dt.timedelta(hours=3),
                status=Meeting.Status.DRAFT,
                announced_at=timezone.now(),
                occasion=OccasionFactory(),
                occasion_relation=Meeting.OccasionRelation.ALONGSIDE,
                schedule_status=Meeting.ScheduleStatus.POSTPONED,
            )
            RescheduleFactory(meeting=announced)
            person = PersonFactory(organisation=self.organisation)
            ParticipationFactory(meeting=self.meeting, person=person, role=Participation.Role.DELEGATE)
            ParticipationFactory(meeting=other, person=person, role=Participation.Role.SPEAKER)
            item = AgendaItemFactory(meeting=self.meeting, position=i + 1, notes="Searchword notes")
            item.presenters.add(person)
            item.presenting_organisations.add(self.organisation)
            document = DocumentFactory(title=f"Output {i} Searchword") if i else self.first_document
            document.pillars.add(self.pillar)
            DocumentFileFactory(document=self.first_document, number=i + 1)
            membership = MembershipFactory(organisation=OrganisationFactory())
            role = RoleHeldFactory(person=person, represented=self.organisation, start=None)
            decision = DecisionFactory(
                meeting=self.meeting, sequence=i + 1, agenda_item=item, wording="Searchword was approved."
            )
            decision.documents.add(document, self.first_document)
            decision.memberships.add(membership)
            partner = RoleHeldFactory(
                post=self.lead_partner,
                person=None,
                organisation=OrganisationFactory(),
                pillar=self.pillar,
                start=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            )
            decision.roles.add(role, partner)
            decision.concerns_organisations.add(self.organisation, OrganisationFactory())
            decision.concerns_people.add(self.person, person)
            decision.proposed_by_organisation = self.organisation
            decision.save()
            if self.first_decision is None:
                self.first_decision = decision
            else:
                self.first_decision.documents.add(document)
                self.first_decision.memberships.add(membership)
                self.first_decision.roles.add(role)
            action = ActionItemFactory(meeting=self.meeting, decision=self.first_decision)
            ProgressNoteFactory(action_item=action)
        self.n = n

    def urls(self) -> dict[str, str]:
        slug = self.meeting.slug
        return {
            "home": reverse("home"),
            "meeting-list": reverse("meetings:meeting-list"),
            "meeting-list-pillar": reverse("meetings:meeting-list") + "?pillar=WBCTi",
            "meeting-detail": self.meeting.get_absolute_url(),
            "meeting-pdf": reverse("portal:meeting-pdf", args=[slug]),
            "meeting-ics": reverse("meetings:meeting-ics", args=[slug]),
            "meetings-ics": reverse("meetings:meetings-ics"),
            "decision-list": reverse("decisions:decision-list") + "?verb=approved",
            "decision-export-csv": reverse("decisions:decision-export-csv"),
            "decision-export-json": reverse("decisions:decision-export-json"),
            "decision-detail": self.first_decision.get_absolute_url(),
            "document-list": reverse("decisions:document-list") + "?pillar=WBCTi",
            "document-detail": self.first_document.get_absolute_url(),
            "action-list": reverse("decisions:action-list"),
            "member-list": reverse("portal:member-list"),
            "organisation-detail": self.organisation.get_absolute_url(),
            "person-detail": self.person.get_absolute_url(),
            "pillar-detail": self.pillar.get_absolute_url(),
            "search": reverse("portal:search") + "?q=Searchword",
            "search-kind": reverse("portal:search") + "?q=Searchword&kind=decisions",
            "decision-feed": reverse("decisions:decision-feed") + "?did=adopted&from=2000-01-01",
            "meeting-feed": reverse("meetings:meeting-feed"),
        }


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            # The exports stream: their rows are read as the body is (decisions.exports).
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_same_number_of_queries_with_1_and_50_rows(client_for, db, django_assert_max_num_queries, persona, monkeypatch):
    # One world for all pages (building 50 rows of everything is what takes time), grown from 1 to 50.
    # On a loaded machine the walk takes more than a minute: the session's renewal (core.sessions, once a
    # minute) would then add its write to whichever page came due. Counted here is what rows cost, not the clock.
    monkeypatch.setattr(sessions, "RENEW_EVERY", settings.SESSION_COOKIE_AGE - 1)
    pages = sorted(page for page in BUDGET if persona != "anonymous" or page not in MEMBER_ONLY_PAGES)
    world = World()
    client = client_for(persona)
    counts: dict[str, dict[int, int]] = {page: {} for page in pages}
    for rows in (1, 50):
        world.grow_to(rows)
        urls = world.urls()
        # The first request of a session may touch it: one before the pages are counted. (Not one per page:
        # a second PDF of 50 rows took a sixth of the test's time.)
        client.get(urls["home"])
        # A Board member's first opening of a meeting is remembered (portal.mine.meeting_opened): one write, once.
        client.get(urls["meeting-detail"])
        for page in pages:
            with django_assert_max_num_queries(BUDGET[page]):
                counts[page][rows] = count_queries(client, urls[page])
    assert {page: by_rows for page, by_rows in counts.items() if by_rows[1] != by_rows[50]} == {}
