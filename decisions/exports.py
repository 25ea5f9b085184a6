"""
The decision register as CSV and JSON: the filtered set, as the user may see it. Every text is
cleaned of control characters (rows saved before the input refused them may hold some): one-line
values lose their line breaks, the wording keeps its own.

The Kosovo* designation footnote travels with the data, as it does on the pages:
- JSON: every organisation is an object whose `footnote` is the footnote's text when its name carries
  the designation (null otherwise), beside its `name`; and the top-level `footnotes` lists the footnote
  once whenever any text of the export (a name, a subject, a wording) prints "Kosovo*" (empty otherwise).
- CSV: names are printed as on the pages ("OSCE Mission in Kosovo*"), and a row any cell of which
  prints "Kosovo*" carries the footnote's text in its last column, `footnote` (empty otherwise): a
  field of the rows it concerns, never a row of its own that a program would read as a record.

The CSV is UTF-8 with a byte-order mark, so that Excel, which reads a CSV without one in the
system's code page, shows the en dash and the region's letters (č ć đ š ž ë ç, Cyrillic) as they are;
LibreOffice, Numbers, Google Sheets and Python's "utf-8-sig" read the mark as what it is. A cell a
spreadsheet would read as a formula starts with an apostrophe (`guard()`, the one guard of every cell).

Both stream (StreamingHttpResponse), in memory bounded by a chunk of rows and by the records the
rows link to (never by the number of rows), and work nothing out twice:
- the decisions are read as plain values (no model instances), in chunks of CHUNK rows through one
  query (a server-side cursor on PostgreSQL), and each chunk is written as one piece of the response;
- per chunk, one query gives the ids of what each decision names and acted on, from all five link
  tables (its SQL built once per export: `_Links`);
- each record linked to (a meeting, a procedure, an organisation, a person, a document, a membership,
  a role held) is read once per export, as the user may see it (the rules that are subqueries over
  every decision read once per export, as ids), and turned once into what the exports print of it:
  its data and its text in a CSV cell (`_Entry`);
- a verb's label is translated once per language; a decision's URL, and a record's, is one reversed
  URL filled in; a row of JSON is a dict of its values and its records' data, written by the standard
  library's JSON encoder (`json_text()`), a row of CSV written as csv.writer writes it (`csv_line()`),
  cells kept from starting a formula.
The JSON gives `decisions` first, then `count` and `footnotes` (known once every row is written): the
document is streamed, so its frame is written around the rows (`_json_pieces()`), every key and value
in it by the same encoder: indented by two spaces, each row on a line of its own.
"""

import functools
import itertools
import json
import re
from urllib.parse import quote

from django.db import connections
from django.db.models import Value, Window
from django.db.models.functions import RowNumber
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from core.lookups import among, id_array_text
from core.text import multi_line, one_line
from members.models import DESIGNATED_NAME, KOSOVO_FOOTNOTE

# Decisions read per query (with their links read per chunk), and written per piece of the response.
# At 100 times today's volume, a Board member's JSON export: 1.7 s and a peak of 55 MB of Python memory
# with 5,000 (a piece of about 5 MB), 1.9 s and 24 MB with 1,000 (most of it the records read once).
CHUNK = 5000
# Linked records read per query, at most (a chunk may link to more that were not read yet).
RECORDS_PER_QUERY = 5000

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
    "documents_for_members_only",
    "memberships",
    "roles",
    "url",
    "draft",
    "footnote",
]

# What each row reads of its decision: values, not model instances.
FIELDS = [
    "pk",
    "meeting_id",
    "procedure_id",
    "reference",
    "verb",
    "subject",
    "wording",
    "proposed_by_organisation_id",
    "proposed_by_person_id",
    "effective_from",
]

