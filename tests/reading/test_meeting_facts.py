"""
The facts of a meeting beyond today's fields (issue 10, items 1, 2, 6, 7, 8): recorded through the
Secretariat's editing pages with invented data, then read back by each role on the meetings list
(with its pillar filter), the home page, the meeting's page, its PDF and the calendars.

- A pillar Support Group meeting held alongside a named ministerial conference, 18 in person, 40 online.
- A meeting announced for July (month precision), postponed with "new date to be announced", then
  given its new date.
- A cancelled meeting.
"""

import datetime as dt
import json
import re

import pytest
import weasyprint
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone
from icalendar import Calendar

from core.dates import DatePrecision
from meetings.models import Meeting, Occasion, Reschedule
from tests.factories import MeetingFactory, PillarFactory
from tests.reading.pagetext import text_of

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "board_member", "secretariat", "admin"]
SENTENCE = "Held alongside the Salzburg Forum Ministerial Conference, Ljubljana, 12–13 May 2026."


@pytest.fixture
def clients(personas):
    """A signed-in client per persona (and one for anonymous)."""
    made = {}
    for name in PERSONAS:
        client = Client()
        if name != "anonymous":
            client.force_login(personas[name])
        made[name] = client
    return made


@pytest.fixture
def pdf_sources(monkeypatch):
    sources = []
    real_html = weasyprint.HTML

    def spy(*args, string=None, **kwargs):
        sources.append(string or "")
        return real_html(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    return sources


def meeting_form(**values) -> dict:
    """The new-meeting form as the Secretariat fills it in (empty fields as a browser posts them)."""
    data = dict.fromkeys(
        [
            "pillar",
            "ordinal",
            "end",
            "venue",
            "occasion_relation",
            "occasion",
            "new_occasion_name",
            "new_occasion_place",
            "new_occasion_url",
            "new_occasion_start",
            "new_occasion_end",
            "chair",
            "chair_position",
            "participants_in_person",
            "participants_online",
            "public_summary",
            "minutes",
        ],
        "",
    )
    data |= {"kind": "board", "date_precision": "day", "time_zone": "Europe/Sarajevo", "format": "in_person"}
    return data | values


def record(client, **values) -> Meeting:
    response = client.post(reverse("meetings-edit:meeting-create"), meeting_form(**values))
    assert response.status_code == 302, response.context["form"].errors
    return Meeting.objects.get(title=values["title"])


def step(client, name: str, meeting: Meeting, data=None) -> None:
    data = data or {"override_reason": "A test record."}
    response = client.post(reverse(f"meetings-edit:{name}", args=[meeting.slug]), data)
    assert response.status_code == 302, getattr(response.context.get("form"), "errors", response)
    meeting.refresh_from_db()


def page(client, url: str) -> str:
    """The text of the page's main part (not the navigation, which names every section of the site)."""
    response = client.get(url)
    assert response.status_code == 200, url
    markup = response.content.decode()
    text = text_of(markup[markup.index("<main") : markup.index("</main>")])
    # text_of puts a space where a tag was: "Conference</a>," reads "Conference,".
    return re.sub(r" ([,.:])", r"\1", text)


def event_of(client, meeting: Meeting):
    response = client.get(reverse("meetings:meeting-ics", args=[meeting.slug]))
    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    return event


def feed_event(client, meeting: Meeting):
    calendar = Calendar.from_ical(client.get(reverse("meetings:meetings-ics")).content)
    uid = f"meeting-{meeting.pk}@iisg-board-portal"
    matching = [event for event in calendar.walk("VEVENT") if str(event["UID"]) == uid]
    return matching[0] if matching else None


def long_day(day: dt.date) -> str:
    return formats.date_format(day, "l, j F Y")


# --- The wider occasion, the counts, the pillar ---------------------------------------------------


@pytest.fixture
def pillar_meeting(clients):
    """The 2nd WBCTi Support Group meeting, alongside the Salzburg Forum ministerial, recorded and published."""
    wbcti = PillarFactory(code="WBCTi", name="Western Balkans Counter-Terrorism initiative")
    secretariat = clients["secretariat"]
    meeting = record(
        secretariat,
        kind="support_group",
        pillar=wbcti.pk,
        ordinal="2",
        title="2nd WBCTi Support Group meeting",
        start="2026-05-12T14:00",
        end="2026-05-12T17:30",
        city="Ljubljana",
        country="Slovenia",
        format="hybrid",
        occasion_relation="alongside",
        new_occasion_name="the Salzburg Forum Ministerial Conference",
        new_occasion_place="Ljubljana",
        new_occasion_url="https://www.salzburgforum.example/ljubljana-2026",
        new_occasion_start="2026-05-12",
        new_occasion_end="2026-05-13",
        participants_in_person="18",
        participants_online="40",
        public_summary="The WBCTi Support Group met.",
    )
    step(secretariat, "circulate", meeting)
    step(secretariat, "publish", meeting)
    return meeting


def test_the_occasion_and_the_counts_are_fields_of_the_record(pillar_meeting):
    meeting = pillar_meeting
    assert meeting.slug == "2nd-wbcti-support-group-meeting-2026"
    assert (meeting.kind, meeting.pillar.code) == (Meeting.Kind.SUPPORT_GROUP, "WBCTi")
    assert (meeting.participants_in_person, meeting.participants_online) == (18, 40)
    assert meeting.occasion_relation == Meeting.OccasionRelation.ALONGSIDE
    occasion = meeting.occasion
    assert (occasion.name, occasion.place) == ("the Salzburg Forum Ministerial Conference", "Ljubljana")
    assert (occasion.start_date, occasion.end_date) == (dt.date(2026, 5, 12), dt.date(2026, 5, 13))
    assert "Salzburg" not in meeting.public_summary  # a fact of its own, not prose


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_reads_the_occasion_and_the_counts(clients, pillar_meeting, pdf_sources, persona):
    client = clients[persona]
    text = page(client, pillar_meeting.get_absolute_url())
    assert SENTENCE in text
    assert "18 in person, 40 online" in text
    # The occasion's name links to its page.
    markup = client.get(pillar_meeting.get_absolute_url()).content.decode()
    assert 'href="https://www.salzburgforum.example/ljubljana-2026"' in markup
    client.get(reverse("portal:meeting-pdf", args=[pillar_meeting.slug]))
    pdf = text_of(pdf_sources[-1])
    assert SENTENCE in pdf
    assert "https://www.salzburgforum.example/ljubljana-2026" in pdf  # spelled out on paper
    assert "18 in person, 40 online" in pdf
    description = str(event_of(client, pillar_meeting)["DESCRIPTION"])
    assert SENTENCE in description
    listing = page(client, reverse("meetings:meeting-list"))
    assert SENTENCE in listing
    if persona == "board_member":  # their home is My portal (portal/mine.py): the record newly published
        assert pillar_meeting.title in page(client, reverse("home"))
    elif persona not in ("secretariat", "admin"):  # their home is the desk (portal/desk.py)
        home = page(client, reverse("home"))
        assert pillar_meeting.title in home
        assert "Tuesday, 12 May 2026, 14:00–17:30 (Europe/Sarajevo) · Ljubljana, Slovenia · Hybrid" in home
        assert SENTENCE in home


def test_only_one_count_known(clients, pillar_meeting):
    Meeting.objects.filter(pk=pillar_meeting.pk).update(participants_online=None)
    text = page(clients["anonymous"], pillar_meeting.get_absolute_url())
    assert "Participants 18 in person" in text
    assert "online" not in text.split("Participants", 1)[1].split("Summary", 1)[0]


def test_meetings_held_at_one_occasion_share_it(clients, pillar_meeting):
    occasion = pillar_meeting.occasion
    board = record(
        clients["secretariat"],
        ordinal="9",
        title="9th IISG Board meeting",
        start="2026-05-13T09:00",
        end="2026-05-13T12:00",
        occasion_relation="within",
        occasion=occasion.pk,
    )
    assert board.occasion == occasion
    assert Occasion.objects.count() == 1
    text = page(clients["secretariat"], board.get_absolute_url())
    assert "Held within the Salzburg Forum Ministerial Conference, Ljubljana, 12–13 May 2026." in text
    # A correction of the occasion reaches every meeting held at it.
    url = reverse("meetings-edit:occasion-edit", args=[occasion.pk])
    data = {
        "name": "the Salzburg Forum Ministerial Meeting",
        "place": "Brdo pri Kranju",
        "url": occasion.url,
        "start_date": "2026-05-12",
        "end_date": "2026-05-13",
        "version": occasion.version,
    }
    assert clients["secretariat"].post(url, data).status_code == 302
    for meeting in (board, pillar_meeting):
        assert "the Salzburg Forum Ministerial Meeting, Brdo pri Kranju" in page(
            clients["secretariat"], meeting.get_absolute_url()
        )


def test_the_occasion_page_is_for_the_secretariat(clients, pillar_meeting):
    url = reverse("meetings-edit:occasion-edit", args=[pillar_meeting.occasion.pk])
    assert clients["secretariat"].get(url).status_code == 200
    assert clients["board_member"].get(url).status_code == 403
    # Not signed in: to the sign-in, and back to the page.
    assert clients["anonymous"].get(url)["Location"] == f"{reverse('login')}?next={url}"
    # The occasion of a meeting nobody outside the Secretariat may see: not even confirmed to exist.
    draft = MeetingFactory(
        status=Meeting.Status.DRAFT,
        occasion=Occasion.objects.create(name="the Secret Summit"),
        occasion_relation=Meeting.OccasionRelation.WITHIN,
    )
    hidden = reverse("meetings-edit:occasion-edit", args=[draft.occasion.pk])
    # Not signed in: the same answer as for any editing page, whether the occasion exists or not.
    assert clients["anonymous"].get(hidden)["Location"] == f"{reverse('login')}?next={hidden}"
    assert clients["board_member"].get(hidden).status_code == 404


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"new_occasion_url": "javascript:alert(1)"}, "new_occasion_url", "http:// or https://"),
        ({"new_occasion_url": "ftp://example.org/file"}, "new_occasion_url", "http:// or https://"),
        ({"new_occasion_end": "2026-05-01"}, "new_occasion_end", "cannot end before it starts"),
        ({"occasion_relation": ""}, "occasion_relation", "Say how the meeting relates"),
        ({"new_occasion_name": "", "new_occasion_place": "Ljubljana"}, "new_occasion_name", "name"),
        ({"participants_in_person": "-3"}, "participants_in_person", "greater than or equal to 0"),
    ],
)
def test_bad_occasion_or_counts_are_said_beside_the_field_and_the_input_is_kept(clients, values, field, message):
    data = meeting_form(
        title="Kept title",
        start="2026-05-12T14:00",
        end="2026-05-12T17:30",
        occasion_relation="alongside",
        new_occasion_name="the Salzburg Forum Ministerial Conference",
        new_occasion_start="2026-05-12",
        **{"participants_in_person": "18"},
    )
    response = clients["secretariat"].post(reverse("meetings-edit:meeting-create"), data | values)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert 'value="Kept title"' in response.content.decode()
    assert not Meeting.objects.exists()
    assert not Occasion.objects.exists()


