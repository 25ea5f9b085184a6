"""bench/volume.py at a tiny scale: the rows follow the models' rules and every benchmarked page answers 200."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from bench import volume
from bench.pages import page_list
from decisions.models import ActionItem, Decision, Document
from meetings.models import Meeting, Participation
from members.models import Organisation
from portal.demo.loader import load_sixth_board_meeting

SCALE = 0.02
LARGE = (40, 12)  # the large meeting, small here


def _quiet(*_args):
    pass


@pytest.fixture
def filled(db, settings):
    settings.PORTAL_URLCONF = settings.ROOT_URLCONF
    settings.ROOT_URLCONF = "bench.urls"  # the bare reference view as well
    load_sixth_board_meeting()
    before = {model: model.objects.count() for model in (Meeting, Decision, Participation, Document, ActionItem)}
    counts = volume.fill(SCALE, seed=3, large=LARGE, log=_quiet)
    volume.make_users(_quiet)
    return before, counts


def test_fill_adds_the_scaled_volume_and_the_large_meeting(filled):
    before, counts = filled
    assert Meeting.objects.count() == before[Meeting] + counts["meetings"] + 1
    assert Decision.objects.count() == before[Decision] + counts["decisions"] + LARGE[1]
    assert Participation.objects.count() == before[Participation] + counts["participations"] + LARGE[0]
    assert Document.objects.count() == before[Document] + counts["documents"]
    large = Meeting.objects.annotate(n=Count("participations")).get(slug=volume.LARGE_MEETING_SLUG)
    assert (large.n, large.decisions.count(), large.status) == (LARGE[0], LARGE[1], "published")
    assert volume.scaled(100)["decisions"] == 50_000
    assert volume.scaled(100)["participations"] == 100_000


def test_rows_follow_the_models_rules(filled):
    for meeting in Meeting.objects.exclude(slug="6th-board-meeting-2022"):
        assert meeting.slug.startswith(meeting.build_slug())  # or with a -2 suffix, as save() does
        assert meeting.end >= meeting.start
        assert (meeting.published_at is not None) == (meeting.status == "published")
    for participation in Participation.objects.exclude(person=None).select_related("person"):
        assert participation.position == participation.person.position_title
        assert participation.organisation_id is not None
    for organisation in Organisation.objects.all():
        assert organisation.slug
    for decision in Decision.objects.select_related("meeting"):
        assert decision.reference.startswith(Decision.propose_reference(decision.meeting, decision.sequence))


def test_every_benchmarked_page_answers_for_every_persona(filled, client):
    users = get_user_model().objects.in_bulk(["bench_board", "bench_secretariat"], field_name="username")
    assert set(users) == set(volume.BENCH_USERS)
    for key, path in page_list():
        for persona in ("anonymous", "bench_board", "bench_secretariat"):
            client.logout()
            if persona != "anonymous":
                client.force_login(users[persona])
            if key == "pdf-6th" and persona != "anonymous":
                continue  # WeasyPrint takes a second or two; the PDF's personas are tested elsewhere
            response = client.get(path)
            assert response.status_code == 200, (key, persona, path)
            if response.streaming:
                b"".join(response.streaming_content)
