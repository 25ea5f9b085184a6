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

Both stream (StreamingHttpResponse), in constant memory: the rows are read in chunks
(`QuerySet.iterator(chunk_size=CHUNK)`, each chunk with its prefetches), written as they come, and
what repeats from row to row is worked out once per value (`Exporter`): a verb's label once per
language, a meeting's, organisation's or person's data once per export, a decision's URL by
filling in one reversed URL. The JSON gives `decisions` first, then `count` and `footnotes`
(known once every row is written).
"""

import csv
import functools
import itertools
import json
from urllib.parse import quote

from django.db import connections
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from core.text import multi_line, one_line
from members.models import DESIGNATED_NAME, KOSOVO_FOOTNOTE

# Rows read per query (with their prefetches), and written per piece of the response.
CHUNK = 1000

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
    return Exporter(build_url).row(decision)


@functools.cache
def _verb_labels(language: str | None) -> dict[str, str]:
    """The verbs' labels in `language` (the active one when called): translated once, not per row."""
    from decisions.models import Decision

    return {value: str(label) for value, label in Decision.Verb.choices}


NO_MEETING = {"meeting": None, "meeting_date": None, "meeting_url": None, "draft": False}
NO_PROCEDURE = {"procedure": None, "procedure_closed_on": None, "procedure_url": None, "draft": False}


class Exporter:
    """
    Decisions as plain data, with what repeats worked out once per value: a meeting's, an
    organisation's or a person's data (cleaned) per export, a verb's label per language, and the
    decisions' URLs from one reversed URL.
    """

    def __init__(self, build_url):
        self.build_url = build_url
        self.verb_labels = _verb_labels(get_language())
        marker = "__reference__"
        self.decision_url = build_url(reverse("decisions:decision-detail", args=[marker])).split(marker)
        self._meetings: dict[int, dict] = {}
        self._organisations: dict[int, dict] = {}
        self._people: dict[int, dict] = {}
        self._documents: dict[int, dict] = {}
        self._procedures: dict[int, dict] = {}

    def _once(self, cache: dict, record, make):
        if record is None:
            return None
        data = cache.get(record.pk)
        if data is None:
            data = cache[record.pk] = _clean(make(record, self.build_url))
        return data

    def organisation(self, organisation) -> dict | None:
        return self._once(self._organisations, organisation, organisation_data)

    def person(self, person) -> dict | None:
        return self._once(self._people, person, person_data)

    def meeting(self, meeting) -> dict:
        return self._once(
            self._meetings,
            meeting,
            lambda m, build_url: {
                "meeting": m.title,
                "meeting_date": m.local_start.date().isoformat(),
                "meeting_url": build_url(m.get_absolute_url()),
                "draft": m.is_draft,
            },
        )

    def document(self, document) -> dict:
        return self._once(
            self._documents,
            document,
            lambda d, build_url: {"title": d.title, "kind": d.kind.name, "url": build_url(d.get_absolute_url())},
        )

    def url(self, decision) -> str:
        # As reverse() quotes an argument of a URL.
        return quote(decision.reference, safe="!$&'()*+,;=/~:@").join(self.decision_url)

    def procedure(self, procedure) -> dict:
        return self._once(
            self._procedures,
            procedure,
            lambda p, build_url: {
                "procedure": p.reference,
                "procedure_closed_on": _date(timezone.localtime(p.closed_at).date()) if p.closed_at else None,
                "procedure_url": build_url(p.get_absolute_url()),
                "draft": p.is_draft,
            },
        )

    def row(self, decision) -> dict:
        # Taken at a meeting, or by written procedure (its procedure is selected with it: with_acted_on).
        meeting = self.meeting(decision.meeting) if decision.meeting_id else NO_MEETING
        procedure = self.procedure(decision.procedure) if decision.procedure_id else NO_PROCEDURE
        return {
            "reference": one_line(decision.reference),
            "meeting": meeting["meeting"],
            "meeting_date": meeting["meeting_date"],
            "meeting_url": meeting["meeting_url"],
            "procedure": procedure["procedure"],
            "procedure_closed_on": procedure["procedure_closed_on"],
            "procedure_url": procedure["procedure_url"],
            "verb": decision.verb,
            "verb_label": self.verb_labels.get(decision.verb, decision.verb),
            "subject": one_line(decision.subject),
            "wording": multi_line(decision.wording),
            "proposed_by_organisation": self.organisation(decision.proposed_by_organisation),
            "proposed_by_person": self.person(decision.proposed_by_person),
            "concerns_organisations": [self.organisation(o) for o in decision.concerned_organisations],
            "concerns_people": [self.person(p) for p in decision.concerned_people],
            "effective_from": _date(decision.effective_from),
            "documents": [self.document(document) for document in decision.visible_documents],
            "memberships": [
                _clean(
                    {
                        "organisation": self.organisation(membership.organisation),
                        "category": str(membership.get_category_display()),
                        "since": _date(membership.since),
                        "until": _date(membership.until),
                    }
                )
                for membership in decision.visible_memberships
            ],
            "roles": [_clean(role_data(role, self.build_url)) for role in decision.visible_roles],
            "url": self.url(decision),
            "draft": procedure["draft"] if decision.procedure_id else meeting["draft"],
        }

    def rows(self, decisions, user):
        """
        The rows of a QuerySet of decisions (visible_to(user), in the register's order), read in
        chunks of CHUNK. What each decision acted on and names is read per chunk from the link
        tables, and each record it links to is read once per export, as `user` may see it (the
        rules of DecisionQuerySet.with_acted_on(), which prefetching per chunk would rebuild and
        recompile for every chunk).
        """
        linked = _Linked(user)
        rows = decisions.prefetch_related(None).select_related("proposed_by_organisation", "proposed_by_person")
        iterator = rows.iterator(chunk_size=CHUNK)
        while chunk := list(itertools.islice(iterator, CHUNK)):
            linked.attach(chunk)
            for decision in chunk:
                yield self.row(decision)


