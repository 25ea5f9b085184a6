"""
The decision register as CSV and JSON: the filtered set, as the user may see it. Every text is
cleaned of control characters (rows saved before the input refused them may hold some): one-line
values lose their line breaks, the wording keeps its own.
"""

import csv
import io
import json

from django.http import HttpResponse

from core.text import multi_line, one_line

COLUMNS = [
    "reference",
    "meeting",
    "meeting_date",
    "meeting_url",
    "verb",
    "verb_label",
    "subject",
    "wording",
    "documents",
    "memberships",
    "appointments",
    "url",
    "draft",
]


# The values that are texts of several lines; every other text is one line.
MULTI_LINE = {"wording"}


def _clean(value, multiline: bool = False):
    if isinstance(value, str):
        return multi_line(value) if multiline else one_line(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item, key in MULTI_LINE) for key, item in value.items()}
    return value


def decision_row(decision, build_url) -> dict:
    """One decision as plain data; `decision` comes from Decision.objects.visible_to(user).with_acted_on(user)."""
    return _clean(_decision_data(decision, build_url))


def _decision_data(decision, build_url) -> dict:
    meeting = decision.meeting
    return {
        "reference": decision.reference,
        "meeting": meeting.title,
        "meeting_date": meeting.local_start.date().isoformat(),
        "meeting_url": build_url(meeting.get_absolute_url()),
        "verb": decision.verb,
        "verb_label": str(decision.get_verb_display()),
        "subject": decision.subject,
        "wording": decision.wording,
        "documents": [document.title for document in decision.visible_documents],
        "memberships": [
            {
                "organisation": membership.organisation.display_name,
                "category": str(membership.get_category_display()),
                "since": membership.since.isoformat() if membership.since else None,
                "until": membership.until.isoformat() if membership.until else None,
            }
            for membership in decision.visible_memberships
        ],
        "appointments": [
            {
                "person": appointment.person.full_name,
                "post": appointment.post,
                "kind": str(appointment.get_kind_display()),
                "start": appointment.start.isoformat() if appointment.start else None,
                "end": appointment.end.isoformat() if appointment.end else None,
            }
            for appointment in decision.visible_appointments
        ],
        "url": build_url(decision.get_absolute_url()),
        "draft": meeting.is_draft,
    }


def _cell(value) -> str:
    text = str(value)
    # A spreadsheet would run a cell starting with = + - @ as a formula: keep it text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _flat(row: dict) -> list[str]:
    flat = dict(row)
    flat["documents"] = "; ".join(row["documents"])
    flat["memberships"] = "; ".join(f"{m['organisation']} ({m['category']})" for m in row["memberships"])
    flat["appointments"] = "; ".join(f"{a['person']}, {a['post']} ({a['kind']})" for a in row["appointments"])
    flat["draft"] = "yes" if row["draft"] else "no"
    return [_cell(flat[column]) for column in COLUMNS]


def csv_response(rows: list[dict], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(_flat(row) for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def json_response(rows: list[dict], filename: str) -> HttpResponse:
    body = json.dumps({"count": len(rows), "decisions": rows}, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