# Any value as JSON, as json.dumps(..., ensure_ascii=False) writes it (one encoder, not one per call; the
# rows' data holds no cycles: not checked for any). A row costs about 8 µs to write, where putting it
# together from its records' JSON texts made once per export cost 3 µs (809 rows of the 1x bench data):
# about 0.25 s of CPU more for the 48,000 rows of 100 times today's volume: the price of one JSON writer.
_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


# What reverse() leaves as it is in an argument of a URL: most references and every slug.
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~!$&'()*+,;=/:@-]*")


def _url_part(value: str) -> str:
    """`value` in a URL, quoted as reverse() quotes an argument."""
    return value if _URL_SAFE.fullmatch(value) else quote(value, safe="!$&'()*+,;=/~:@")


def _date(value) -> str | None:
    return value.isoformat() if value else None


def organisation_data(organisation, url) -> dict | None:
    """An organisation as the exports give it: its name as printed, its page, and its designation footnote."""
    if organisation is None:
        return None
    return {
        "name": organisation.display_name,
        "url": url(organisation),
        "footnote": str(KOSOVO_FOOTNOTE) if organisation.designation_footnote else None,
    }


def person_data(person, url) -> dict | None:
    if person is None:
        return None
    return {"name": person.full_name, "url": url(person)}