def _among(queryset, column: str, ids: list[int]):
    """Rows whose `column` is one of `ids`: on PostgreSQL one array parameter (Django's IN prepares each value)."""
    if connections[queryset.db].vendor == "postgresql":
        table = connections[queryset.db].ops.quote_name(queryset.model._meta.db_table)
        column = connections[queryset.db].ops.quote_name(column)
        return queryset.extra(where=[f"{table}.{column} = ANY(%s)"], params=[ids])
    return queryset.filter(**{f"{column}__in": ids})


class _Linked:
    """What decisions link to, as DecisionQuerySet.with_acted_on() gives it, read per chunk of decisions."""

    def __init__(self, user):
        from decisions.models import Document
        from meetings.models import Meeting
        from members.models import Membership, Organisation, Person, RoleHeld

        self.meetings = Meeting.objects.visible_to(user)
        # (attribute set on each decision, its many-to-many field, the linked rows as the user may see them)
        self.relations = [
            ("visible_documents", "documents", Document.objects.visible_to(user).select_related("kind"), ["title"]),
            ("visible_memberships", "memberships", Membership.objects.visible_to(user).select_related("organisation")),
            ("visible_roles", "roles", RoleHeld.objects.visible_to(user).with_people()),
            ("concerned_organisations", "concerns_organisations", Organisation.objects.all(), ["name"]),
            ("concerned_people", "concerns_people", Person.objects.select_related("organisation")),
        ]
        self.records: dict[type, dict[int, object]] = {}

    def _records(self, queryset, pks) -> dict[int, object]:
        """The rows of `queryset` with these `pks` (None for those it does not give), read once per export."""
        known = self.records.setdefault(queryset.model, {})
        missing = [pk for pk in pks if pk not in known]
        if missing:
            for start in range(0, len(missing), CHUNK):
                part = missing[start : start + CHUNK]
                found = {record.pk: record for record in queryset.filter(pk__in=part)}
                known.update((pk, found.get(pk)) for pk in part)
        return known

    def attach(self, decisions) -> None:
        from decisions.models import Decision

        meetings = self._records(self.meetings, {decision.meeting_id for decision in decisions})
        for decision in decisions:
            decision.meeting = meetings[decision.meeting_id]
        ids = [decision.pk for decision in decisions]
        for attribute, name, queryset, *ordering in self.relations:
            field = Decision._meta.get_field(name)
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            order = ordering[0] if ordering else (queryset.model._meta.ordering or ["pk"])
            through = field.remote_field.through
            links = list(
                _among(through.objects.all(), through._meta.get_field(source).column, ids)
                .order_by(*(f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}" for o in order), "pk")
                .values_list(f"{source}_id", f"{target}_id")
            )
            records = self._records(queryset, {pk for _decision, pk in links})
            by_decision: dict[int, list] = {}
            for decision_id, pk in links:
                if records[pk] is not None:
                    by_decision.setdefault(decision_id, []).append(records[pk])
            for decision in decisions:
                setattr(decision, attribute, by_decision.get(decision.pk, []))


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


class _Lines:
    """A file for csv.writer that keeps what is written until taken (a piece of the streamed response)."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


def _csv_pieces(rows):
    lines = _Lines()
    writer = csv.writer(lines)
    writer.writerow(COLUMNS)
    designated = False
    for number, row in enumerate(rows, start=1):
        cells = _flat(row)
        designated = designated or any(DESIGNATED_NAME in cell for cell in cells.values())
        writer.writerow(cells[column] for column in COLUMNS)
        if number % CHUNK == 0:
            yield lines.take()
    if designated:
        # The note row: the designation footnote, once, after the data.
        writer.writerow([_cell(KOSOVO_FOOTNOTE)])
    yield lines.take()


def _json_pieces(rows):
    yield '{\n  "decisions": ['
    count = 0
    designated = False
    pieces: list[str] = []
    for row in rows:
        text = json.dumps(row, ensure_ascii=False)
        designated = designated or DESIGNATED_NAME in text
        pieces.append(("\n    " if count == 0 else ",\n    ") + text)
        count += 1
        if count % CHUNK == 0:
            yield "".join(pieces)
            pieces.clear()
    footnotes = [{"marker": DESIGNATED_NAME, "text": str(KOSOVO_FOOTNOTE)}] if designated else []
    pieces.append(f'\n  ],\n  "count": {count},\n  "footnotes": {json.dumps(footnotes, ensure_ascii=False)}\n}}\n')
    yield "".join(pieces)


def _streamed(pieces, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse((piece.encode() for piece in pieces), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    """`rows` (decision_row()'s, any iterable: a generator streams) as CSV, streamed."""
    return _streamed(_csv_pieces(rows), "text/csv; charset=utf-8", filename)


def json_response(rows, filename: str) -> StreamingHttpResponse:
    """`rows` (decision_row()'s, any iterable: a generator streams) as JSON, streamed."""
    return _streamed(_json_pieces(rows), "application/json; charset=utf-8", filename)