def test_an_existing_occasion_or_a_new_one_not_both(clients, pillar_meeting):
    data = meeting_form(
        title="Both",
        start="2026-05-12T14:00",
        end="2026-05-12T17:30",
        occasion_relation="within",
        occasion=pillar_meeting.occasion.pk,
        new_occasion_name="the Berlin Process summit",
    )
    response = clients["secretariat"].post(reverse("meetings-edit:meeting-create"), data)
    assert "not both" in " ".join(response.context["form"].errors["new_occasion_name"])


def test_the_pillar_filter_of_the_meetings_list(clients, pillar_meeting):
    wbbsi = PillarFactory(code="WBBSi", name="Western Balkans Border Security initiative")
    border = MeetingFactory(kind=Meeting.Kind.PILLAR, pillar=wbbsi, title="Border security pillar meeting")
    # A pillar whose only meeting is a draft is no choice for those who may not see the draft.
    secret = PillarFactory(code="WBCSCi", name="Western Balkans Counter Serious Crime initiative")
    MeetingFactory(kind=Meeting.Kind.PILLAR, pillar=secret, status=Meeting.Status.DRAFT, title="Draft pillar")
    url = reverse("meetings:meeting-list")
    for persona in PERSONAS:
        client = clients[persona]
        only_wbcti = page(client, url + "?pillar=WBCTi")
        assert pillar_meeting.title in only_wbcti
        assert border.title not in only_wbcti
        only_wbbsi = page(client, url + "?pillar=WBBSi")
        assert border.title in only_wbbsi
        assert pillar_meeting.title not in only_wbbsi
        choices = dict(client.get(url).context["filter"].form.fields["pillar"].choices)
        assert "WBCTi" in choices
        assert "WBBSi" in choices
        assert ("WBCSCi" in choices) == (persona in ("secretariat", "admin"))