def role_data(role, url) -> dict:
    return {
        "post": role.post.name,
        "holder_type": "person" if role.person_id else "organisation",
        "holder": person_data(role.person, url) if role.person_id else organisation_data(role.organisation, url),
        "represented": organisation_data(role.represented, url),
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


@functools.cache
def _verb_labels(language: str | None) -> dict[str, str]:
    """The verbs' labels in `language` (the active one when called): translated once, not per row."""
    from decisions.models import Decision

    return {value: str(label) for value, label in Decision.Verb.choices}


# What starts a formula in a spreadsheet: = + - @, and their full-width forms (a Japanese or Chinese
# input method types them; Excel reads them as the signs), after any whitespace (Excel and LibreOffice
# skip leading spaces, and a line break or tab is no shield either); and a tab, CR or LF at the start.
_FORMULA_SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20"
_FORMULA = re.compile(rf"\s*[{re.escape(_FORMULA_SIGNS)}]|[\t\r\n]").match
# Every character str.isspace() and the regular expressions' \s take for whitespace (a test checks it).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The first characters of a cell that may start a formula: the signs, and every whitespace. Looked up
# first, so that the cells that start otherwise (nearly all) cost one set lookup.
_MAY_START_A_FORMULA = frozenset(_FORMULA_SIGNS + WHITESPACE)


def guard(text: str) -> str:
    """A cell's text kept from starting a formula: with an apostrophe before it, as a spreadsheet shows text."""
    if text[:1] in _MAY_START_A_FORMULA and _FORMULA(text):
        return "'" + text
    return text


def _cell(value) -> str:
    return guard("" if value is None else str(value))


def _role_text(role: dict) -> str:
    """ "Mr Agron Sojati, Head of the IISG Secretariat (Extension of mandate, term not on record)"."""
    post = f"{role['post']} ({role['pillar']})" if role["pillar"] else role["post"]
    return f"{role['holder']['name']}, {post} ({role['kind']}, {role['term']})"


class _Entry:
    """A record as a row prints it, worked out once per export: its data, and its text in a cell."""

    __slots__ = ("data", "text")

    def __init__(self, data: dict, text: str):
        self.data = data
        self.text = text


class _Taken:
    """
    The meeting a decision was taken at, or the written procedure it was taken by: the row's three
    columns of it (as data and as CSV cells) and whether it is a draft.
    """

    __slots__ = ("cells", "data", "draft")

    def __init__(self, data: dict, draft: bool):
        self.data = data
        self.cells = [_cell(value) for value in data.values()]
        self.draft = draft


NO_MEETING = _Taken({"meeting": None, "meeting_date": None, "meeting_url": None}, draft=False)
NO_PROCEDURE = _Taken({"procedure": None, "procedure_closed_on": None, "procedure_url": None}, draft=False)


class Exporter:
    """
    The decisions of a register as rows (`rows()`), with what repeats worked out once per value: a
    linked record's data per export (`_Entry`), a verb's label per language, and the decisions'
    URLs from one reversed URL.
    """

    def __init__(self, build_url):
        self.build_url = build_url
        self.verb_labels = _verb_labels(get_language())
        # In the request's language: the rows are written after the view returns.
        self.footnote = str(KOSOVO_FOOTNOTE)
        marker = "__reference__"
        self.decision_url = build_url(reverse("decisions:decision-detail", args=[marker])).split(marker)
        self.slug_urls: dict[type, list[str] | None] = {}

    def url(self, reference: str) -> str:
        """A decision's URL, from its reference."""
        return _url_part(reference).join(self.decision_url)

    def record_url(self, record) -> str:
        """
        A record's URL (get_absolute_url()), with one reverse() per model and export: the records the
        rows link to are shown at pages named by their slug, so the URL of a record of the model
        whose slug is a marker is filled in with each record's slug. Checked on the model's first
        record: a model whose URL is not its slug's is asked for each record's URL.
        """
        model = type(record)
        if model not in self.slug_urls:
            self.slug_urls[model] = self._slug_template(record)
        template = self.slug_urls[model]
        if template is None:
            return self.build_url(record.get_absolute_url())
        return _url_part(record.slug).join(template)

    def _slug_template(self, record) -> list[str] | None:
        if not isinstance(getattr(record, "slug", None), str):
            return None
        marker = "__slug__"
        template = self.build_url(type(record)(slug=marker).get_absolute_url()).split(marker)
        if len(template) == 2 and _url_part(record.slug).join(template) == self.build_url(record.get_absolute_url()):
            return template
        return None

    # What the exports print of each record they link to: made once per record and export (_Linked).

    def meeting(self, meeting) -> _Taken:
        data = {
            "meeting": meeting.title,
            "meeting_date": meeting.local_start.date().isoformat(),
            "meeting_url": self.record_url(meeting),
        }
        return _Taken(_clean(data), draft=meeting.is_draft)

    def procedure(self, procedure) -> _Taken:
        closed_on = timezone.localtime(procedure.closed_at).date() if procedure.closed_at else None
        data = {
            "procedure": procedure.reference,
            "procedure_closed_on": _date(closed_on),
            "procedure_url": self.record_url(procedure),
        }
        return _Taken(_clean(data), draft=procedure.is_draft)

    def organisation(self, organisation) -> _Entry:
        data = _clean(organisation_data(organisation, self.record_url))
        return _Entry(data, data["name"])

    def person(self, person) -> _Entry:
        data = _clean(person_data(person, self.record_url))
        return _Entry(data, data["name"])

    def document(self, document) -> _Entry:
        data = _clean({"title": document.title, "kind": document.kind.name, "url": self.record_url(document)})
        return _Entry(data, f"{data['title']} ({data['kind']})")

    def membership(self, membership, organisation: _Entry) -> _Entry:
        data = _clean(
            {
                "organisation": organisation.data,
                "category": str(membership.get_category_display()),
                "since": _date(membership.since),
                "until": _date(membership.until),
            }
        )
        return _Entry(data, f"{data['organisation']['name']} ({data['category']})")

    def role(self, role) -> _Entry:
        data = _clean(role_data(role, self.record_url))
        return _Entry(data, _role_text(data))

    def rows(self, decisions, user) -> "Rows":
        """The rows of `decisions` (visible_to(user), in the register's order), as `user` may see what they link to."""
        return Rows(self, decisions, user)


class Rows:
    """
    An export's rows, read in chunks of CHUNK decisions as it is written: `chunks()` gives each
    chunk's rows as tuples of what a row prints (cleaned texts, `_Taken` and `_Entry` objects),
    which `json_text()` and `csv_cells()` write out.
    """

    def __init__(self, exporter: Exporter, decisions, user):
        self.exporter = exporter
        self.decisions = decisions
        self.user = user

    def chunks(self):
        exporter = self.exporter
        labels = exporter.verb_labels
        url = exporter.url
        linked = _Linked(exporter, self.user, self.decisions.db)
        values = self.decisions.prefetch_related(None).values_list(*FIELDS).iterator(chunk_size=CHUNK)
        while chunk := list(itertools.islice(values, CHUNK)):
            meetings, procedures, organisations, people, links, members_only = linked.read(chunk)
            documents, memberships, roles, concerned_organisations, concerned_people = links
            rows = []
            for pk, meeting_id, procedure_id, reference, verb, subject, wording, org_id, person_id, effective in chunk:
                # Taken at a meeting, or by written procedure.
                meeting = meetings.get(meeting_id) or NO_MEETING
                procedure = procedures.get(procedure_id) or NO_PROCEDURE
                rows.append(
                    (
                        one_line(reference),
                        meeting,
                        procedure,
                        verb,
                        labels.get(verb, verb),
                        one_line(subject),
                        multi_line(wording),
                        organisations.get(org_id),
                        people.get(person_id),
                        concerned_organisations.get(pk, ()),
                        concerned_people.get(pk, ()),
                        _date(effective),
                        documents.get(pk, ()),
                        members_only.get(pk, 0),
                        memberships.get(pk, ()),
                        roles.get(pk, ()),
                        url(reference),
                        procedure.draft if procedure_id else meeting.draft,
                    )
                )
            yield rows


def json_data(row) -> dict:
    """A row (Rows.chunks()) as the data of one decision in the JSON export, its records' data in it."""
    (
        reference,
        meeting,
        procedure,
        verb,
        verb_label,
        subject,
        wording,
        organisation,
        person,
        concerned_organisations,
        concerned_people,
        effective_from,
        documents,
        members_only,
        memberships,
        roles,
        url,
        draft,
    ) = row
    return {
        "reference": reference,
        **meeting.data,
        **procedure.data,
        "verb": verb,
        "verb_label": verb_label,
        "subject": subject,
        "wording": wording,
        "proposed_by_organisation": organisation.data if organisation else None,
        "proposed_by_person": person.data if person else None,
        "concerns_organisations": [entry.data for entry in concerned_organisations],
        "concerns_people": [entry.data for entry in concerned_people],
        "effective_from": effective_from,
        "documents": [entry.data for entry in documents],
        "documents_for_members_only": members_only,
        "memberships": [entry.data for entry in memberships],
        "roles": [entry.data for entry in roles],
        "url": url,
        "draft": draft,
    }


def json_text(row) -> str:
    """A row (Rows.chunks()) as json.dumps(json_data(row), ensure_ascii=False) writes it."""
    return _json(json_data(row))


def csv_cells(row) -> list[str]:
    """A row (Rows.chunks()) as the cells of COLUMNS but the last (the footnote: csv_row())."""
    (
        reference,
        meeting,
        procedure,
        verb,
        verb_label,
        subject,
        wording,
        organisation,
        person,
        concerned_organisations,
        concerned_people,
        effective_from,
        documents,
        members_only,
        memberships,
        roles,
        url,
        draft,
    ) = row
    proposer = organisation or person
    concerned = [entry.text for entry in concerned_organisations] + [entry.text for entry in concerned_people]
    cells = [
        reference,
        *meeting.cells,
        *procedure.cells,
        verb,
        verb_label,
        subject,
        wording,
        proposer.text if proposer else "",
        "; ".join(concerned),
        effective_from or "",
        "; ".join([entry.text for entry in documents]),
        str(members_only),
        "; ".join([entry.text for entry in memberships]),
        "; ".join([entry.text for entry in roles]),
        url,
        "yes" if draft else "no",
    ]
    # guard() on each cell, called only for those whose first character may start a formula (a call
    # per cell cost a tenth of the export's time). A cell guard() kept text already (a meeting's)
    # starts with ': guarding it again changes nothing.
    return [guard(cell) if cell[:1] in _MAY_START_A_FORMULA else cell for cell in cells]


def csv_row(row, footnote_cell: str) -> str:
    """
    A row (Rows.chunks()) as a line of CSV, its last cell `footnote_cell` (the designation footnote as
    csv_line() writes it) when any cell prints "Kosovo*", else empty. "Kosovo*" holds no comma, quote
    or line break: a cell prints it in the line exactly where its text has it.
    """
    line = csv_line(csv_cells(row))[:-2]
    return f"{line},{footnote_cell}\r\n" if DESIGNATED_NAME in line else f"{line},\r\n"


# A cell that Excel's dialect of CSV quotes: it holds the delimiter, the quote or a line break.
_QUOTED = re.compile(r'[",\r\n]').search


def csv_line(cells: list[str]) -> str:
    """
    A row as csv.writer() writes it in Excel's dialect (its default): a cell holding a comma, a quote
    or a line break in quotes, its quotes doubled; a row alone of one empty cell as ""; CRLF. Written
    here because csv.writer looks at every character one by one: 0.9 s of CPU for the 48,000 rows
    (25 MB) of the register at 100 times today's volume, against 0.4 s for this.
    """
    if len(cells) == 1 and not cells[0]:
        return '""\r\n'
    return ",".join(['"' + cell.replace('"', '""') + '"' if _QUOTED(cell) else cell for cell in cells]) + "\r\n"


def _ids(connection, ids: list[int]):
    """A list of ids as one parameter: on PostgreSQL an array as text (psycopg2 adapts a list id by id), else JSON."""
    return id_array_text(ids) if connection.vendor == "postgresql" else json.dumps(ids)


class _Links:
    """
    The links of a chunk of decisions, all five link tables in one query built once per export: for
    each link, the relation's number, the decision's id, the record's id and the link's position in
    the order the pages list the records (ROW_NUMBER() over the relation's order).

    The decisions' ids are one parameter, unpacked once in a WITH: on PostgreSQL an array given as
    text (psycopg2 would adapt a list id by id: 14 ms for 5 times 2,000 ids; and an `= ANY(array)`
    of 5,000 ids in each part took 15 ms to plan), on SQLite (the tests, the demo) a JSON list
    (Django's IN would give one parameter per id, hence new SQL for every chunk).
    """

    def __init__(self, relations, using: str):
        """`relations`: (QuerySet of a through table, the column of its decision) per relation."""
        self.connection = connections[using]
        self.postgresql = self.connection.vendor == "postgresql"
        quote_name = self.connection.ops.quote_name
        ids = quote_name("export_ids")
        parts, params = [], []
        for number, (queryset, column) in enumerate(relations):
            column = f"{quote_name(queryset.model._meta.db_table)}.{quote_name(column)}"
            query = (
                queryset.annotate(
                    relation=Value(number), position=Window(RowNumber(), order_by=queryset.query.order_by)
                )
                .order_by()
                .extra(where=[f"{column} IN (SELECT {ids}.id FROM {ids})"])
                .values_list("relation", *queryset.query.values_select, "position")
                .query
            )
            sql, part_params = query.get_compiler(using=using).as_sql()
            parts.append(sql)
            params.extend(part_params)
        unpack = "SELECT unnest(%s::bigint[])" if self.postgresql else "SELECT value FROM json_each(%s)"
        self.sql = f"WITH {ids} (id) AS ({unpack}) {' UNION ALL '.join(parts)} ORDER BY 1, 4"
        self.params = params

    def rows(self, ids: list[int]) -> list[tuple]:
        """(relation number, decision id, record id, position), in the relations' order."""
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, [_ids(self.connection, ids), *self.params])
            return cursor.fetchall()


