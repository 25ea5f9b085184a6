"""
Done when: a Secretariat user records the 6th Board meeting entirely in the browser (client POSTs to
the editing pages; no admin, no load_demo), circulates and publishes it, and the records are what
the demo loader creates. The loader is run only at the end, as the oracle: it must find nothing to
add or change.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from decisions.models import ActionItem, Decision, Document
from meetings.models import AgendaItem, Meeting, Participation
from members.models import Membership, Organisation, Person, Pillar, Post, RoleHeld
from portal.demo import sixth_board_meeting as seed

pytestmark = pytest.mark.django_db

HISTORY_MODELS = [Pillar, Organisation, Person, Membership, RoleHeld, Meeting, Participation, AgendaItem]
HISTORY_MODELS += [Document, Decision, ActionItem]


def post_ok(client, url, data, *, follow_to=None):
    response = client.post(url, data)
    if response.status_code != 302:
        form = response.context.get("form") if response.context else None
        errors = form.errors if form is not None else None
        formset = response.context.get("formset") if response.context else None
        formset_errors = formset.errors if formset is not None else None
        raise AssertionError(f"{url}: {response.status_code} {errors} {formset_errors}")
    return response


def proposed_reference(client, url):
    return client.get(url).context["form"].initial["reference"]


def record_registers(client):
    """What existed before the meeting: pillars, organisations, memberships, the Head of Secretariat."""
    for row in seed.PILLARS:
        post_ok(client, reverse("members-edit:pillar-create"), {"code": row["code"], "name": row["name"]})
    # Parents first: DG NEAR and DG HOME are part of the European Commission.
    ordered = sorted(
        (item for item in seed.ORGANISATIONS.items() if item[0] not in seed.NEW_MEMBERS),
        key=lambda item: item[1][3] is not None,
    )
    for name, (acronym, kind, country, parent, footnote) in ordered:
        data = {"name": name, "acronym": acronym, "kind": kind, "country": country}
        if parent:
            data["parent"] = Organisation.objects.get(name=parent).pk
        if footnote:
            data["designation_footnote"] = "on"
        post_ok(client, reverse("members-edit:organisation-create"), data)
    for name, category in seed.EXISTING_MEMBERSHIPS:
        organisation = Organisation.objects.get(name=name)
        post_ok(
            client,
            reverse("members-edit:membership-create", args=[organisation.slug]),
            {"category": category, "since": "", "until": "", "note": ""},
        )
    honorific, position, organisation = seed.PEOPLE["Agron Sojati"]
    post_ok(
        client,
        reverse("members-edit:person-create"),
        {
            "honorific": honorific,
            "name": "Agron Sojati",
            "position_title": position,
            "organisation": Organisation.objects.get(name=organisation).pk,
        },
    )


def record_meeting(client) -> Meeting:
    response = post_ok(
        client,
        reverse("meetings-edit:meeting-create"),
        {
            "kind": seed.MEETING["kind"],
            "ordinal": seed.MEETING["ordinal"],
            "title": seed.MEETING["title"],
            "start": "2022-06-20T00:00",
            "end": "2022-06-20T23:59",
            "time_zone": seed.MEETING["time_zone"],
            "all_day": "on",
            "city": seed.MEETING["city"],
            "country": seed.MEETING["country"],
            "venue": seed.MEETING["venue"],
            "format": seed.MEETING["format"],
            "chair": "",
            "public_summary": seed.MEETING["public_summary"],
            "minutes": "",
        },
    )
    meeting = Meeting.objects.get(kind="board", ordinal=6)
    assert response.url == reverse("meetings-edit:participants", args=[meeting.slug])
    return meeting


def record_participants(client, meeting):
    rows = []
    for person, organisation, role, level in seed.PARTICIPATIONS:
        row = {"role": role, "level": level, "attendance": "", "position": "", "order": ""}
        if person and not Person.objects.filter(name=person).exists():
            honorific, position, person_organisation = seed.PEOPLE[person]
            # Created on the spot, in the participants form.
            row |= {
                "new_person_honorific": honorific,
                "new_person_name": person,
                "new_person_position": position,
                "new_person_organisation": Organisation.objects.get(name=person_organisation).pk,
                "organisation": "",
            }
        else:
            row["organisation"] = Organisation.objects.get(name=organisation).pk
        rows.append(row)
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0"}
    data["form-MAX_NUM_FORMS"] = "1000"
    for index, row in enumerate(rows):
        data |= {f"form-{index}-{key}": value for key, value in row.items()}
    post_ok(client, reverse("meetings-edit:participants", args=[meeting.slug]), data)


def record_agenda(client, meeting):
    for position, title, kind, presenters, organisations, notes in seed.AGENDA:
        post_ok(
            client,
            reverse("meetings-edit:agenda-item-create", args=[meeting.slug]),
            {
                "position": position,
                "title": title,
                "kind": kind,
                "presenters": [Person.objects.get(name=name).pk for name in presenters],
                "presenting_organisations": [Organisation.objects.get(name=name).pk for name in organisations],
                "notes": notes,
            },
        )


def decision_fields(client, url, meeting, agenda_position, verb, subject, wording):
    return {
        "existing_decision": "",
        "agenda_item": meeting.agenda_items.get(position=agenda_position).pk,
        "reference": proposed_reference(client, url),
        "verb": verb,
        "subject": subject,
        "wording": wording,
    }


def record_decisions(client, meeting):
    slug = meeting.slug
    for _sequence, agenda_position, verb, subject, wording, documents, members, gives_role in seed.DECISIONS:
        if documents:
            url = reverse("decisions-edit:approve-documents", args=[slug])
            (title,) = documents
            kind, pillar_codes, period_start, period_end = seed.DOCUMENTS[title]
            data = decision_fields(client, url, meeting, agenda_position, verb, subject, wording) | {
                "new_title": title,
                "new_kind": kind,
                "new_pillars": [Pillar.objects.get(code=code).pk for code in pillar_codes],
                "new_period_start": period_start or "",
                "new_period_end": period_end or "",
            }
        elif members:
            url = reverse("decisions-edit:admit-members", args=[slug])
            data = decision_fields(client, url, meeting, agenda_position, verb, subject, wording)
            data |= {"category": seed.NEW_MEMBER_CATEGORY, "since": ""}
            data |= {"new-TOTAL_FORMS": "3", "new-INITIAL_FORMS": "0", "new-MIN_NUM_FORMS": "0"}
            data["new-MAX_NUM_FORMS"] = "20"
            for index, name in enumerate(members):
                acronym, kind, country, _parent, footnote = seed.ORGANISATIONS[name]
                data |= {
                    f"new-{index}-name": name,
                    f"new-{index}-acronym": acronym,
                    f"new-{index}-kind": kind,
                    f"new-{index}-country": country,
                }
                if footnote:
                    data[f"new-{index}-designation_footnote"] = "on"
        elif gives_role:
            url = reverse("decisions-edit:appoint", args=[slug])
            data = decision_fields(client, url, meeting, agenda_position, verb, subject, wording) | {
                "person": Person.objects.get(name=seed.ROLE["person"]).pk,
                "kind": seed.ROLE["kind"],
                "post": Post.objects.get(name=seed.ROLE["post"]).pk,
                "represented": Organisation.objects.get(name=seed.ROLE["represented"]).pk,
                "start": "",
                "start_precision": "day",
                "end": "",
                "end_precision": "day",
                "note": seed.ROLE["note"],
            }
        else:
            url = reverse("decisions-edit:agree-action", args=[slug])
            data = decision_fields(client, url, meeting, agenda_position, verb, subject, wording) | {
                "description": seed.ACTION["description"],
                "owner_organisation": "",
                "owner_person": "",
                "due_date": "",
            }
        post_ok(client, url, data)


def history_count() -> int:
    return sum(model.history.count() for model in HISTORY_MODELS)


def test_secretariat_records_the_sixth_board_meeting_in_the_browser(
    secretariat_client, board_member, django_capture_on_commit_callbacks, mailoutbox
):
    client = secretariat_client
    record_registers(client)
    meeting = record_meeting(client)
    record_participants(client, meeting)
    record_agenda(client, meeting)
    record_decisions(client, meeting)

    with django_capture_on_commit_callbacks(execute=True):
        post_ok(
            client,
            reverse("meetings-edit:circulate", args=[meeting.slug]),
            {"confirm": "1", "override_reason": "A test record."},
        )
    assert [message.to for message in mailoutbox] == [[board_member.email]]
    with django_capture_on_commit_callbacks(execute=True):
        post_ok(
            client,
            reverse("meetings-edit:publish", args=[meeting.slug]),
            {"confirm": "1", "override_reason": "A test record."},
        )
    assert len(mailoutbox) == 2
    assert "published" in mailoutbox[1].subject.lower()

    meeting.refresh_from_db()
    # The meeting's facts.
    assert meeting.slug == "6th-board-meeting-2022"
    assert meeting.status == Meeting.Status.PUBLISHED
    assert meeting.published_at
    assert meeting.circulated_at
    assert meeting.local_start.date() == dt.date(2022, 6, 20)
    assert meeting.all_day
    assert (meeting.city, meeting.country, meeting.format) == ("Sarajevo", "Bosnia and Herzegovina", "hybrid")
    assert meeting.chair.person.name == "Maciej Popowski"
    assert meeting.chair.position == "Acting Director-General"
    assert meeting.chair.organisation.acronym == "DG NEAR"
    # Participants in the order of the page, positions at the time.
    rows = [
        (p.person.name if p.person else None, p.organisation.name, p.role, p.level, p.order, p.position)
        for p in meeting.participations.select_related("person", "organisation")
    ]
    expected = [
        (person, organisation, role, level, order, seed.PEOPLE[person][1] if person else "")
        for order, (person, organisation, role, level) in enumerate(seed.PARTICIPATIONS, start=1)
    ]
    assert rows == expected
    # The agenda.
    assert [(item.position, item.title, item.kind) for item in meeting.agenda_items.all()] == [
        (position, title, kind) for position, title, kind, *_rest in seed.AGENDA
    ]
    assert {p.name for p in meeting.agenda_items.get(position=1).presenters.all()} == {
        "Maciej Popowski",
        "Olivier Onidi",
        "Tanja Miscevic",
    }
    # Every decision, with its reference and effect.
    decisions = list(meeting.decisions.order_by("sequence"))
    assert [d.reference for d in decisions] == [f"B6/2022/{n:02d}" for n in range(1, 10)]
    assert [(d.verb, d.subject, d.wording) for d in decisions] == [
        (verb, subject, wording) for _seq, _agenda, verb, subject, wording, *_rest in seed.DECISIONS
    ]
    for decision, (*_head, documents, _members, _appoints) in zip(decisions, seed.DECISIONS, strict=True):
        assert sorted(d.title for d in decision.documents.all()) == sorted(documents)
    needs_mapping = Document.objects.get(title__startswith="IISG needs mapping")
    assert needs_mapping.period == "2021–2022"
    assert {p.code for p in needs_mapping.pillars.all()} == {"WBCTi", "WBCSCi", "WBBSi"}
    new_members = Membership.objects.filter(since=dt.date(2022, 6, 20))
    assert {str(m.organisation) for m in new_members} == {
        "Regional Anti-Corruption Initiative",
        "Bulgaria",
        "OSCE Mission in Kosovo*",
    }
    assert all(m.category == "support_group" for m in new_members)
    assert set(decisions[6].memberships.all()) == set(new_members)
    (role,) = decisions[7].roles.all()
    assert (role.person.name, role.post.name, role.represented.name, role.kind) == (
        "Agron Sojati",
        "Head of the IISG Secretariat",
        "IISG Secretariat",
        "extension",
    )
    (action,) = meeting.action_items.all()
    assert action.decision == decisions[8]
    assert action.description == seed.ACTION["description"]

    # The oracle: the demo loader finds every record as it would make it, and changes nothing.
    counts = {model: model.objects.count() for model in HISTORY_MODELS}
    before = history_count()
    call_command("load_demo", stdout=StringIO())
    assert {model: model.objects.count() for model in HISTORY_MODELS} == counts
    assert history_count() == before

    # The public and board-member pages show it.
    client.logout()
    public = client.get(meeting.get_absolute_url()).content.decode()
    for text in ("Sarajevo", "Maciej Popowski", "B6/2022/07", "Presentation of IISG outputs"):
        assert text in public
    client.force_login(board_member)
    minutes = client.get(meeting.get_absolute_url()).content.decode()
    assert "Future engagement of the IISG platform" in minutes
