"""
Every inline of every admin takes at most its `max_num` rows, whatever the post's TOTAL_FORMS says.

Django builds an inline's rows from the posted count up to `absolute_max` (by default max_num + 1,000,
2,000 when no max_num is set), validates and draws them all, and only then says "too many": a meeting's
change form posted with `participations-TOTAL_FORMS=1000000` held a worker for a minute and more. Done
once, on Django's InlineModelAdmin, when the apps are ready (core.apps), so that every inline of every
app has it, a package's own included (django-otp's backup codes): the formset is made with
`core.forms.limited_rows(max_num)`, and an inline without a max_num of its own takes DEFAULT_INLINE_ROWS.
A post asking for more is refused with the formset's error above the inline's rows; nothing is saved.
"""

from django.contrib.admin.options import InlineModelAdmin

from core.forms import limited_rows, with_limited_rows

# For an inline that names no maximum of its own (the portal's inlines each name theirs).
DEFAULT_INLINE_ROWS = 100


def limit_inline_rows() -> None:
    """Wrap InlineModelAdmin.get_formset (once) so that every inline's formset takes at most max_num rows."""
    original = InlineModelAdmin.get_formset
    if getattr(original, "portal_limited", False):
        return

    def get_formset(self, request, obj=None, **kwargs):
        maximum = self.get_max_num(request, obj, **kwargs)
        limits = limited_rows(DEFAULT_INLINE_ROWS if maximum is None else maximum)
        return with_limited_rows(original(self, request, obj, **{**limits, **kwargs}))

    get_formset.portal_limited = True
    InlineModelAdmin.get_formset = get_formset