class _Linked:
    """
    What a chunk of decisions links to, as `user` may see it (the rules DecisionQuerySet.with_acted_on()
    prefetches with): per chunk one query for the five link tables (`_Links`: the ids of the decision
    and of the record, in the order the pages list them), and each linked record read and made an
    entry once per export (a query per kind for the records a chunk is the first to link to).
    """

    def __init__(self, exporter: Exporter, user, using: str):
        from decisions.models import Decision, Document, WrittenProcedure
        from meetings.models import Meeting
        from members.models import Membership, Organisation, Person, RoleHeld

        self.exporter = exporter
        # (the records of a kind, read by id, with what a row prints of them; the entry of one)
        self.kinds = {
            # The meetings' rule is a filter on the meeting's own row (and a projection): read with it.
            "meeting": (Meeting.objects.visible_to(user), exporter.meeting),
            # A decision's procedure is seen with it (the decision is visible only if its procedure is).
            "procedure": (WrittenProcedure.objects.all(), exporter.procedure),
            # Whoever may see a decision may see whom it names (visibility_rules grants them).
            "organisation": (Organisation.objects.all(), exporter.organisation),
            "person": (Person.objects.all(), exporter.person),
            "document": (Document.objects.select_related("kind"), exporter.document),
            "membership": (Membership.objects.select_related("organisation"), self._membership),
            # What role_data() prints: not the proposer (fewer joins to plan, for a handful of rows).
            "role": (
                RoleHeld.objects.select_related("post", "person", "organisation", "represented", "pillar"),
                exporter.role,
            ),
        }
        self.entries: dict[str, dict] = {kind: {None: None} for kind in self.kinds}
        # What a decision acted on, as the user may see it. These rules are subqueries over every
        # decision and its meeting or procedure (a document's: two IN subqueries, which PostgreSQL
        # hashes in full however few documents are asked about: 60 ms per chunk at 100 times today's
        # volume), so each is read once per export, as the ids the user may see, when first needed.
        self.rules = {
            "document": Document.objects.visible_to(user),
            "membership": Membership.objects.visible_to(user),
            "role": RoleHeld.objects.visible_to(user),
        }
        self.visible: dict[str, set] = {}
        # (the many-to-many field of Decision, the kind of record it links to, the order of the records)
        relations = [
            ("documents", "document", ["title"]),
            ("memberships", "membership", Membership._meta.ordering),
            ("roles", "role", RoleHeld._meta.ordering),
            ("concerns_organisations", "organisation", ["name"]),
            ("concerns_people", "person", Person._meta.ordering),
        ]
        self.relations = [kind for _name, kind, _order in relations]
        tables = []
        for name, _kind, order in relations:
            field = Decision._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            query = (
                through.objects.using(using)
                .order_by(*(f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}" for o in order), "pk")
                .values_list(f"{source}_id", f"{target}_id")
            )
            tables.append((query, through._meta.get_field(source).column))
        self.links = _Links(tables, using)

    def _membership(self, membership) -> _Entry:
        organisations = self.entries["organisation"]
        pk = membership.organisation_id
        if organisations.get(pk) is None:
            organisations[pk] = self.exporter.organisation(membership.organisation)
        return self.exporter.membership(membership, organisations[pk])

    def _read(self, kind: str, pks) -> dict:
        """The entries of a kind by id, `pks` read if not yet (None for a record the user may not see)."""
        entries = self.entries[kind]
        missing = [pk for pk in pks if pk not in entries]
        if missing and kind in self.rules:
            if kind not in self.visible:
                self.visible[kind] = set(self.rules[kind].values_list("pk", flat=True))
            visible = self.visible[kind]
            entries.update((pk, None) for pk in missing if pk not in visible)
            missing = [pk for pk in missing if pk in visible]
        if missing:
            queryset, entry = self.kinds[kind]
            for start in range(0, len(missing), RECORDS_PER_QUERY):
                part = missing[start : start + RECORDS_PER_QUERY]
                for record in queryset.filter(among(part, model=queryset.model, using=queryset.db)):
                    entries[record.pk] = entry(record)
                for pk in part:
                    entries.setdefault(pk, None)
        return entries

    def read(self, chunk: list[tuple]):
        """
        For a chunk of decisions (FIELDS): their meetings, procedures, proposers, the lists of their links,
        and how many documents each acted on that the user may not see.
        """
        linked = [(kind, []) for kind in self.relations]
        for relation, decision, pk, _position in self.links.rows([row[0] for row in chunk]):
            linked[relation][1].append((decision, pk))
        wanted: dict[str, set] = {kind: set() for kind in self.kinds}
        for kind, pairs in linked:
            wanted[kind].update(pk for _decision, pk in pairs)
        for _pk, meeting, procedure, _r, _v, _s, _w, organisation, person, _e in chunk:
            wanted["meeting"].add(meeting)
            wanted["procedure"].add(procedure)
            wanted["organisation"].add(organisation)
            wanted["person"].add(person)
        # Memberships first: they add their organisations.
        for kind in ("membership", *(kind for kind in self.kinds if kind != "membership")):
            self._read(kind, wanted[kind])
        links = []
        # The documents each decision acted on that the user may not see: counted, never named, as the
        # pages say it ("1 document for Board members only"). Only documents: a membership or a role held
        # is hidden from a reader of the decision only while a draft acted on it too (DecisionQuerySet.with_acted_on).
        members_only: dict[int, int] = {}
        for kind, pairs in linked:
            entries = self.entries[kind]
            by_decision: dict[int, list] = {}
            for decision, pk in pairs:
                entry = entries[pk]
                if entry is not None:
                    by_decision.setdefault(decision, []).append(entry)
                elif kind == "document":
                    members_only[decision] = members_only.get(decision, 0) + 1
            links.append(by_decision)
        e = self.entries
        return e["meeting"], e["procedure"], e["organisation"], e["person"], links, members_only


# The byte-order mark of UTF-8: Excel reads the file as UTF-8 only with it.
BOM = "\ufeff"


def _csv_pieces(rows: Rows):
    footnote_cell = csv_line([guard(rows.exporter.footnote)])[:-2]
    yield BOM + csv_line(COLUMNS)
    for chunk in rows.chunks():
        yield "".join([csv_row(row, footnote_cell) for row in chunk])


def _json_pieces(rows: Rows):
    """The JSON document in pieces: its frame (`decisions`, then `count` and `footnotes`) around the rows."""
    yield "{\n  " + _json("decisions") + ": ["
    count = 0
    designated = False
    for chunk in rows.chunks():
        piece = ("\n    " if count == 0 else ",\n    ") + ",\n    ".join([json_text(row) for row in chunk])
        count += len(chunk)
        designated = designated or DESIGNATED_NAME in piece
        yield piece
    footnotes = [{"marker": DESIGNATED_NAME, "text": str(KOSOVO_FOOTNOTE)}] if designated else []
    yield "".join(
        [
            "\n  ]",
            ",\n  " + _json("count") + ": " + _json(count),
            ",\n  " + _json("footnotes") + ": " + _json(footnotes),
            "\n}\n",
        ]
    )


def _streamed(pieces, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse((piece.encode() for piece in pieces), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Rows, filename: str) -> StreamingHttpResponse:
    """The rows (Exporter.rows(): read as the response is) as CSV, streamed."""
    return _streamed(_csv_pieces(rows), "text/csv; charset=utf-8", filename)


def json_response(rows: Rows, filename: str) -> StreamingHttpResponse:
    """The rows (Exporter.rows(): read as the response is) as JSON, streamed."""
    return _streamed(_json_pieces(rows), "application/json; charset=utf-8", filename)