# --- Announced for a month, postponed, given a new date --------------------------------------------


@pytest.fixture
def july(clients):
    """The 8th Board meeting, announced for July of next year (month precision), not yet announced."""
    year = timezone.now().year + 1
    meeting = record(
        clients["secretariat"],
        ordinal="8",
        title="8th IISG Board meeting",
        date_precision="month",
        start=f"{year}-07-15T00:00",
        city="Tirana",
        country="Albania",
        public_summary="Draft summary Secretsummaryqx.",
    )
    meeting.year = year
    return meeting


def test_a_month_is_stored_as_the_month(july):
    assert july.date_precision == DatePrecision.MONTH
    assert july.all_day
    assert july.local_start.replace(tzinfo=None) == dt.datetime(july.year, 7, 1, 0, 0)
    assert july.local_end.replace(tzinfo=None) == dt.datetime(july.year, 7, 31, 23, 59)
    assert july.dates_at_precision == f"July {july.year}"


def test_not_announced_nobody_outside_the_secretariat_lists_it(clients, july):
    for persona in ("anonymous", "board_member"):
        client = clients[persona]
        assert july.title not in page(client, reverse("meetings:meeting-list"))
        assert july.title not in page(client, reverse("home"))
        assert client.get(july.get_absolute_url()).status_code == 404
        assert client.get(reverse("meetings:meeting-ics", args=[july.slug])).status_code == 404
        assert feed_event(client, july) is None
    text = page(clients["secretariat"], july.get_absolute_url())
    assert "Not announced: the public does not see this meeting" in text


