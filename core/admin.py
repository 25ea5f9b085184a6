"""The admin's side of the two-factor rule: reset a user's second factor, logged."""

import logging

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.two_factor import remove_second_factor

logger = logging.getLogger("core.two_factor")


@admin.action(description=_("Reset two-factor sign-in (the user sets up a new authenticator)"))
def reset_two_factor(modeladmin, request, queryset):
    for user in queryset:
        removed = remove_second_factor(user)
        # The admin's own log shows who reset whose second factor, and when.
        modeladmin.log_change(
            request, user, _("Reset two-factor sign-in (%(count)d devices removed).") % {"count": removed}
        )
        logger.warning("Admin %s reset the second factor of user %s (%d devices)", request.user.pk, user.pk, removed)
    count = len(queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "Two-factor sign-in reset for %(count)d user: they set up a new authenticator at their next sign-in.",
            "Two-factor sign-in reset for %(count)d users: they set up a new authenticator at their next sign-in.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


class PortalUserAdmin(UserAdmin):
    actions = [reset_two_factor]


admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
