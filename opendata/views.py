"""
The open-data API (read only): the published public record, always as the public reads it, whoever
asks. The views have no authentication class, so DRF's request.user is the anonymous user; every row
comes through the models' `visible_to(AnonymousUser())` and the public projections the pages use.
"""

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.urls import reverse as django_reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from decisions.feeds import as_the_public
from decisions.filters import DecisionFilter
from decisions.models import Decision, NewestFirstPages
from meetings.filters import MeetingFilter
from meetings.models import Meeting, Participation, PublicParticipation
from members.models import Membership, Organisation, Person, Post, RoleHeld
from opendata import shapes
from opendata.identifiers import ROLE_KEY_PREFIX, parse_key
from opendata.pagination import PER_PAGE, Chain, LookAheadPagination
from opendata.public import public_rows


def public_user():
    return AnonymousUser()


class PublicApiMixin:
    """
    Always the public's answer: no session is read for it (no authentication class, and DRF is not even
    asked to authenticate, so the signed-in user of the request stays as it is for the middleware that
    marks a signed-in user's answer private). Reading from another origin is the point of open data:
    GET from any origin, without credentials (CORS).
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    def initialize_request(self, request, *args, **kwargs):
        # DRF's user is the anonymous one from the start: DRF never authenticates, and so never writes its
        # anonymous user over the request's own (which the middleware reads to mark the answer private).
        public = super().initialize_request(request, *args, **kwargs)
        public._user, public._auth = AnonymousUser(), None
        return public

    def perform_authentication(self, request):
        pass

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


class PublicFilterBackend(DjangoFilterBackend):
    """The filter sets of the pages, given the request as the public makes it (what their choices draw on)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["request"] = as_the_public(request._request)
        return kwargs


