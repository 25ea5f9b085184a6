"""Editing pages of the Secretariat for the registers of members (under /edit/, clear of the reading URLs)."""

from django.urls import path

from members import edit_views
from members.access import views as access_views

app_name = "members-edit"

urlpatterns = [
    path("edit/organisations/new/", edit_views.organisation_create, name="organisation-create"),
    path("edit/organisations/<slug:slug>/", edit_views.organisation_edit, name="organisation-edit"),
    path("edit/organisations/<slug:slug>/access/", access_views.organisation_access, name="organisation-access"),
    path("edit/organisations/<slug:slug>/access/new/", access_views.access_give, name="access-give"),
    path(
        "edit/organisations/<slug:slug>/access/people/<int:pk>/invite-again/",
        access_views.access_invite_again,
        name="access-invite-again",
    ),
    path(
        "edit/organisations/<slug:slug>/access/people/<int:pk>/remove/",
        access_views.access_remove,
        name="access-remove",
    ),
    path("edit/organisations/<slug:slug>/memberships/new/", edit_views.membership_create, name="membership-create"),
    path("edit/memberships/<int:pk>/end/", edit_views.membership_end, name="membership-end"),
    path("edit/people/new/", edit_views.person_create, name="person-create"),
    path("edit/people/<int:pk>/", edit_views.person_edit, name="person-edit"),
    path("edit/pillars/new/", edit_views.pillar_create, name="pillar-create"),
    path("edit/roles/new/", edit_views.role_create, name="role-create"),
    path("edit/roles/<int:pk>/", edit_views.role_edit, name="role-edit"),
    path("edit/roles/<int:pk>/end/", edit_views.role_end, name="role-end"),
]
