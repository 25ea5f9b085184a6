"""
The shapes of the open data, as DRF serializers (drf-spectacular reads them for the OpenAPI description).

- Persons, organizations, memberships and posts: Popolo (https://www.popoloproject.com/specs/), with
  its field names. An organisation's membership of the IISG (Board, Support Group, observer) is a
  Popolo membership of the IISG (`organization_id: "iisg:organization/iisg"`) whose `member` is the
  organisation; a role held (a post for a term) is a Popolo membership with `post_id`, held by a person
  (`person_id`) or an organisation (`member`), `on_behalf_of` the organisation a person represented.
- Meetings: Open Civic Data's Event (name, start_date, end_date, timezone, location, status,
  classification, participants, agenda with related entities, documents, sources).
- Decisions: Popolo's Motion (identifier, text, classification, date, creator, legislative session),
  with what the decision concerns and acted on. The Board decides by consensus: there are no roll-call
  votes, so no vote_events; Open Civic Data's Bill (versions, sponsors, legislative actions) does not fit.

Every object carries its stable `id` (opendata.identifiers), its page (`url`) and its API address
(`api_url`). Every organisation carries `footnote`: the Kosovo* designation footnote, or null.

The fields declare each shape (drf-spectacular reads them); `Shape.to_representation` writes it without
DRF's per-field machinery (a page of 100 decisions spent most of its time there): each field is read by a
getter planned once per serializer, i.e. once per request, and what is the same for every row is made
once per request too (`Links`: the site's address, the address patterns, the labels of choices).
"""

import re
from functools import cached_property
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import is_simple_callable

from core.dates import DatePrecision
from members.models import DESIGNATED_NAME, KOSOVO_FOOTNOTE
from opendata.identifiers import IISG_ID, role_key, stable_id


def partial_date(date, precision=DatePrecision.DAY) -> str | None:
    """A date at its precision, as Popolo and OCD write it: 2022-06-20, 2022-06 or 2022."""
    if date is None:
        return None
    text = date.isoformat()
    return {DatePrecision.YEAR: text[:4], DatePrecision.MONTH: text[:7]}.get(precision, text)


# reverse()'s quoting of an argument (RFC 3986's pchar), and what each converter of these URLs accepts.
_SAFE = RFC3986_SUBDELIMS + "/~:@"
_CONVERTERS = {"slug": re.compile(r"[-a-zA-Z0-9_]+"), "str": re.compile(r"[^/]+"), "path": re.compile(r".+")}
_MARKER = "opendataMARKER"
_PATTERNS: dict = {}


def _pattern(name: str) -> tuple[str, str]:
    """The address of URL `name` with one argument, as the text before and after that argument."""
    key = (name, get_script_prefix(), get_urlconf())
    if key not in _PATTERNS:
        before, marker, after = reverse(name, args=[_MARKER]).partition(_MARKER)
        if not marker or _MARKER in after:
            raise ValueError(f"{name}: not an address of one argument")
        _PATTERNS[key] = (before, after)
    return _PATTERNS[key]


def address(name: str, value, converter: str = "str") -> str:
    """
    reverse(name, args=[value]) for a URL of one argument, without resolving it for every row: the
    argument put into the address's pattern, quoted as reverse() quotes it; anything the converter
    would refuse goes through reverse() (and fails there as before).
    """
    text = str(value)
    if not _CONVERTERS[converter].fullmatch(text):
        return reverse(name, args=[value])
    before, after = _pattern(name)
    return f"{before}{quote(text, safe=_SAFE) if converter == 'path' else text}{after}"


class Links:
    """What every row of one answer shares: the site's address (as the request names it) and the labels."""

    def __init__(self, request):
        self.request = request
        # build_absolute_uri() of a plain absolute path is this origin and the path (urlsplit, iri_to_uri).
        self.origin = request.build_absolute_uri("/")[:-1] if request is not None else None
        self.footnote = str(KOSOVO_FOOTNOTE)
        self._labels: dict = {}
        self._page = (None, "")

    def absolute(self, path: str) -> str:
        if self.origin is None:
            return path
        if path.startswith("/") and not path.startswith("//") and path.isascii() and "/." not in path:
            return self.origin + path
        return self.request.build_absolute_uri(path)

    def page(self, obj, path=None) -> str:
        """
        The absolute address of obj.get_absolute_url() (or of `path`, the same address made without
        resolving it), made once per object: `url`, then `links` or `sources`.
        """
        if self._page[0] is not obj:
            self._page = (obj, self.absolute(path(obj) if path else obj.get_absolute_url()))
        return self._page[1]

    def label(self, obj, field: str) -> str:
        """obj.get_<field>_display(), its choices' labels made once per answer (in its language)."""
        key = (type(obj), field)
        if key not in self._labels:
            choices = type(obj)._meta.get_field(field).flatchoices
            self._labels[key] = {value: force_str(label, strings_only=True) for value, label in choices}
        value = getattr(obj, field)
        return self._labels[key].get(value, value)