class PublicFilterParameters(OpenApiFilterExtension):
    """
    The query parameters of a filter set, for the OpenAPI description: a string each, a date where it is one,
    its choices where they are fixed (those drawn from the data, or computed, are left open). drf-spectacular's
    own django-filter extension guesses types from model fields, which the register's lookups are not.
    """

    target_class = "opendata.views.PublicFilterBackend"
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        parameters = []
        for name, item in auto_schema.view.filterset_class.base_filters.items():
            schema = {"type": "string"}
            if isinstance(item, django_filters.DateFilter):
                schema["format"] = "date"
            choices = item.extra.get("choices")
            if choices and not callable(choices):
                schema["enum"] = [str(value) for value, _label in choices]
            description = str(item.label or "") + (f" {item.extra['help_text']}" if item.extra.get("help_text") else "")
            parameters.append(
                {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
            )
        return parameters


class OpenDataViewSet(PublicApiMixin, viewsets.GenericViewSet):
    renderer_classes = [JSONRenderer]
    pagination_class = LookAheadPagination
    filter_backends = []

    def rows(self, queryset):
        """What a page is sliced from (a queryset unless a view reads its rows in steps)."""
        return queryset

    def list(self, request):
        page = self.paginate_queryset(self.rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        key = parse_key(self.kwargs["pk"])
        row = self.get_queryset().filter(pk=key).first() if key is not None else None
        if row is None:
            raise NotFound()
        return row

    def retrieve(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)


PARAMETER_ERRORS = OpenApiResponse(
    response={
        "type": "object",
        "description": "Each parameter in error, with its messages.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description="A parameter in error: named, with what is wrong with it.",
)
NOT_FOUND = OpenApiResponse(
    response={"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
    description="No such object in the public record (unknown, or not public).",
)


def documented(serializer, tag: str):
    """The OpenAPI description of a list and its objects: their shape, a 400 for a bad parameter, a 404."""
    return extend_schema_view(
        list=extend_schema(tags=[tag], responses={200: serializer(many=True), 400: PARAMETER_ERRORS}),
        retrieve=extend_schema(tags=[tag], responses={200: serializer, 404: NOT_FOUND}),
    )


class OrganizationFilter(django_filters.FilterSet):
    classification = django_filters.ChoiceFilter(field_name="kind", choices=Organisation.Kind.choices)

    class Meta:
        model = Organisation
        fields = ["classification"]


@documented(shapes.OrganizationSerializer, "Popolo")
class OrganizationViewSet(OpenDataViewSet):
    """Organisations of the public record (Popolo Organization), by id."""

    serializer_class = shapes.OrganizationSerializer
    filter_backends = [PublicFilterBackend]
    filterset_class = OrganizationFilter

    def get_queryset(self):
        return public_rows(Organisation).order_by("pk")


@documented(shapes.PersonSerializer, "Popolo")
class PersonViewSet(OpenDataViewSet):
    """People the public record names (Popolo Person): chairs, hosts, speakers, post holders, proposers."""

    serializer_class = shapes.PersonSerializer

    def get_queryset(self):
        return public_rows(Person).order_by("pk")


@documented(shapes.PostSerializer, "Popolo")
class PostViewSet(OpenDataViewSet):
    """The posts of the IISG (Popolo Post)."""

    serializer_class = shapes.PostSerializer

    def get_queryset(self):
        return Post.objects.order_by("pk")


class MembershipQuery(forms.Form):
    organization = forms.SlugField(required=False, max_length=220)
    classification = forms.ChoiceField(
        required=False, choices=[("", ""), *Membership.Category.choices, ("post", _("Post"))]
    )
    # In force at some time from `from` to `to` (both days included); `from` and `to` are Python keywords.
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)

    def __init__(self, data):
        data = data.copy()
        for name in ("from", "to"):
            if name in data:
                data[f"date_{name}"] = data.pop(name)[-1]
        super().__init__(data)

    def clean_organization(self):
        slug = self.cleaned_data["organization"]
        if slug and not public_rows(Organisation).filter(slug=slug).exists():
            raise forms.ValidationError(_("No organisation of the public record has this slug."))
        return slug

    def clean(self):
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end is before the start."))
        return self.cleaned_data

    @property
    def errors_by_parameter(self) -> dict:
        return {{"date_from": "from", "date_to": "to"}.get(name, name): errors for name, errors in self.errors.items()}


def in_force(rows, start_field: str, end_field: str, start, end):
    """Rows whose term (a start and an end, either not on record) meets the days from `start` to `end`."""
    if end:
        rows = rows.filter(Q(**{f"{start_field}__isnull": True}) | Q(**{f"{start_field}__lte": end}))
    if start:
        rows = rows.filter(Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start}))
    return rows


class MembershipFilterBackend:
    """
    `organization` (a slug: the member, the holder or whom a holder represented), `classification`, and
    `from`/`to`: in force at some time in that range.
    """

    def filter_queryset(self, request, chain, view):
        query = MembershipQuery(request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors_by_parameter)
        return query.cleaned_data

    def get_schema_operation_parameters(self, view):
        classifications = [value for value, _label in Membership.Category.choices] + ["post"]
        day = {"type": "string", "format": "date"}
        return [
            {
                "name": "organization",
                "in": "query",
                "required": False,
                "description": "The organisation's slug (identifiers, scheme iisg-slug).",
                "schema": {"type": "string"},
            },
            {
                "name": "classification",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": classifications},
            },
            {"name": "from", "in": "query", "required": False, "description": "In force on or after.", "schema": day},
            {"name": "to", "in": "query", "required": False, "description": "In force on or before.", "schema": day},
        ]


@documented(shapes.MembershipSerializer, "Popolo")
class MembershipViewSet(OpenDataViewSet):
    """Organisations' memberships of the IISG, then roles held (memberships of a post): Popolo Membership."""

    serializer_class = shapes.MembershipSerializer
    filter_backends = [MembershipFilterBackend]

    def memberships(self):
        # correlated: NOT EXISTS for the page's few rows, walked in key order (visible_to's own option).
        return public_rows(Membership, correlated=True).select_related("organisation").order_by("pk")

    def roles(self):
        # What a role's shape prints (with_people() less the proposers, which it does not): fewer joins to plan.
        printed = ("post", "person", "organisation", "represented", "pillar")
        return public_rows(RoleHeld).select_related(*printed).order_by("pk")

    def get_queryset(self):
        return Membership.objects.none()  # the lists are read by memberships() and roles()

    def list(self, request):
        wanted = self.filter_queryset(None)
        memberships, roles = self.memberships(), self.roles()
        if slug := wanted["organization"]:
            memberships = memberships.filter(organisation__slug=slug)
            roles = roles.filter(organisation__slug=slug) | roles.filter(represented__slug=slug)
        if classification := wanted["classification"]:
            is_post = classification == "post"
            memberships = memberships.none() if is_post else memberships.filter(category=classification)
            roles = roles if is_post else roles.none()
        memberships = in_force(memberships, "since", "until", wanted["date_from"], wanted["date_to"])
        roles = in_force(roles, "start", "end", wanted["date_from"], wanted["date_to"])
        page = self.paginate_queryset(Chain(memberships, roles))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        text = self.kwargs["pk"]
        rows = self.memberships()
        if text.startswith(ROLE_KEY_PREFIX):
            text, rows = text[len(ROLE_KEY_PREFIX) :], self.roles()
        key = parse_key(text)
        row = rows.filter(pk=key).first() if key is not None else None
        if row is None:
            raise NotFound()
        return row


class EventFilter(MeetingFilter):
    """The meetings page's filter set (kind, pillar, year), and a range of days the meeting began in."""

    date_from = django_filters.DateFilter(
        field_name="start", lookup_expr="date__gte", label=_("From"), help_text=_("Began on or after this day.")
    )
    date_to = django_filters.DateFilter(
        field_name="start", lookup_expr="date__lte", label=_("To"), help_text=_("Began on or before this day.")
    )


# `from` and `to` in the URL, as on the register (Python keywords: named after the class is made).
EventFilter.base_filters = {
    {"date_from": "from", "date_to": "to"}.get(name, name): item for name, item in EventFilter.base_filters.items()
}


@extend_schema_view(
    list=extend_schema(
        tags=["Open Civic Data"], responses={200: shapes.EventListSerializer(many=True), 400: PARAMETER_ERRORS}
    ),
    retrieve=extend_schema(tags=["Open Civic Data"], responses={200: shapes.EventSerializer, 404: NOT_FOUND}),
)
class EventViewSet(OpenDataViewSet):
    """Published meetings as Open Civic Data events, newest first; filtered like /meetings/, and by days."""

    serializer_class = shapes.EventSerializer
    filter_backends = [PublicFilterBackend]
    filterset_class = EventFilter

    def get_serializer_class(self):
        return shapes.EventListSerializer if self.action == "list" else shapes.EventSerializer

    def get_queryset(self):
        decisions = public_rows(Decision).order_by("sequence", "reference")
        return (
            public_rows(Meeting)
            .select_related("pillar")
            .prefetch_related(Prefetch("decisions", queryset=decisions, to_attr="public_decisions"))
            .order_by("-start", "pk")
        )

    def get_object(self):
        meeting = super().get_object()
        # Who took part, read through the public projection only (meetings.PublicParticipation).
        rows = Participation.objects.visible_to(public_user()).filter(meeting=meeting)
        rows = rows.select_related("organisation").order_by("order", "pk")
        meeting.public_participations = [PublicParticipation(row) for row in rows]
        return meeting


@documented(shapes.DecisionSerializer, "Popolo")
class DecisionViewSet(OpenDataViewSet):
    """The decision register's published decisions (Popolo Motion), newest first, with the register's filters."""

    serializer_class = shapes.DecisionSerializer
    filter_backends = [PublicFilterBackend]
    filterset_class = DecisionFilter

    def get_queryset(self):
        return public_rows(Decision)

    def with_rows(self, decisions):
        """
        with_acted_on(the public)'s rows, with what an answer prints of what they name and acted on: the
        same rules (each model's visible_to, compiled once: opendata.public), only the columns printed, and
        no documents (an answer gives their count, `members_only_documents`, never which they are).
        """
        return (
            decisions.with_acted_on(public_user())
            .prefetch_related(None)
            .order_by()  # the page puts its rows in the order of its ids
            .prefetch_related(
                Prefetch("meeting", queryset=public_rows(Meeting).only("pk", "start", "time_zone")),
                Prefetch(
                    "memberships",
                    queryset=public_rows(Membership, correlated=True).only("pk"),
                    to_attr="visible_memberships",
                ),
                Prefetch("roles", queryset=public_rows(RoleHeld, correlated=True).only("pk"), to_attr="visible_roles"),
                Prefetch(
                    "concerns_organisations",
                    queryset=Organisation.objects.order_by("name").only("pk", "name", "designation_footnote"),
                    to_attr="concerned_organisations",
                ),
                Prefetch("concerns_people", queryset=Person.objects.only("pk", "name"), to_attr="concerned_people"),
            )
        )

    def rows(self, queryset):
        # The register's two steps (decisions.NewestFirstPages): the page's ids, index-ordered, then the rows.
        return NewestFirstPages(queryset, self.with_rows)

    def get_object(self):
        key = parse_key(self.kwargs["pk"])
        row = self.with_rows(self.get_queryset().filter(pk=key)).first() if key is not None else None
        if row is None:
            raise NotFound()
        return row


class IndexView(PublicApiMixin, APIView):
    """Where each list is: the entry point of the API."""

    renderer_classes = [JSONRenderer]

    @extend_schema(
        responses={
            200: {
                "type": "object",
                "properties": {
                    "openapi": {"type": "string", "format": "uri"},
                    "documentation": {"type": "string", "format": "uri"},
                    "lists": {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}},
                },
                "required": ["openapi", "documentation", "lists"],
            }
        }
    )
    def get(self, request):
        names = ["organizations", "persons", "memberships", "posts", "events", "decisions"]
        singular = {"persons": "person"}
        return Response(
            {
                "openapi": reverse("opendata:api-openapi", request=request),
                "documentation": reverse("opendata:api-documentation", request=request),
                "lists": {
                    name: reverse(f"opendata:api-{singular.get(name, name[:-1])}-list", request=request)
                    for name in names
                },
            }
        )


class OpenAPIView(PublicApiMixin, SpectacularJSONAPIView):
    """The OpenAPI 3 description, generated by drf-spectacular from the views and shapes."""


def documentation(request):
    """The human page: what the API is, the standards, the endpoints with an example each, the spec."""
    return render(
        request, "opendata/index.html", {"per_page": PER_PAGE, "spec": django_reverse("opendata:api-openapi")}
    )
