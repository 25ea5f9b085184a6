"""Load the 6th Board meeting as records. Idempotent: a second run changes nothing."""

import datetime as dt
import zoneinfo

from django.db import transaction
from django.utils import timezone

from core.workflow import RecordStatus
from decisions.models import ActionItem, Decision, Document, DocumentKind, WrittenProcedure
from meetings.models import AgendaItem, Meeting, Participation
from members.models import Membership, Organisation, Person, Pillar, Post, RoleHeld
from portal.demo import sixth_board_meeting as seed


def _upsert(model, lookup: dict, values: dict):
    """Create the row, or update it only where it differs, so an unchanged row gets no new history."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save()
    return obj, bool(changed)


def _add_missing(manager, objects) -> None:
    """Add to an M2M only what is missing (set() would write history even when nothing changes)."""
    present = set(manager.values_list("pk", flat=True))
    missing = [obj for obj in objects if obj.pk not in present]
    if missing:
        manager.add(*missing)


def _kind(slug: str) -> DocumentKind:
    """A document kind the migrations seeded (made again if someone removed it)."""
    kind, _ = DocumentKind.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").capitalize()})
    return kind


@transaction.atomic
def load_sixth_board_meeting() -> Meeting:
    pillars = {}
    for row in seed.PILLARS:
        pillars[row["code"]], _ = _upsert(Pillar, {"code": row["code"]}, {"name": row["name"]})

    organisations: dict[str, Organisation] = {}
    # Parents first, so that DG NEAR can point at the European Commission.
    for name, (acronym, kind, country, parent, footnote) in sorted(
        seed.ORGANISATIONS.items(), key=lambda item: item[1][3] is not None
    ):
        organisations[name], _ = _upsert(
            Organisation,
            {"name": name},
            {
                "acronym": acronym,
                "kind": kind,
                "country": country,
                "parent": organisations[parent] if parent else None,
                "designation_footnote": footnote,
            },
        )

    people: dict[str, Person] = {}
    for name, (honorific, position, organisation) in seed.PEOPLE.items():
        people[name], _ = _upsert(
            Person,
            {"name": name},
            {"honorific": honorific, "position_title": position, "organisation": organisations[organisation]},
        )

    tz = zoneinfo.ZoneInfo(seed.MEETING["time_zone"])
    day = seed.MEETING["date"]
    meeting_values = {
        key: seed.MEETING[key]
        for key in ("title", "time_zone", "all_day", "city", "country", "venue", "format", "public_summary", "status")
    }
    meeting_values["start"] = dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz).astimezone(dt.UTC)
    meeting_values["end"] = dt.datetime.combine(day, dt.time(23, 59), tzinfo=tz).astimezone(dt.UTC)
    existing = Meeting.objects.filter(kind=seed.MEETING["kind"], ordinal=seed.MEETING["ordinal"]).first()
    if existing is None or existing.published_at is None:
        meeting_values["published_at"] = timezone.now()
        meeting_values["circulated_at"] = meeting_values["published_at"]
    meeting, _ = _upsert(Meeting, {"kind": seed.MEETING["kind"], "ordinal": seed.MEETING["ordinal"]}, meeting_values)

    for order, (person, organisation, role, level) in enumerate(seed.PARTICIPATIONS, start=1):
        lookup = {
            "meeting": meeting,
            "person": people[person] if person else None,
            "organisation": organisations[organisation],
            "role": role,
        }
        values = {
            "level": level,
            "order": order,
            "position": seed.PEOPLE[person][1] if person else "",
        }
        _upsert(Participation, lookup, values)

    agenda: dict[int, AgendaItem] = {}
    for position, title, kind, presenters, presenting_organisations, notes in seed.AGENDA:
        item, _ = _upsert(
            AgendaItem, {"meeting": meeting, "position": position}, {"title": title, "kind": kind, "notes": notes}
        )
        _add_missing(item.presenters, [people[name] for name in presenters])
        _add_missing(item.presenting_organisations, [organisations[name] for name in presenting_organisations])
        agenda[position] = item

    documents: dict[str, Document] = {}
    for title, (kind, pillar_codes, period_start, period_end) in seed.DOCUMENTS.items():
        document, _ = _upsert(
            Document,
            {"title": title},
            {"kind": _kind(kind), "period_start": period_start, "period_end": period_end},
        )
        _add_missing(document.pillars, [pillars[code] for code in pillar_codes])
        documents[title] = document

    for name, category in seed.EXISTING_MEMBERSHIPS:
        _upsert(Membership, {"organisation": organisations[name], "category": category, "since": None}, {})

    new_memberships = [
        _upsert(
            Membership, {"organisation": organisations[name], "category": seed.NEW_MEMBER_CATEGORY, "since": day}, {}
        )[0]
        for name in seed.NEW_MEMBERS
    ]

    role, _ = _upsert(
        RoleHeld,
        {
            "person": people[seed.ROLE["person"]],
            "post": Post.matching(seed.ROLE["post"]) or Post.objects.create(name=seed.ROLE["post"]),
            "kind": seed.ROLE["kind"],
        },
        {"represented": organisations[seed.ROLE["represented"]], "note": seed.ROLE["note"]},
    )

    decisions: dict[int, Decision] = {}
    for sequence, agenda_position, verb, subject, wording, document_titles, members, gives_role in seed.DECISIONS:
        decision, _ = _upsert(
            Decision,
            {"meeting": meeting, "sequence": sequence},
            {
                "reference": Decision.propose_reference(meeting, sequence),
                "agenda_item": agenda[agenda_position],
                "verb": verb,
                "subject": subject,
                "wording": wording,
            },
        )
        _add_missing(decision.documents, [documents[title] for title in document_titles])
        if members:
            _add_missing(decision.memberships, new_memberships)
        if gives_role:
            _add_missing(decision.roles, [role])
        decisions[sequence] = decision

    _upsert(
        ActionItem,
        {"meeting": meeting, "decision": decisions[seed.ACTION["decision_sequence"]]},
        {"description": seed.ACTION["description"], "status": seed.ACTION["status"]},
    )
    return meeting


# A written procedure closed and published after the meeting (issue 12), for the demo walkthrough.
DEMO_PROCEDURE = {
    "reference": "WP/2022/01",
    "title": "Approval of the minutes of the 6th IISG Board meeting",
    "text": (
        "The IISG Board approves the minutes of its 6th meeting, held in Sarajevo on 20 June 2022, "
        "as circulated by the IISG Secretariat.\n\n*Demonstration record.*"
    ),
    "launched_at": dt.datetime(2022, 7, 1, 8, 0, tzinfo=dt.UTC),
    "deadline": dt.datetime(2022, 7, 15, 15, 0, tzinfo=dt.UTC),  # 17:00 in Sarajevo
}


@transaction.atomic
def load_demo_procedure() -> WrittenProcedure:
    """
    A closed, published silence procedure: the Board members of the day consulted, nobody objected,
    so it was adopted at its deadline. Idempotent, like the meeting. Loaded with the demo users
    (load_demo with DEBUG on): the recorded meeting alone is what the other demo checks compare.
    """
    data = DEMO_PROCEDURE
    consulted = list(
        Organisation.objects.filter(
            memberships__in=Membership.objects.current(data["launched_at"].date()).filter(category="board")
        ).distinct()
    )
    procedure, _ = _upsert(
        WrittenProcedure,
        {"reference": data["reference"]},
        {
            "kind": WrittenProcedure.Kind.SILENCE,
            "title": data["title"],
            "text": data["text"],
            "verb": Decision.Verb.APPROVED,
            "deadline": data["deadline"],
            "launched_at": data["launched_at"],
            "stage": WrittenProcedure.Stage.CLOSED,
            "outcome": WrittenProcedure.Outcome.ADOPTED,
            "status": RecordStatus.PUBLISHED,
            "closed_at": data["deadline"],
            "published_at": data["deadline"] + dt.timedelta(days=1),
            "tally_no_answer": len(consulted),
        },
    )
    _add_missing(procedure.consulted, consulted)
    _upsert(
        Decision,
        {"procedure": procedure},
        {
            "reference": data["reference"],
            "verb": Decision.Verb.APPROVED,
            "subject": data["title"],
            "wording": data["text"],
        },
    )
    return procedure
