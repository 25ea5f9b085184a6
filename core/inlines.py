"""
Every inline of the portal's admin takes at most its `max_num` rows, whatever the post's TOTAL_FORMS says.

Django builds an inline's rows from the posted count up to `absolute_max` (by default max_num + 1,000,
2,000 when no max_num is set), validates and draws them all, and only then says "too many": a meeting's
change form posted with `participations-TOTAL_FORMS=1000000` held a worker for a minute and more.
`LimitedInlineRowsMixin`, which every inline of the admin has (the portal's through core.admin's
PortalTabularInline and PortalStackedInline, a package's own through a subclass registered in
core.admin, such as django-otp's backup codes), makes the formset with `core.forms.limited_rows(max_num)`;
an inline without a max_num of its own takes DEFAULT_INLINE_ROWS. A post asking for more is refused
with the formset's error above the inline's rows; nothing is saved.
"""

from core.forms import limited_rows, with_limited_rows

# For an inline that names no maximum of its own (the portal's inlines each name theirs).
DEFAULT_INLINE_ROWS = 100


class LimitedInlineRowsMixin:
    """For an InlineModelAdmin: its formset takes at most max_num rows (DEFAULT_INLINE_ROWS if it names none)."""

    def get_formset(self, request, obj=None, **kwargs):
        maximum = self.get_max_num(request, obj, **kwargs)
        limits = limited_rows(DEFAULT_INLINE_ROWS if maximum is None else maximum)
        return with_limited_rows(super().get_formset(request, obj, **{**limits, **kwargs}))
