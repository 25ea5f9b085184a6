"""Filters of /meetings/: kind, pillar and year, choices drawn only from the meetings the user may list."""

import django_filters
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from core.choice_widgets import ListSelect
from meetings.models import Meeting


class MeetingFilter(django_filters.FilterSet):
    """
    Kind, pillar and year; `pillar` and `year` offer only the pillars and years of the meetings in the
    queryset it is given (those the user may list): no choice betrays a draft.
    """

    # ListSelect: Django's markup without a template per option (a pillar's and a year's grow with the data).
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Meeting.Kind.choices, empty_label=_("All kinds"), widget=ListSelect
    )
    pillar = django_filters.ChoiceFilter(
        label=_("Pillar"), field_name="pillar__code", empty_label=_("All pillars"), widget=ListSelect
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"), field_name="start", lookup_expr="year", empty_label=_("All years"), widget=ListSelect
    )

    class Meta:
        model = Meeting
        fields = ["kind", "pillar", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for both lists of choices: the (year, pillar) pairs of the meetings listed. The year
        # is counted in the portal's time zone, as the filter's `start__year` lookup counts it.
        pairs = set(
            self.queryset.order_by()
            .annotate(listed_year=ExtractYear("start"))
            .values_list("listed_year", "pillar__code", "pillar__name")
            .distinct()
        )
        years = sorted({year for year, _code, _name in pairs}, reverse=True)
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in years]
        pillars = sorted({(code, name) for _year, code, name in pairs if code})
        self.filters["pillar"].extra["choices"] = [(code, f"{code} — {name}") for code, name in pillars]

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")
        return form
