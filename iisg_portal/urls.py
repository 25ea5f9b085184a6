"""Root URLs. Each app owns its own URLs under its namespace; the pages that compose apps are the site's (portal)."""

from django.contrib import admin
from django.urls import include, path

from portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accounts/", include("core.account_urls")),
    path("admin/", admin.site.urls),
    path("", include("portal.urls")),
    path("", include("meetings.urls")),
    path("", include("decisions.urls")),
    # The open-data API and its documentation page (site layer).
    path("", include("opendata.urls")),
    # The Secretariat's editing pages.
    path("", include("meetings.edit_urls")),
    path("", include("decisions.edit_urls")),
    path("", include("members.edit_urls")),
]
# A PermissionDenied anywhere: to the sign-in for a user not signed in, else the portal's 403 page.
handler403 = "core.errors.permission_denied"
# Uploaded files are never served from MEDIA_URL, not even with DEBUG on: every download goes
# through the documents' access check (decisions:document-download).
