"""Sign-in, sign-out and the two-factor pages (django-two-factor-auth views with our templates)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import email_views, invitations, languages, two_factor

two_factor_patterns = (
    [
        path("two-factor/setup/", two_factor.SetupView.as_view(), name="setup"),
        path("two-factor/setup/qr.svg", two_factor.QRGeneratorView.as_view(), name="qr"),
        path("two-factor/backup-codes/", two_factor.BackupTokensView.as_view(), name="backup_tokens"),
        path("two-factor/", two_factor.ProfileView.as_view(), name="profile"),
        path("two-factor/remove/", two_factor.DisableView.as_view(), name="disable"),
    ],
    "two_factor",  # the library's templates and views reverse these names
)

urlpatterns = [
    path("login/", two_factor.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The single-use link an admin issues for a Secretariat or admin user's first authenticator.
    path("enrol/<str:token>/", two_factor.follow_enrolment_link, name="enrolment-link"),
    # The single-use link the Secretariat's invitation mails, with which an invited user sets their first password.
    path("invitation/<str:token>/", invitations.follow_invitation, name="invitation"),
    # The signed-in user's choice of optional e-mail (core/notifications.py).
    # The language switcher's form (every page's footer; core/languages.py).
    path("language/", languages.choose_language, name="choose-language"),
    path("email-preferences/", email_views.email_preferences, name="email-preferences"),
    # The one-click unsubscribe link of every optional e-mail: no sign-in, the signed token is the proof.
    path("unsubscribe/<str:token>/", email_views.unsubscribe, name="email-unsubscribe"),
    path("", include(two_factor_patterns)),
]
