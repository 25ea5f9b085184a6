"""
The portal's admin site: Django's, whose sign-in page sends people to the portal's (password and
second factor), then back to the admin page they asked for. Made the default site by
core.apps.PortalAdminConfig, in place of django-two-factor-auth's patch of Django's AdminSite
(TWO_FACTOR_PATCH_ADMIN, off).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


class PortalAdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        """The portal's sign-in, then the admin page asked for (if it is one of this host's)."""
        redirect_to = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME))
        if not redirect_to or not url_has_allowed_host_and_scheme(
            url=redirect_to, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            redirect_to = resolve_url(settings.LOGIN_REDIRECT_URL)
        return redirect_to_login(redirect_to)
