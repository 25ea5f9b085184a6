"""
A meeting's record as structured data, attached as JSON inside its PDF (PDF/A-3 "Data"), so that
the file alone can be archived and read by machines years later.

Built from the same context as the page and the PDF (`portal.views._record`), so it holds exactly
what the reader of that PDF may see: the public record for the public, the minutes for Board members.
"""

from django.utils import timezone

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
            "public_summary": meeting.public_summary,
            "circulated_at": meeting.circulated_at.isoformat() if meeting.circulated_at else None,
            "published_at": meeting.published_at.isoformat() if meeting.published_at else None,
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
                "documents": [document.title for document in decision.visible_documents],
                "memberships": [
                    {
                        "organisation": _organisation(membership.organisation),
                        "category": membership.get_category_display(),
                        "since": membership.since,
                    }
                    for membership in decision.visible_memberships
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
    ) or any(m.organisation.designation_footnote for d in context["decisions"] for m in d.visible_memberships):
        data["footnotes"] = [str(KOSOVO_FOOTNOTE)]
    return data
