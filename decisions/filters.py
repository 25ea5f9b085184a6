"""Filters of the decision register, the documents and the actions (django-filter).

Every choice list is drawn from what the user may see: no meeting title, year or organisation
of a draft appears in a drop-down for someone who may not read the draft.

The register's meeting and organisation filters do not list every row (thousands at a few years'
volume): each is a text field with a short list of suggestions (a native <datalist>, no script),
that takes the record's slug (`?meeting=<slug>`, `?organisation=<slug>`, as links give it) or part
of its title or name. Several matches answer with an error and the matches as suggestions.
"""

import datetime as dt
from functools import cached_property

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin

from core import search
from core.collation import by_name
from core.text import without_controls
from decisions import effects
from decisions.models import DECISION_FIELDS, ActionItem, Decision, Document, DocumentKind
from meetings.models import Meeting
from members.models import Organisation, Person, Pillar


def _visible_meetings(request):
    return Meeting.objects.visible_to(request.user)


def _visible_organisations(request):
    # The choices in the order of the reader's language (core/collation.py).
    return Organisation.objects.visible_to(request.user).order_by(by_name("name"))


# Suggestions under a lookup field, and matches shown when a text matches several records.
SUGGESTIONS = 30


def _recent_meetings(request):
    """The newest meetings the user may see: the meeting filter's suggestions before anything is typed."""
    return Meeting.objects.visible_to(request.user).only("slug", "title", "start").order_by("-start")[:SUGGESTIONS]


class DatalistInput(forms.TextInput):
    """A text input with a native list of suggestions (value: a slug; label: a title), without script."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.options: list[tuple[str, str]] = []
        self.suggest = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.options_to_show():
            context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}-options"
        return context

    def options_to_show(self) -> list[tuple[str, str]]:
        if not self.options and self.suggest is not None:
            self.options = list(self.suggest())
            self.suggest = None
        return self.options

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        options = self.options_to_show()
        if not options:
            return html
        list_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or name}-options"
        items = format_html_join("", '<option value="{}">{}</option>', options)
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, items)


class LookupField(forms.Field):
    """
    One record of `queryset` (what the user may see) by `to_field_name` (its slug), or by part of
    `search_field` when that matches exactly one; otherwise an error, with the matches suggested.
    """

    widget = DatalistInput

    def __init__(self, queryset, to_field_name="slug", search_field="name", suggestions=None, **kwargs):
        kwargs.pop("empty_label", None)
        super().__init__(**kwargs)
        # A queryset, or a callable that gives it: built only when a value is looked up (LookupFilter).
        self._queryset = queryset
        self.to_field_name = to_field_name
        self.search_field = search_field
        self.widget.suggest = suggestions
        self.widget.attrs.setdefault("autocomplete", "off")

    @cached_property
    def queryset(self):
        return self._queryset() if callable(self._queryset) else self._queryset

    def _option(self, record) -> tuple[str, str]:
        return getattr(record, self.to_field_name), str(getattr(record, self.search_field))

    def to_python(self, value):
        # PostgreSQL refuses a NUL in a query; no control character means anything in a name.
        value = without_controls(value or "").strip()
        if not value or value in self.empty_values:
            return None
        slugged = self.queryset.filter(**{self.to_field_name: value[:200]}).first()
        if slugged is not None:
            return slugged
        matches = list(
            self.queryset.filter(**{f"{self.search_field}__icontains": value[:200]}).order_by(self.search_field)[
                : SUGGESTIONS + 1
            ]
        )
        if len(matches) == 1:
            return matches[0]
        self.widget.options = [self._option(record) for record in matches[:SUGGESTIONS]]
        self.widget.suggest = None
        if not matches:
            raise ValidationError(_("Nothing you may see matches this; check the spelling."), code="invalid_choice")
        raise ValidationError(_("Several match: choose one from the suggestions."), code="ambiguous")


class LookupFilter(QuerySetRequestMixin, django_filters.Filter):
    """A ModelChoiceFilter without the list of every choice (LookupField)."""

    field_class = LookupField

    def get_request(self):
        try:
            return self.parent.request
        except AttributeError:
            return None

    @property
    def field(self):
        request = self.get_request()
        suggest = self.extra.pop("suggest", None)
        if suggest is not None and request is not None:
            self.extra["suggestions"] = lambda: [(m.slug, str(m)) for m in suggest(request)]
        # What the user may see (visible_to), built when a value is looked up, not for every page of the
        # register: building the organisations' rule alone cost 38 ms of Python at 100 times the volume.
        self.extra["queryset"] = lambda: self.get_queryset(request)
        return django_filters.Filter.field.fget(self)


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class StyledFilterSet(django_filters.FilterSet):
    @property
    def form(self):
        form = super().form
        _style(form)
        return form


class DateInput(forms.DateInput):
    """A native date picker (type=date): the value in ISO form, as the URL keeps it."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _visible_people(request):
    return Person.objects.visible_to(request.user).order_by(by_name("name"))


