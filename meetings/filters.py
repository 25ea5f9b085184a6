"""Filters of /meetings/: kind and year, choices drawn only from the meetings the user may see."""

import django_filters
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting


class MeetingFilter(django_filters.FilterSet):
    """Kind and year; `year` offers only the years of the meetings in the queryset it is given."""

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Meeting.Kind.choices, empty_label=_("All kinds"))
    year = django_filters.ChoiceFilter(
        label=_("Year"), field_name="start", lookup_expr="year", empty_label=_("All years")
    )

    class Meta:
        model = Meeting
        fields = ["kind", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The years on offer are those of the meetings the user may see: no year betrays a draft.
        years = sorted({moment.year for moment in self.queryset.order_by().datetimes("start", "year")}, reverse=True)
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in years]

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")
        return form
