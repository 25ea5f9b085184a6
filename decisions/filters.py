"""Filters of the decision register, the documents and the actions (django-filter).

Every choice list is drawn from what the user may see: no meeting title, year or organisation
of a draft appears in a drop-down for someone who may not read the draft.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from decisions.models import ActionItem, Decision, Document, DocumentKind, WrittenProcedure
from meetings.models import Meeting
from members.models import Organisation, Pillar


def _visible_meetings(request):
    return Meeting.objects.visible_to(request.user)


def _visible_organisations(request):
    return Organisation.objects.visible_to(request.user)


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


class DecisionFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    verb = django_filters.ChoiceFilter(label=_("Verb"), choices=Decision.Verb.choices, empty_label=_("All verbs"))
    year = django_filters.ChoiceFilter(label=_("Year"), method="filter_year", empty_label=_("All years"))
    pillar = django_filters.ModelChoiceFilter(
        label=_("Pillar"),
        queryset=Pillar.objects.all(),
        to_field_name="code",
        method="filter_pillar",
        empty_label=_("All pillars"),
    )
    meeting = django_filters.ModelChoiceFilter(
        label=_("Meeting"), queryset=_visible_meetings, to_field_name="slug", empty_label=_("All meetings")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=_visible_organisations,
        to_field_name="slug",
        method="filter_organisation",
        empty_label=_("All organisations"),
    )

    class Meta:
        model = Decision
        fields = ["q", "verb", "year", "pillar", "meeting", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        # One query: the years of the meetings and of the closed written procedures the user may see.
        meeting_years = Meeting.objects.visible_to(user).order_by().annotate(y=ExtractYear("start")).values_list("y")
        procedure_years = (
            WrittenProcedure.objects.visible_to(user)
            .exclude(closed_at=None)
            .order_by()
            .annotate(y=ExtractYear("closed_at"))
            .values_list("y")
        )
        years = {year for (year,) in meeting_years.union(procedure_years) if year}
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in sorted(years, reverse=True)]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value) | Q(subject__icontains=value) | Q(wording__icontains=value)
        )

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(Q(meeting__start__year=year) | Q(procedure__closed_at__year=year))

    def filter_pillar(self, queryset, name, pillar):
        return queryset.concerning_pillar(pillar)

    def filter_organisation(self, queryset, name, organisation):
        # Concerned, proposing, or acted on (its membership, a role it or its people held).
        return queryset.concerning_organisation(organisation)


class DocumentFilter(StyledFilterSet):
    pillar = django_filters.ModelChoiceFilter(
        label=_("Pillar"),
        queryset=Pillar.objects.all(),
        to_field_name="code",
        field_name="pillars",
        empty_label=_("All pillars"),
    )
    kind = django_filters.ModelChoiceFilter(
        label=_("Kind"), queryset=DocumentKind.objects.all(), to_field_name="slug", empty_label=_("All kinds")
    )
    year = django_filters.NumberFilter(label=_("Covers the year"), method="filter_year", min_value=1990, max_value=2100)

    class Meta:
        model = Document
        fields = ["pillar", "kind", "year"]

    def filter_year(self, queryset, name, year):
        return queryset.filter(
            Q(period_start__lte=year) | Q(period_start__isnull=True),
            Q(period_end__gte=year) | Q(period_end__isnull=True),
        ).exclude(period_start__isnull=True, period_end__isnull=True)


class ActionItemFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ActionItem.Status.choices, empty_label=_("All statuses")
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"),
        queryset=_visible_organisations,
        to_field_name="slug",
        field_name="owner_organisation",
        empty_label=_("All owners"),
    )

    class Meta:
        model = ActionItem
        fields = ["status", "owner"]
