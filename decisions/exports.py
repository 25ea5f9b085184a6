"""
The decision register as CSV and JSON: the filtered set, as the user may see it. Every text is
cleaned of control characters (rows saved before the input refused them may hold some): one-line
values lose their line breaks, the wording keeps its own.

The Kosovo* designation footnote travels with the data, as it does on the pages:
- JSON: every organisation is an object whose `footnote` is the footnote's text when its name carries
  the designation (null otherwise), beside its `name`; and the top-level `footnotes` lists the footnote
  once whenever any text of the export (a name, a subject, a wording) prints "Kosovo*" (empty otherwise).
- CSV: names are printed as on the pages ("OSCE Mission in Kosovo*"); when any cell prints "Kosovo*",
  the footnote is added as a last row, on its own (a note row, after the data).
"""

import csv
import io
import json

from django.http import HttpResponse
from django.utils import timezone

from core.text import multi_line, one_line
from members.models import DESIGNATED_NAME, KOSOVO_FOOTNOTE

COLUMNS = [
    "reference",
    "meeting",
    "meeting_date",
    "meeting_url",
    "procedure",
    "procedure_closed_on",
    "procedure_url",
    "verb",
    "verb_label",
    "subject",
    "wording",
    "proposed_by",
    "concerns",
    "effective_from",
    "documents",
    "memberships",
    "roles",
    "url",
    "draft",
]


def _date(value) -> str | None:
    return value.isoformat() if value else None


def organisation_data(organisation, build_url) -> dict | None:
    """An organisation as the exports give it: its name as printed, its page, and its designation footnote."""
    if organisation is None:
        return None
    return {
        "name": organisation.display_name,
        "url": build_url(organisation.get_absolute_url()),
        "footnote": str(KOSOVO_FOOTNOTE) if organisation.designation_footnote else None,
    }


def person_data(person, build_url) -> dict | None:
    if person is None:
        return None
    return {"name": person.full_name, "url": build_url(person.get_absolute_url())}


def role_data(role, build_url) -> dict:
    return {
        "post": role.post.name,
        "holder_type": "person" if role.person_id else "organisation",
        "holder": person_data(role.person, build_url)
        if role.person_id
        else organisation_data(role.organisation, build_url),
        "represented": organisation_data(role.represented, build_url),
        "pillar": role.pillar.code if role.pillar_id else None,
        "kind": str(role.get_kind_display()),
        "start": _date(role.start),
        "start_precision": role.start_precision if role.start else None,
        "end": _date(role.end),
        "end_precision": role.end_precision if role.end else None,
        "term": role.term,
    }


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
    # Taken at a meeting, or by written procedure (its procedure is selected with it: with_acted_on).
    meeting, procedure = decision.meeting, decision.procedure if decision.procedure_id else None
    return {
        "reference": decision.reference,
        "meeting": meeting.title if meeting else None,
        "meeting_date": meeting.local_start.date().isoformat() if meeting else None,
        "meeting_url": build_url(meeting.get_absolute_url()) if meeting else None,
        "procedure": procedure.reference if procedure else None,
        "procedure_closed_on": _date(timezone.localtime(procedure.closed_at).date()) if procedure else None,
        "procedure_url": build_url(procedure.get_absolute_url()) if procedure else None,
        "verb": decision.verb,
        "verb_label": str(decision.get_verb_display()),
        "subject": decision.subject,
        "wording": decision.wording,
        "proposed_by_organisation": organisation_data(decision.proposed_by_organisation, build_url),
        "proposed_by_person": person_data(decision.proposed_by_person, build_url),
        "concerns_organisations": [organisation_data(o, build_url) for o in decision.concerned_organisations],
        "concerns_people": [person_data(p, build_url) for p in decision.concerned_people],
        "effective_from": _date(decision.effective_from),
        "documents": [
            {"title": document.title, "kind": document.kind.name, "url": build_url(document.get_absolute_url())}
            for document in decision.visible_documents
        ],
        "memberships": [
            {
                "organisation": organisation_data(membership.organisation, build_url),
                "category": str(membership.get_category_display()),
                "since": _date(membership.since),
                "until": _date(membership.until),
            }
            for membership in decision.visible_memberships
        ],
        "roles": [role_data(role, build_url) for role in decision.visible_roles],
        "url": build_url(decision.get_absolute_url()),
        "draft": (procedure or meeting).is_draft,
    }


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with = + - @ as a formula: keep it text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _names(items) -> list[str]:
    return [item["name"] for item in items if item]


def _role_text(role: dict) -> str:
    """ "Mr Agron Sojati, Head of the IISG Secretariat (Extension of mandate, term not on record)"."""
    post = f"{role['post']} ({role['pillar']})" if role["pillar"] else role["post"]
    return f"{role['holder']['name']}, {post} ({role['kind']}, {role['term']})"


def _flat(row: dict) -> dict[str, str]:
    proposer = row["proposed_by_organisation"] or row["proposed_by_person"]
    flat = dict(row)
    flat["proposed_by"] = proposer["name"] if proposer else ""
    flat["concerns"] = "; ".join(_names(row["concerns_organisations"]) + _names(row["concerns_people"]))
    flat["effective_from"] = row["effective_from"] or ""
    flat["documents"] = "; ".join(f"{d['title']} ({d['kind']})" for d in row["documents"])
    flat["memberships"] = "; ".join(f"{m['organisation']['name']} ({m['category']})" for m in row["memberships"])
    flat["roles"] = "; ".join(_role_text(role) for role in row["roles"])
    flat["draft"] = "yes" if row["draft"] else "no"
    return {column: _cell(flat[column]) for column in COLUMNS}


def csv_response(rows: list[dict], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    designated = False
    for row in rows:
        cells = _flat(row)
        designated = designated or any(DESIGNATED_NAME in cell for cell in cells.values())
        writer.writerow(cells[column] for column in COLUMNS)
    if designated:
        # The note row: the designation footnote, once, after the data.
        writer.writerow([_cell(KOSOVO_FOOTNOTE)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def json_response(rows: list[dict], filename: str) -> HttpResponse:
    rows_text = json.dumps(rows, ensure_ascii=False)
    footnotes = [{"marker": DESIGNATED_NAME, "text": str(KOSOVO_FOOTNOTE)}] if DESIGNATED_NAME in rows_text else []
    body = json.dumps({"count": len(rows), "decisions": rows, "footnotes": footnotes}, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
