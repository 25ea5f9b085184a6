"""
The base classes of the portal's admin (`PortalAdmin`, `PortalTabularInline`, `PortalStackedInline`):
each says what it adds to Django's and simple-history's classes, none of which is changed
(core/autocomplete.py, core/inlines.py, core/history.py); the packages' admins that need the same
(django-otp's backup codes, Django's groups) are registered again here with the mixins.

The admin's side of the two-factor rule, each step in the admin log: reset a user's second factor;
issue an enrolment link, with which a Secretariat or admin user sets up their first authenticator
(from the Users list, or the button on a user's page).
"""

import logging

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin, StaticTokenInline
from django_otp.plugins.otp_static.models import StaticDevice
from simple_history.admin import SimpleHistoryAdmin

from core.autocomplete import SafeAutocompleteAdminMixin
from core.dates import long_datetime
from core.history import SafeHistoryAdminMixin
from core.inlines import LimitedInlineRowsMixin
from core.roles import BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP, is_secretariat
from core.two_factor import EnrolmentRefused, enrolment_link_refusal, issue_enrolment_link, remove_second_factor

logger = logging.getLogger("core.two_factor")


class PortalAdmin(SafeAutocompleteAdminMixin, SafeHistoryAdminMixin, SimpleHistoryAdmin):
    """
    Every ModelAdmin of the portal's records: history pages that answer an id that is no id with a 404,
    autocomplete widgets and multiple choices that answer one with a form error.
    """


class PortalInlineMixin(SafeAutocompleteAdminMixin, LimitedInlineRowsMixin):
    """Every inline of the admin: at most its max_num rows, whatever is posted, and safe autocomplete fields."""


class PortalTabularInline(PortalInlineMixin, admin.TabularInline):
    pass


class PortalStackedInline(PortalInlineMixin, admin.StackedInline):
    pass


# --- The packages' admins, with the same rules ---------------------------------------------------------


class LimitedStaticTokenInline(LimitedInlineRowsMixin, StaticTokenInline):
    """django-otp's backup codes of a device: ten are made at a time; no post makes the page build more."""

    max_num = 100


class PortalStaticDeviceAdmin(StaticDeviceAdmin):
    inlines = [LimitedStaticTokenInline]


class PortalGroupAdmin(SafeAutocompleteAdminMixin, GroupAdmin):
    """
    Django's groups, their permissions a RecordsChoiceField (an id beyond the column's range: a form error).
    The role groups' permissions come from the permissions table after every migrate: the page says so.
    """

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "permissions" and field is not None:
            field.help_text = _(
                "The permissions of the groups %(groups)s are set from the portal's permissions table at every "
                "update of the portal (migrate): a change made here to those groups does not last."
            ) % {"groups": ", ".join([f"“{name}”" for name in (SECRETARIAT_GROUP, BOARD_MEMBERS_GROUP)])}
        return field


admin.site.unregister(StaticDevice)
admin.site.register(StaticDevice, PortalStaticDeviceAdmin)
admin.site.unregister(Group)
admin.site.register(Group, PortalGroupAdmin)


@admin.action(description=_("Reset two-factor sign-in (the user sets up a new authenticator)"))
def reset_two_factor(modeladmin, request, queryset):
    users = list(queryset.order_by("username"))
    for user in users:
        removed = remove_second_factor(user)
        # The admin's own log shows who reset whose second factor, and when.
        modeladmin.log_change(
            request, user, _("Reset two-factor sign-in (%(count)d devices removed).") % {"count": removed}
        )
        logger.warning("Admin %s reset the second factor of user %s (%d devices)", request.user.pk, user.pk, removed)
    modeladmin.message_user(
        request,
        ngettext(
            "Two-factor sign-in reset for %(count)d user.",
            "Two-factor sign-in reset for %(count)d users.",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )
    # Who must have a second factor can now sign in only through an enrolment link: offer to issue them.
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Two-factor sign-in reset"),
        "opts": modeladmin.opts,
        "need_link": [user for user in users if is_secretariat(user)],
        "others": [user for user in users if not is_secretariat(user)],
    }
    return TemplateResponse(request, "core/admin/two_factor_reset.html", context)


@admin.action(description=_("Issue an enrolment link (to set up a first authenticator)"))
def issue_enrolment_links(modeladmin, request, queryset):
    return modeladmin.issue_links(request, list(queryset.order_by("username")))


class PortalUserAdmin(SafeAutocompleteAdminMixin, UserAdmin):
    actions = [reset_two_factor, issue_enrolment_links]
    change_form_template = "core/admin/user_change_form.html"

    def get_urls(self):
        issue = self.admin_site.admin_view(self.enrolment_link_view)
        return [path("<path:object_id>/enrolment-link/", issue, name="auth_user_enrolment_link"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, unquote(object_id))
        extra = {"may_issue_enrolment_link": user is not None and enrolment_link_refusal(user) is None}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def enrolment_link_view(self, request, object_id):
        """A user's enrolment link: what is open now, and a button that issues a new one (POST)."""
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if request.method == "POST":
            return self.issue_links(request, [user])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrolment link for %(user)s") % {"user": user.get_username()},
            "opts": self.opts,
            "original": user,
            "refusal": enrolment_link_refusal(user),
            "open_link": user.enrolment_links.usable().first(),
        }
        return TemplateResponse(request, "core/admin/enrolment_link_confirm.html", context)

    def issue_links(self, request, users):
        """Issue a link for each user who may have one; the page shows each secret, this once only."""
        issued, refused = [], []
        for user in users:
            try:
                new = issue_enrolment_link(user=user, issued_by=request.user)
            except EnrolmentRefused as refusal:
                refused.append((user, str(refusal)))
                continue
            expires = timezone.localtime(new.link.expires_at)
            # The log names the link's expiry, never its secret.
            self.log_change(
                request,
                user,
                _("Issued an enrolment link, valid until %(expires)s; older links no longer work.")
                % {"expires": long_datetime(expires)},
            )
            issued.append({"user": user, "url": request.build_absolute_uri(new.path), "expires": expires})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrolment links"),
            "opts": self.opts,
            "issued": issued,
            "refused": refused,
        }
        response = TemplateResponse(request, "core/admin/enrolment_links.html", context)
        # The secrets are in this page only: no cache, no back-button copy.
        add_never_cache_headers(response)
        return response


admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
