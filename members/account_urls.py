"""Sign-in, sign-out and two-factor pages (Django's auth views with our templates)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from members import two_factor

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", two_factor.verify, name="two-factor-verify"),
    path("two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("two-factor/setup/qr.svg", two_factor.qr_code, name="two-factor-qr"),
]