class DecisionFilter(StyledFilterSet):
    """
    The register's filters, one set for the page, its CSV and JSON exports and its Atom feed: each is a
    parameter of the URL (`?did=admitted&from=2020-01-01`), so a filtered register can be linked, exported
    and followed. An old link with `?year=2022` is read as the range of that year.
    """

    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    did = django_filters.ChoiceFilter(
        label=_("What the decision did"),
        choices=effects.did_choices,
        method="filter_did",
        empty_label=_("Anything"),
    )
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_from", widget=DateInput, help_text=_("Taken on or after this day.")
    )
    date_to = django_filters.DateFilter(
        label=_("To"), method="filter_to", widget=DateInput, help_text=_("Taken on or before this day.")
    )
    organisation = LookupFilter(
        label=_("Organisation"),
        queryset=_visible_organisations,
        search_field="name",
        method="filter_organisation",
        help_text=_("What it acted on, concerned or proposed it: part of its name."),
    )
    person = LookupFilter(
        label=_("Person"),
        queryset=_visible_people,
        search_field="name",
        method="filter_person",
        help_text=_("Part of the name."),
    )
    pillar = django_filters.ModelChoiceFilter(
        label=_("Pillar"),
        queryset=Pillar.objects.all(),
        to_field_name="code",
        method="filter_pillar",
        empty_label=_("All pillars"),
    )
    meeting = LookupFilter(
        label=_("Meeting"),
        queryset=_visible_meetings,
        search_field="title",
        suggest=_recent_meetings,
        help_text=_("Part of its title, or choose a recent one."),
    )
    # The wording's verb (endorsed, adopted, took note…), in plain words.
    verb = django_filters.ChoiceFilter(
        label=_("Outcome as worded"), choices=Decision.Verb.choices, empty_label=_("Any wording")
    )

    class Meta:
        model = Decision
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(_with_year_as_range(data), *args, **kwargs)

    def filter_text(self, queryset, name, value):
        # The search index (core.search; a containment match without PostgreSQL), or a reference's beginning.
        match = search.matching(queryset, value, [("search_vector", DECISION_FIELDS)])
        if match is None:
            return queryset
        if search.uses_full_text_search(queryset):
            match |= Q(reference__startswith=value.strip().upper())
        return queryset.filter(match)

    def filter_did(self, queryset, name, value):
        return queryset.filter(effects.decisions_that_did(value, self.request.user))

    def filter_from(self, queryset, name, day):
        return _decided_between(queryset, start=_start_of(day))

    def filter_to(self, queryset, name, day):
        if day >= dt.date.max:
            return queryset
        return _decided_between(queryset, end=_start_of(day + dt.timedelta(days=1)))

    def filter_pillar(self, queryset, name, pillar):
        return queryset.concerning_pillar(pillar)

    def filter_organisation(self, queryset, name, organisation):
        # Concerned, proposing, or acted on (its membership, a role it or its people held).
        return queryset.concerning_organisation(organisation)

    def filter_person(self, queryset, name, person):
        return queryset.concerning_person(person)


# `from` and `to` in the URL: Python keywords, so named after the class is made (the form's order kept).
DecisionFilter.base_filters = {
    {"date_from": "from", "date_to": "to"}.get(name, name): item for name, item in DecisionFilter.base_filters.items()
}


def _decided_between(decisions, *, start=None, end=None):
    """
    Decisions taken from `start` (included) to `end` (excluded): at a meeting that started then, or by a
    written procedure closed then. On the meeting's start through the join the register's walk of
    meeting_start_idx already makes (newest_first_ids), not a subquery of meetings, which made PostgreSQL
    read every decision (bench/explain_register.py: 60 ms, as the year filter before, against 360 ms).
    """
    bounds = {"gte": start, "lt": end}
    at_meeting = Q(**{f"meeting__start__{op}": value for op, value in bounds.items() if value})
    by_procedure = Q(meeting__isnull=True, **{f"procedure__closed_at__{op}": v for op, v in bounds.items() if v})
    return decisions.filter(at_meeting | by_procedure)


def _start_of(day: dt.date) -> dt.datetime:
    """The first moment of `day` in the portal's zone: the bound an index on a datetime column can use."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _with_year_as_range(data):
    """Old links' `?year=2022` as `from=2022-01-01&to=2022-12-31` (when neither is given)."""
    if data is None or not data.get("year") or data.get("from") or data.get("to"):
        return data
    year = without_controls(data.get("year", "")).strip()
    data = data.copy()
    data.pop("year", None)
    if year.isdigit() and 1 <= int(year) <= 9999:
        data["from"], data["to"] = f"{int(year):04d}-01-01", f"{int(year):04d}-12-31"
    return data


class DocumentFilter(StyledFilterSet):
    pillar = django_filters.ModelChoiceFilter(
        label=_("Pillar"),
        queryset=Pillar.objects.all(),
        to_field_name="code",
        method="filter_pillar",
        empty_label=_("All pillars"),
    )
    kind = django_filters.ModelChoiceFilter(
        label=_("Kind"), queryset=DocumentKind.objects.all(), to_field_name="slug", empty_label=_("All kinds")
    )
    year = django_filters.NumberFilter(label=_("Covers the year"), method="filter_year", min_value=1990, max_value=2100)

    class Meta:
        model = Document
        fields = ["pillar", "kind", "year"]

    def filter_pillar(self, queryset, name, pillar):
        # A subquery of ids, not a join: a document is listed once, without DISTINCT over every row.
        return queryset.filter(pk__in=Document.pillars.through.objects.filter(pillar=pillar).values("document"))

    def filter_year(self, queryset, name, year):
        return queryset.filter(
            Q(period_start__lte=year) | Q(period_start__isnull=True),
            Q(period_end__gte=year) | Q(period_end__isnull=True),
        ).exclude(period_start__isnull=True, period_end__isnull=True)


class ActionItemFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ActionItem.Status.choices, empty_label=_("All statuses")
    )
    # Like the register's organisation filter: a text field, not a list of every organisation.
    owner = LookupFilter(
        label=_("Owner"),
        queryset=_visible_organisations,
        search_field="name",
        field_name="owner_organisation",
        help_text=_("Part of its name."),
    )

    class Meta:
        model = ActionItem
        fields = ["status", "owner"]
