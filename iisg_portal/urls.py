"""Root URLs. Each app owns its own URLs under its namespace."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from meetings import views as meeting_views

urlpatterns = [
    path("", meeting_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("meetings.urls")),
    path("", include("decisions.urls")),
    path("", include("members.urls")),
    # The Secretariat's editing pages.
    path("", include("meetings.edit_urls")),
    path("", include("decisions.edit_urls")),
    path("", include("members.edit_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
