"""
A meeting's record as structured data, attached as JSON inside its PDF (PDF/A-3 "Data"), so that
the file alone can be archived and read by machines years later.

Built from the same context as the page and the PDF (`portal.views._record`), so it holds exactly
what the reader of that PDF may see: the public record for the public, the minutes for Board members.
"""

from django.utils import timezone

from core.links import web_url
from members.models import KOSOVO_FOOTNOTE

SCHEMA = "https://iisg.example/schemas/meeting-record/1"


def _organisation(organisation) -> dict | None:
    if organisation is None:
        return None
    data = {"name": organisation.display_name, "acronym": organisation.acronym}
    if organisation.designation_footnote:
        data["footnote"] = str(KOSOVO_FOOTNOTE)
    return data


def _person(person) -> dict | None:
    if person is None:
        return None
    return {"name": person.full_name}


def _holder(record) -> dict | None:
    """An organisation or a person, whichever the record names (a proposer, a holder)."""
    organisation = getattr(record, "organisation", None)
    return _organisation(organisation) if organisation is not None else _person(getattr(record, "person", None))


def _proposer(record) -> dict | None:
    if record.proposed_by_organisation_id:
        return _organisation(record.proposed_by_organisation)
    if record.proposed_by_person_id:
        return _person(record.proposed_by_person)
    return None


def _local(value, meeting):
    return value.astimezone(meeting.tz).isoformat() if value else None


def record_data(context: dict, *, url: str) -> dict:
    meeting = context["meeting"]
    full = context["full_record"]
    data = {
        "schema": SCHEMA,
        "record": "minutes" if full else "public record",
        "url": url,
        "generated_at": timezone.now().isoformat(),
        "meeting": {
            "title": meeting.title,
            "kind": meeting.get_kind_display(),
            "number": meeting.ordinal,
            "pillar": meeting.pillar.code if meeting.pillar_id else None,
            "status": meeting.get_status_display(),
            "start": _local(meeting.start, meeting),
            "end": _local(meeting.end, meeting),
            "time_zone": meeting.time_zone,
            "times_announced": not meeting.all_day,
            "city": meeting.city,
            "country": meeting.country,
            "venue": meeting.venue,
            "format": meeting.get_format_display(),
            "dates_known_to": meeting.get_date_precision_display(),
            "schedule": meeting.get_schedule_status_display(),
            "new_date_to_be_announced": meeting.new_date_pending,
            "cancellation_reason": meeting.cancellation_reason or None,
            "occasion": (
                {
                    "relation": meeting.get_occasion_relation_display(),
                    "name": meeting.occasion.name,
                    "place": meeting.occasion.place,
                    "url": web_url(meeting.occasion.url) or None,
                    "first_day": meeting.occasion.start_date,
                    "last_day": meeting.occasion.end_date,
                }
                if meeting.occasion_id
                else None
            ),
            "participants_in_person": meeting.participants_in_person,
            "participants_online": meeting.participants_online,
            "public_summary": meeting.public_summary,
            "circulated_at": meeting.circulated_at.isoformat() if meeting.circulated_at else None,
            # The day the record says it was published (Meeting.published_on), not when it was entered.
            "published_on": meeting.published_on.isoformat() if meeting.published_on else None,
        },
        "participants": [
            {
                "organisation": _organisation(participation.organisation),
                "person": _person(participation.person),
                "position": participation.position,
                "role": participation.get_role_display(),
                "level": participation.get_level_display(),
                **({"attendance": participation.get_attendance_display()} if full else {}),
            }
            for participation in context["participations"]
            # The public record names delegations by organisation only: no delegate's name.
            if full or participation.person is not None or participation.organisation is not None
        ],
        "decisions": [
            {
                "reference": decision.reference,
                "verb": decision.get_verb_display(),
                "subject": decision.subject,
                "wording": decision.wording,
                "proposed_by": _proposer(decision),
                "concerns": [_organisation(o) for o in decision.concerned_organisations]
                + [_person(p) for p in decision.concerned_people],
                "effective_from": decision.effective_from,
                "documents": [document.title for document in decision.visible_documents],
                # Those the reader may not see, counted as the PDF says it ("1 document for Board members only").
                "documents_for_members_only": getattr(decision, "members_only_documents", 0),
                "memberships": [
                    {
                        "organisation": _organisation(membership.organisation),
                        "category": membership.get_category_display(),
                        "since": membership.since,
                    }
                    for membership in decision.visible_memberships
                ],
                "roles": [
                    {
                        "post": role.post.name,
                        "holder": _holder(role),
                        "pillar": role.pillar.code if role.pillar_id else None,
                        "kind": role.get_kind_display(),
                        "from": role.start_display,
                        "until": role.end_display,
                    }
                    for role in decision.visible_roles
                ],
            }
            for decision in context["decisions"]
        ],
        "reschedules": [
            {"previous_start": _local(r.previous_start, meeting), "reason": r.reason} for r in context["reschedules"]
        ],
        "corrections": [
            {"kind": c.get_kind_display(), "reason": c.reason, "made_at": c.created_at.isoformat()}
            for c in context["corrections"]
        ],
    }
    if full:
        data["meeting"]["minutes"] = meeting.minutes
        data["agenda"] = [
            {
                "position": item.position,
                "title": item.title,
                "kind": item.get_kind_display(),
                "presenters": [person.full_name for person in item.visible_presenters]
                + [organisation.display_name for organisation in item.visible_presenting_organisations],
                "notes": item.notes,
            }
            for item in context["agenda_items"]
        ]
        data["actions"] = [
            {
                "description": action.description,
                "owner": str(action.owner) if action.owner else None,
                "due": action.due_date,
                "status": action.get_status_display(),
                "decision": action.decision.reference if action.decision_id else None,
            }
            for action in context["action_items"]
        ]
    if any(
        (p.organisation is not None and p.organisation.designation_footnote) for p in context["participations"]
    ) or any(
        organisation.designation_footnote
        for decision in context["decisions"]
        for organisation in [m.organisation for m in decision.visible_memberships] + decision.concerned_organisations
    ):
        data["footnotes"] = [str(KOSOVO_FOOTNOTE)]
    return data