def _attribute_getter(field, links_of):
    """How DRF reads a declared field (Field.get_attribute, then to_representation), without its generic path."""
    source = field.source
    represent = field.to_representation
    display = re.fullmatch(r"get_(\w+)_display", source)
    if display:
        name = display.group(1)

        def get(obj):
            value = links_of().label(obj, name)
            return None if value is None else represent(value)

        return get

    def get(obj):
        value = getattr(obj, source)
        if is_simple_callable(value):
            value = value()
        return None if value is None else represent(value)

    return get


class LinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    note = serializers.CharField()


class IdentifierSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    identifier = serializers.CharField()


class OtherNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    note = serializers.CharField()


class FastShape(serializers.Serializer):
    """A shape written by getters planned once per serializer (see the module's docstring)."""

    @cached_property
    def links(self) -> Links:
        root = self.root if self.root is not None else self
        if "_links" not in root.__dict__:
            root.__dict__["_links"] = Links(self.context.get("request"))
        return root.__dict__["_links"]

    @cached_property
    def _plan(self) -> list:
        plan = []
        for name, field in self.fields.items():
            if isinstance(field, serializers.SerializerMethodField):
                plan.append((name, getattr(self, field.method_name)))
            else:
                plan.append((name, _attribute_getter(field, lambda: self.links)))
        return plan

    def to_representation(self, instance):
        return {name: get(instance) for name, get in self._plan}


class Shape(FastShape):
    """id, url and api_url of every object (`kind`, `api_name` and `key()` say which)."""

    kind = ""
    api_name = ""

    id = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    def key(self, obj):
        return obj.pk

    @extend_schema_field(OpenApiTypes.STR)
    def get_id(self, obj):
        return stable_id(self.kind, self.key(obj))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return self.links.page(obj)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj):
        return self.links.absolute(address(self.api_name, self.key(obj)))


def organisation_ref(organisation, links: Links) -> dict:
    """An organisation where another object names it: its id, name (with the designation) and footnote."""
    return {
        "id": stable_id("organization", organisation.pk),
        "name": organisation.display_name,
        "footnote": links.footnote if organisation.designation_footnote else None,
    }


def person_ref(person) -> dict:
    return {"id": stable_id("person", person.pk), "name": person.name}


class OrganizationSerializer(Shape):
    kind = "organization"
    api_name = "opendata:api-organization-detail"

    name = serializers.CharField(source="display_name", help_text="The name, Kosovo* with its asterisk.")
    other_names = serializers.SerializerMethodField()
    classification = serializers.CharField(source="kind")
    parent_id = serializers.SerializerMethodField()
    country = serializers.CharField()
    footnote = serializers.SerializerMethodField()
    identifiers = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    @extend_schema_field(OtherNameSerializer(many=True))
    def get_other_names(self, obj):
        return [{"name": obj.acronym, "note": "acronym"}] if obj.acronym else []

    @extend_schema_field({"type": "string", "nullable": True})
    def get_parent_id(self, obj):
        return stable_id("organization", obj.parent_id) if obj.parent_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_footnote(self, obj):
        return self.links.footnote if obj.designation_footnote else None

    @extend_schema_field(IdentifierSerializer(many=True))
    def get_identifiers(self, obj):
        return [{"scheme": "iisg-slug", "identifier": obj.slug}]

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, obj):
        return [{"url": self.get_url(obj), "note": "Page on the IISG Board Portal"}]