def test_announcing_is_not_publishing(clients, july):
    step(clients["secretariat"], "announce", july)
    assert july.announced_at is not None
    assert (july.status, july.published_at) == (Meeting.Status.DRAFT, None)
    month = f"July {july.year}"
    for persona in ("anonymous", "board_member"):
        client = clients[persona]
        listing = page(client, reverse("meetings:meeting-list"))
        assert f"{july.title} {month} · Tirana, Albania · In person" in listing
        assert "DRAFT" not in listing
        assert f"{july.title} {month}" in page(client, reverse("home"))
        text = page(client, july.get_absolute_url())
        assert f"Date {month}" in text
        assert "This meeting is announced; its record will be published after it." in text
        for absent in ("Secretsummaryqx", "Record published", "Published", "Decisions", "DRAFT", "Participants"):
            assert absent not in text
        assert client.get(reverse("portal:meeting-pdf", args=[july.slug])).status_code == 404
        # The calendar is honest: the month, not its first day; tentative; says the day is not known.
        event = event_of(client, july)
        assert event.decoded("DTSTART") == dt.date(july.year, 7, 1)
        assert event.decoded("DTEND") == dt.date(july.year, 8, 1)
        assert str(event["STATUS"]) == "TENTATIVE"
        assert f"The day is not known yet: announced for {month}." in str(event["DESCRIPTION"])
        assert "Secretsummaryqx" not in str(event["DESCRIPTION"])
        assert event["SEQUENCE"] == 0
        assert str(event["SUMMARY"]) == july.title
        assert feed_event(client, july) is not None
    # The Secretariat reads the record, and when it was announced.
    text = page(clients["secretariat"], july.get_absolute_url())
    assert "Secretsummaryqx" in text
    assert "Announced to the public on" in text


