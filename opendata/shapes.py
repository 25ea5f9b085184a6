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
"""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.dates import DatePrecision
from members.models import DESIGNATED_NAME, KOSOVO_FOOTNOTE
from opendata.identifiers import IISG_ID, role_key, stable_id


def partial_date(date, precision=DatePrecision.DAY) -> str | None:
    """A date at its precision, as Popolo and OCD write it: 2022-06-20, 2022-06 or 2022."""
    if date is None:
        return None
    text = date.isoformat()
    return {DatePrecision.YEAR: text[:4], DatePrecision.MONTH: text[:7]}.get(precision, text)


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


class LinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    note = serializers.CharField()


class IdentifierSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    identifier = serializers.CharField()


class OtherNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    note = serializers.CharField()


class Shape(serializers.Serializer):
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
        return absolute(self.context.get("request"), obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj):
        return absolute(self.context.get("request"), reverse(self.api_name, args=[self.key(obj)]))


class OrganizationRefSerializer(serializers.Serializer):
    """An organisation where another object names it: its id, name (with the designation) and footnote."""

    id = serializers.SerializerMethodField()
    name = serializers.CharField(source="display_name")
    footnote = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_id(self, obj):
        return stable_id("organization", obj.pk)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_footnote(self, obj):
        return str(KOSOVO_FOOTNOTE) if obj.designation_footnote else None


class PersonRefSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    name = serializers.CharField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_id(self, obj):
        return stable_id("person", obj.pk)


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
        return str(KOSOVO_FOOTNOTE) if obj.designation_footnote else None

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
        return absolute(self.context.get("request"), obj.organisation.get_absolute_url())

    @extend_schema_field(OpenApiTypes.STR)
    def get_label(self, obj):
        return str(obj)

    @extend_schema_field(OpenApiTypes.STR)
    def get_role(self, obj):
        return obj.post.name if self.is_role(obj) else obj.get_category_display()

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
            return {"type": "person", **PersonRefSerializer(obj.person).data}
        return {"type": "organization", **OrganizationRefSerializer(obj.organisation).data}

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
            return OrganizationRefSerializer(obj.represented).data
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


def _organisation_entity(organisation, note: str) -> dict:
    return {
        "entity_type": "organization",
        "entity_id": stable_id("organization", organisation.pk),
        "entity_name": organisation.display_name,
        "note": note,
        "footnote": str(KOSOVO_FOOTNOTE) if organisation.designation_footnote else None,
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
                entities.append(_organisation_entity(participation.organisation, role))
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
        request = self.context.get("request")
        pdfs = [("Public record (PDF)", "portal:meeting-pdf"), ("Meeting pack (PDF)", "portal:meeting-pack")]
        return [
            {
                "note": note,
                "links": [{"media_type": "application/pdf", "url": absolute(request, reverse(name, args=[obj.slug]))}],
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
        return absolute(self.context.get("request"), obj.get_absolute_url())

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
            return _organisation_entity(obj.proposed_by_organisation, "proposed it")
        if obj.proposed_by_person_id:
            return _person_entity(obj.proposed_by_person, "proposed it")
        return None

    @extend_schema_field(EntitySerializer(many=True))
    def get_concerns(self, obj):
        return [_organisation_entity(o, "concerned") for o in obj.concerned_organisations] + [
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
            [{"marker": DESIGNATED_NAME, "text": str(KOSOVO_FOOTNOTE)}]
            if any(DESIGNATED_NAME in t for t in texts)
            else []
        )

    @extend_schema_field(LinkSerializer(many=True))
    def get_sources(self, obj):
        return [{"url": self.get_url(obj), "note": "The decision register of the IISG Board Portal"}]
