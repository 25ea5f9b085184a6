"""The participants page asks only for what the records do not know: the position at the time."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.editing.test_meeting_fixes import held_on
from tests.editing.test_participants_and_agenda import blank_row, formset_data
from tests.factories import MeetingFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_row_without_a_position_takes_the_person_s_post_and_says_so(secretariat_client):
    head = PersonFactory(name="Ana Head", position_title="Head of IISG Secretariat")
    meeting = held_on(dt.date(2022, 6, 20), status="draft")
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    response = secretariat_client.post(url, formset_data([blank_row(person=head.pk)]), follow=True)
    assert response.redirect_chain[-1][0] == url
    assert meeting.participations.get().position == "Head of IISG Secretariat"
    page = response.content.decode()
    assert "Participants saved: 1 added or changed, 0 removed." in page
    assert "Position taken from the person&#x27;s record: Ms Ana Head — Head of IISG Secretariat." in page


def test_the_position_recorded_at_an_earlier_meeting_comes_before_today_s_post(secretariat_client):
    head = PersonFactory(name="Ana Head", position_title="Minister of Security")
    earlier = held_on(dt.date(2021, 3, 1))
    ParticipationFactory(meeting=earlier, person=head, position="Head of IISG Secretariat")
    meeting = held_on(dt.date(2022, 6, 20), status="draft")
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    response = secretariat_client.post(url, formset_data([blank_row(person=head.pk)]), follow=True)
    assert meeting.participations.get().position == "Head of IISG Secretariat"
    assert "Ms Ana Head — Head of IISG Secretariat" in response.content.decode()


def test_a_position_typed_is_kept_and_not_announced_as_taken(secretariat_client):
    head = PersonFactory(position_title="Minister of Security")
    meeting = held_on(dt.date(2022, 6, 20), status="draft")
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    data = formset_data([blank_row(person=head.pk, position="Acting Minister")])
    response = secretariat_client.post(url, data, follow=True)
    assert meeting.participations.get().position == "Acting Minister"
    assert "Position taken" not in response.content.decode()


def test_with_nothing_on_record_the_row_says_what_to_type_beside_the_field_and_in_the_summary(secretariat_client):
    unknown = PersonFactory(name="Arta Unknown", position_title="")
    meeting = MeetingFactory(status="draft")
    url = reverse("meetings-edit:participants", args=[meeting.slug])
    response = secretariat_client.post(url, formset_data([blank_row(person=unknown.pk)]))
    assert response.status_code == 200
    assert not meeting.participations.exists()
    message = "Type the position Ms Arta Unknown held at this meeting (for example “Minister of Interior”)"
    assert message in " ".join(response.context["formset"].errors[0]["position"])
    page = response.content.decode()
    summary = page.split('class="alert alert-danger error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_form-0-position"' in summary
    assert 'id="id_form-0-position"' in page
    main = page.split("<main", 1)[1]
    assert main.index("error-summary") < main.index('<form method="post"')


def test_a_new_person_named_without_any_position_is_asked_for_it(secretariat_client, draft_meeting):
    url = reverse("meetings-edit:participants", args=[draft_meeting.slug])
    org = ParticipationFactory().organisation
    row = blank_row(new_person_name="Ana New", new_person_organisation=org.pk)
    response = secretariat_client.post(url, formset_data([row]))
    assert response.status_code == 200
    assert "Type the new person's position" in " ".join(response.context["formset"].errors[0]["new_person_position"])
    assert 'href="#id_form-0-new_person_position"' in response.content.decode()