class PersonSerializer(Shape):
    kind = "person"
    api_name = "opendata:api-person-detail"

    name = serializers.CharField()
    honorific_prefix = serializers.CharField(source="honorific")
    identifiers = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    @extend_schema_field(IdentifierSerializer(many=True))
    def get_identifiers(self, obj):
        return [{"scheme": "iisg-slug", "identifier": obj.slug}]

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, obj):
        return [{"url": self.get_url(obj), "note": "Page on the IISG Board Portal"}]


class PostSerializer(Shape):
    kind = "post"
    api_name = "opendata:api-post-detail"

    label = serializers.CharField(source="name")
    role = serializers.CharField(source="name")
    organization_id = serializers.SerializerMethodField()
    held_by = serializers.CharField(source="holder", help_text="person, organisation or either")
    per_pillar = serializers.BooleanField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_organization_id(self, obj):
        return IISG_ID


class MembershipSerializer(Shape):
    """An organisation's membership of the IISG, or a role held (a membership of a post): Popolo's Membership."""

    kind = "membership"
    api_name = "opendata:api-membership-detail"

    label = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    classification = serializers.SerializerMethodField(help_text="board, support_group, observer, or post")
    organization_id = serializers.SerializerMethodField()
    post_id = serializers.SerializerMethodField()
    person_id = serializers.SerializerMethodField()
    member = serializers.SerializerMethodField()
    on_behalf_of = serializers.SerializerMethodField()
    pillar = serializers.SerializerMethodField()
    start_date = serializers.SerializerMethodField()
    end_date = serializers.SerializerMethodField()

    @staticmethod
    def is_role(obj) -> bool:
        return hasattr(obj, "post_id")

    def key(self, obj):
        return role_key(obj.pk) if self.is_role(obj) else obj.pk

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        if self.is_role(obj):
            return super().get_url(obj)
        return self.links.absolute(obj.organisation.get_absolute_url())

    @extend_schema_field(OpenApiTypes.STR)
    def get_label(self, obj):
        return str(obj)

    @extend_schema_field(OpenApiTypes.STR)
    def get_role(self, obj):
        return obj.post.name if self.is_role(obj) else self.links.label(obj, "category")

    @extend_schema_field(OpenApiTypes.STR)
    def get_classification(self, obj):
        return "post" if self.is_role(obj) else obj.category

    @extend_schema_field(OpenApiTypes.STR)
    def get_organization_id(self, obj):
        return IISG_ID

    @extend_schema_field({"type": "string", "nullable": True})
    def get_post_id(self, obj):
        return stable_id("post", obj.post_id) if self.is_role(obj) else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_person_id(self, obj):
        return stable_id("person", obj.person_id) if self.is_role(obj) and obj.person_id else None

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["person", "organization"]},
                "id": {"type": "string"},
                "name": {"type": "string"},
                "footnote": {"type": "string", "nullable": True},
            },
            "required": ["type", "id", "name"],
        }
    )
    def get_member(self, obj):
        if self.is_role(obj) and obj.person_id:
            return {"type": "person", **person_ref(obj.person)}
        return {"type": "organization", **organisation_ref(obj.organisation, self.links)}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "The organisation a person held the post for",
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "footnote": {"type": "string", "nullable": True},
            },
            "required": ["id", "name", "footnote"],
        }
    )
    def get_on_behalf_of(self, obj):
        if self.is_role(obj) and obj.represented_id:
            return organisation_ref(obj.represented, self.links)
        return None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_pillar(self, obj):
        return obj.pillar.code if self.is_role(obj) and obj.pillar_id else None

    @extend_schema_field({"type": "string", "nullable": True, "description": "YYYY, YYYY-MM or YYYY-MM-DD"})
    def get_start_date(self, obj):
        if self.is_role(obj):
            return partial_date(obj.start, obj.start_precision)
        return partial_date(obj.since)

    @extend_schema_field({"type": "string", "nullable": True, "description": "YYYY, YYYY-MM or YYYY-MM-DD"})
    def get_end_date(self, obj):
        if self.is_role(obj):
            return partial_date(obj.end, obj.end_precision)
        return partial_date(obj.until)


class EntitySerializer(serializers.Serializer):
    """OCD's related entity: a participant, or what an agenda item relates to."""

    entity_type = serializers.CharField()
    entity_id = serializers.CharField()
    entity_name = serializers.CharField()
    note = serializers.CharField()
    footnote = serializers.CharField(allow_null=True, required=False)


class AgendaItemSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    description = serializers.CharField()
    related_entities = EntitySerializer(many=True)


class LocationSerializer(serializers.Serializer):
    name = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()


class MediaLinkSerializer(serializers.Serializer):
    media_type = serializers.CharField()
    url = serializers.URLField()


class DocumentSerializer(serializers.Serializer):
    note = serializers.CharField()
    links = MediaLinkSerializer(many=True)


def _organisation_entity(organisation, note: str, links: Links) -> dict:
    return {
        "entity_type": "organization",
        "entity_id": stable_id("organization", organisation.pk),
        "entity_name": organisation.display_name,
        "note": note,
        "footnote": links.footnote if organisation.designation_footnote else None,
    }


def _person_entity(person, note: str) -> dict:
    return {
        "entity_type": "person",
        "entity_id": stable_id("person", person.pk),
        "entity_name": person.name,
        "note": note,
        "footnote": None,
    }


class EventSerializer(Shape):
    """A meeting's public record as Open Civic Data's Event."""

    kind = "event"
    api_name = "opendata:api-event-detail"

    name = serializers.CharField(source="title")
    classification = serializers.CharField(source="kind")
    pillar = serializers.SerializerMethodField()
    start_date = serializers.SerializerMethodField()
    end_date = serializers.SerializerMethodField()
    all_day = serializers.BooleanField()
    timezone = serializers.CharField(source="time_zone")
    date_precision = serializers.CharField()
    status = serializers.SerializerMethodField(help_text="OCD: cancelled, tentative, confirmed or passed")
    description = serializers.CharField(source="public_summary")
    location = serializers.SerializerMethodField()
    format = serializers.CharField()
    participants = serializers.SerializerMethodField()
    agenda = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    published_on = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_pillar(self, obj):
        return obj.pillar.code if obj.pillar_id else None

    def _local(self, value, obj):
        if obj.date_precision != DatePrecision.DAY:
            return partial_date(value.astimezone(obj.tz).date(), obj.date_precision)
        local = value.astimezone(obj.tz)
        return local.date().isoformat() if obj.all_day else local.isoformat()

    @extend_schema_field({"type": "string", "description": "In the meeting's time zone, at its precision"})
    def get_start_date(self, obj):
        return self._local(obj.start, obj)

    @extend_schema_field({"type": "string", "description": "In the meeting's time zone, at its precision"})
    def get_end_date(self, obj):
        return self._local(obj.end, obj)

    @extend_schema_field({"type": "string", "enum": ["cancelled", "tentative", "confirmed", "passed"]})
    def get_status(self, obj):
        if obj.schedule_status == obj.ScheduleStatus.CANCELLED:
            return "cancelled"
        if obj.new_date_pending or obj.date_precision != DatePrecision.DAY:
            return "tentative"
        return "passed" if obj.end < timezone.now() else "confirmed"

    @extend_schema_field(LocationSerializer)
    def get_location(self, obj):
        name = ", ".join(part for part in (obj.venue, obj.city, obj.country) if part)
        return {"name": name, "city": obj.city, "country": obj.country}

    @extend_schema_field(EntitySerializer(many=True))
    def get_participants(self, obj):
        # The public projection (meetings.PublicParticipation): organisations, and only the people the
        # public record names (chairs, hosts, speakers); never a delegate, never the attendance.
        entities = []
        for participation in obj.public_participations:
            role = participation.get_role_display()
            if participation.person is not None:
                entities.append(_person_entity(participation.person, role))
            if participation.organisation is not None:
                entities.append(_organisation_entity(participation.organisation, role, self.links))
        return entities

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, obj):
        # The agenda is for Board members; the public record has its decisions, as one item of related entities.
        decisions = obj.public_decisions
        if not decisions:
            return []
        return [
            {
                "order": 1,
                "description": "Decisions",
                "related_entities": [
                    {
                        "entity_type": "decision",
                        "entity_id": stable_id("decision", decision.pk),
                        "entity_name": decision.reference,
                        "note": decision.subject,
                    }
                    for decision in decisions
                ],
            }
        ]

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, obj):
        pdfs = [("Public record (PDF)", "portal:meeting-pdf"), ("Meeting pack (PDF)", "portal:meeting-pack")]
        return [
            {
                "note": note,
                "links": [
                    {"media_type": "application/pdf", "url": self.links.absolute(address(name, obj.slug, "slug"))}
                ],
            }
            for note, name in pdfs
        ]

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_published_on(self, obj):
        return obj.published_on.isoformat() if obj.published_on else None

    @extend_schema_field(LinkSerializer(many=True))
    def get_sources(self, obj):
        return [{"url": self.get_url(obj), "note": "Public record on the IISG Board Portal"}]