def test_postponed_without_a_date_then_given_one(clients, july, secretariat):
    secretariat_client = clients["secretariat"]
    step(secretariat_client, "announce", july)
    uid = str(event_of(clients["anonymous"], july)["UID"])
    month = f"July {july.year}"

    # Postponed, new date to be announced.
    step(
        secretariat_client,
        "reschedule",
        july,
        {"new_date_pending": "on", "reason": "Elections in the host country.", "date_precision": "day"},
    )
    assert (july.schedule_status, july.new_date_pending) == (Meeting.ScheduleStatus.POSTPONED, True)
    [reschedule] = Reschedule.objects.filter(meeting=july)
    assert (reschedule.previous_precision, reschedule.new_date_pending) == (DatePrecision.MONTH, True)
    assert reschedule.created_by == secretariat
    for persona in PERSONAS:
        client = clients[persona]
        listing = page(client, reverse("meetings:meeting-list"))
        assert f"{july.title} Postponed" in listing
        assert f"{month} → New date to be announced" in listing
        # Still to come, not among the past meetings.
        assert listing.index(july.title) < listing.index("Past meetings") if "Past meetings" in listing else True
        home = page(client, reverse("home"))
        assert f"{july.title} Postponed" in home
        assert "New date to be announced" in home
        text = page(client, july.get_absolute_url())
        assert "Postponed — new date to be announced. Reason: Elections in the host country." in text
        assert f"Dates announced before {month} — Elections in the host country." in text
        event = event_of(client, july)
        assert str(event["UID"]) == uid
        assert event["SEQUENCE"] == 1
        assert str(event["SUMMARY"]).startswith("Postponed: ")
        assert str(event["STATUS"]) == "TENTATIVE"
        description = str(event["DESCRIPTION"])
        assert "Postponed: new date to be announced. Reason: Elections in the host country." in description
        assert "The day is not known yet" not in description

    # The new date: known to the day this time. Nothing new to keep of the dates before.
    october = dt.date(july.year, 10, 15)
    response = secretariat_client.get(reverse("meetings-edit:reschedule", args=[july.slug]))
    assert "reason" not in response.context["form"].fields
    step(
        secretariat_client,
        "reschedule",
        july,
        {"date_precision": "day", "start": f"{october}T00:00", "end": f"{october}T23:59", "all_day": "on"},
    )
    assert Reschedule.objects.filter(meeting=july).count() == 1
    assert (july.schedule_status, july.new_date_pending) == (Meeting.ScheduleStatus.POSTPONED, False)
    assert july.date_precision == DatePrecision.DAY
    for persona in PERSONAS:
        client = clients[persona]
        listing = page(client, reverse("meetings:meeting-list"))
        assert f"{july.title} Postponed" in listing
        assert f"{month} → {long_day(october)}" in listing
        text = page(client, july.get_absolute_url())
        assert f"Postponed — new date: {long_day(october)}. Reason: Elections in the host country." in text
        event = event_of(client, july)
        assert str(event["UID"]) == uid
        assert event["SEQUENCE"] == 2
        assert event.decoded("DTSTART") == october
        assert event.decoded("DTEND") == october + dt.timedelta(days=1)
        assert str(event["STATUS"]) == "CONFIRMED"
        assert f"Postponed: announced before for {month}." in str(event["DESCRIPTION"])

    # The Secretariat's history keeps each step.
    history = page(secretariat_client, reverse("meetings-edit:meeting-history", args=[july.slug]))
    assert f"Reschedule: {july.title}: {month}" in history
    assert "New date to be announced" in history


def test_rescheduling_needs_dates_or_to_be_announced_and_a_reason(clients, july):
    url = reverse("meetings-edit:reschedule", args=[july.slug])
    response = clients["secretariat"].post(url, {"date_precision": "day", "start": "", "end": "", "reason": ""})
    errors = response.context["form"].errors
    assert "Give a reason." in errors["reason"]
    assert "Give the new start" in " ".join(errors["start"])
    assert not july.reschedules.exists()