class EventListSerializer(EventSerializer):
    """An event in a list: without its participants (a meeting may name 200; its object has them)."""

    participants = None


class DecisionSerializer(Shape):
    """A decision as Popolo's Motion (no vote events: the Board decides by consensus)."""

    kind = "decision"
    api_name = "opendata:api-decision-detail"

    identifier = serializers.CharField(source="reference")
    classification = serializers.CharField(source="verb", help_text="The outcome as worded: approved, endorsed…")
    result = serializers.CharField(source="get_verb_display")
    subject = serializers.CharField()
    text = serializers.CharField(source="wording")
    date = serializers.SerializerMethodField()
    effective_from = serializers.DateField(allow_null=True)
    organization_id = serializers.SerializerMethodField()
    legislative_session_id = serializers.SerializerMethodField(help_text="The meeting (an event) it was taken at")
    procedure = serializers.SerializerMethodField(help_text="The written procedure that adopted it")
    creator = serializers.SerializerMethodField(help_text="Who proposed it")
    concerns = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField(help_text="The memberships and roles held it acted on")
    documents_for_members_only = serializers.IntegerField(
        source="members_only_documents", help_text="Documents it acted on, for Board members only: a count"
    )
    footnotes = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return self.links.page(obj, self.page_path)

    @staticmethod
    def page_path(decision) -> str:
        """decision.get_absolute_url(), from the address's pattern (a page of 100 resolved it 100 times)."""
        return address("decisions:decision-detail", decision.reference, "path")

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_date(self, obj):
        when = obj.meeting.start if obj.meeting_id else obj.procedure.closed_at
        if when is None:
            return None
        zone = obj.meeting.tz if obj.meeting_id else timezone.get_current_timezone()
        return when.astimezone(zone).date().isoformat()

    @extend_schema_field(OpenApiTypes.STR)
    def get_organization_id(self, obj):
        return IISG_ID

    @extend_schema_field({"type": "string", "nullable": True})
    def get_legislative_session_id(self, obj):
        return stable_id("event", obj.meeting_id) if obj.meeting_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_procedure(self, obj):
        return obj.procedure.reference if obj.procedure_id else None

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "entity_type": {"type": "string", "enum": ["organization", "person"]},
                "entity_id": {"type": "string"},
                "entity_name": {"type": "string"},
                "note": {"type": "string"},
                "footnote": {"type": "string", "nullable": True},
            },
            "required": ["entity_type", "entity_id", "entity_name", "note"],
        }
    )
    def get_creator(self, obj):
        if obj.proposed_by_organisation_id:
            return _organisation_entity(obj.proposed_by_organisation, "proposed it", self.links)
        if obj.proposed_by_person_id:
            return _person_entity(obj.proposed_by_person, "proposed it")
        return None

    @extend_schema_field(EntitySerializer(many=True))
    def get_concerns(self, obj):
        return [_organisation_entity(o, "concerned", self.links) for o in obj.concerned_organisations] + [
            _person_entity(p, "concerned") for p in obj.concerned_people
        ]

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_memberships(self, obj):
        return [stable_id("membership", m.pk) for m in obj.visible_memberships] + [
            stable_id("membership", role_key(r.pk)) for r in obj.visible_roles
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"marker": {"type": "string"}, "text": {"type": "string"}},
                "required": ["marker", "text"],
            },
        }
    )
    def get_footnotes(self, obj):
        # The designation printed in a text of the decision (its subject, its wording), as the exports do.
        texts = (obj.subject, obj.wording)
        return (
            [{"marker": DESIGNATED_NAME, "text": self.links.footnote}]
            if any(DESIGNATED_NAME in t for t in texts)
            else []
        )

    @extend_schema_field(LinkSerializer(many=True))
    def get_sources(self, obj):
        return [{"url": self.get_url(obj), "note": "The decision register of the IISG Board Portal"}]