def test_a_cancelled_meeting_says_so_everywhere(clients):
    secretariat_client = clients["secretariat"]
    start = (timezone.now() + dt.timedelta(days=60)).date()
    meeting = record(
        secretariat_client,
        kind="other",
        title="Regional ministerial on border security",
        start=f"{start}T10:00",
        end=f"{start}T16:00",
        city="Skopje",
    )
    step(secretariat_client, "announce", meeting)
    response = secretariat_client.post(reverse("meetings-edit:cancel", args=[meeting.slug]), {"reason": ""})
    assert "reason" in response.context["form"].errors
    step(secretariat_client, "cancel", meeting, {"reason": "The host withdrew its invitation."})
    assert meeting.is_cancelled
    assert meeting.cancelled_at is not None
    for persona in PERSONAS:
        client = clients[persona]
        listing = page(client, reverse("meetings:meeting-list"))
        assert f"{meeting.title} Cancelled" in listing
        assert "Cancelled: The host withdrew its invitation." in listing
        assert f"{meeting.title} Cancelled" in page(client, reverse("home"))
        assert "Cancelled: The host withdrew its invitation." in page(client, meeting.get_absolute_url())
        event = event_of(client, meeting)
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] == 1
        # The record is a draft: those who read it see it marked so; the others read the announcement.
        draft = "DRAFT: " if persona in ("secretariat", "admin") else ""
        assert str(event["SUMMARY"]) == f"Cancelled: {draft}{meeting.title}"
        assert "Cancelled. Reason: The host withdrew its invitation." in str(event["DESCRIPTION"])
    # Cancelled is final here: no postponing or cancelling again.
    assert secretariat_client.get(reverse("meetings-edit:reschedule", args=[meeting.slug])).status_code == 302
    response = secretariat_client.post(reverse("meetings-edit:cancel", args=[meeting.slug]), {"reason": "Again"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.cancellation_reason == "The host withdrew its invitation."


def test_the_record_reads_record_published_on_never_as_the_meetings_date(clients, pillar_meeting):
    # Published two days after the meeting (not today: a record published here months after its meeting
    # gives no day, see tests/reading/test_publication_date.py).
    Meeting.objects.filter(pk=pillar_meeting.pk).update(published_at=dt.datetime(2026, 5, 14, 9, 0, tzinfo=dt.UTC))
    text = page(clients["anonymous"], pillar_meeting.get_absolute_url())
    assert "Record published on Thursday, 14 May 2026" in text
    assert "Date Tuesday, 12 May 2026, 14:00–17:30 (Europe/Sarajevo)" in text


# --- Leaks: the announcement and nothing else --------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "board_member"])
def test_an_announced_draft_shows_its_announcement_and_nothing_else(clients, records, persona):
    record_ = records["announced"]
    client = clients[persona]
    text = page(client, record_.meeting.get_absolute_url())
    assert "Held alongside the Interior Ministers' Forum" in text
    assert "Moved at the host's request." in text  # why it moved is part of the announcement
    for absent in ("987", "654", "in person", "Podgorica. ", "Summary", "Chair", "Decisions", "Agenda"):
        assert absent not in text
    assert record_.decision.reference not in text
    for url in (
        reverse("portal:meeting-pdf", args=[record_.meeting.slug]),
        record_.decision.get_absolute_url(),
        record_.document.get_absolute_url(),
        record_.organisation.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404
    # Not a search result, not in the register or its exports.
    assert client.get(reverse("portal:search") + "?q=Announcedtitleqx").context["result_count"] == 0
    export = json.loads(client.get(reverse("decisions:decision-export-json")).getvalue())
    assert record_.decision.reference not in {row["reference"] for row in export["decisions"]}


def test_the_announcement_projection_selects_nothing_of_the_record(anonymous, records):
    from core.projection import WithheldFieldError

    listed = Meeting.objects.listable_by(anonymous)
    sql = str(listed.query)
    for column in ("participants_in_person", "participants_online", "minutes", "published_at", "circulated_at"):
        assert f'"{column}"' not in sql
    row = listed.get(pk=records["announced"].meeting.pk)
    assert row.is_announcement_only
    assert (row.summary_as_listed, row.record_status, row.is_draft) == ("", "", False)
    for name in ("public_summary", "participants_in_person", "status", "published_at", "minutes"):
        with pytest.raises(WithheldFieldError):
            getattr(row, name)
    # A published meeting in the same list is its record's public part.
    published = listed.get(pk=records["published"].meeting.pk)
    assert not published.is_announcement_only
    assert published.summary_as_listed == records["published"].meeting.public_summary
