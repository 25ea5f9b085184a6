"""
The pages that compose the apps (portal/views.py). Their paths are those the apps had: a meeting's
record under /meetings/, the member pages under /members/, search at /search/; and a person's and a
pillar's page under /people/ and /pillars/.
"""

from django.urls import path

from portal import verify_views, views

app_name = "portal"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<slug:slug>/record.pdf", views.meeting_pdf, name="meeting-pdf"),
    path("meetings/<slug:slug>/pack.pdf", views.meeting_pack, name="meeting-pack"),
    path(
        "meetings/<slug:slug>/versions/<int:number>/",
        verify_views.meeting_version,
        name="meeting-version",
    ),
    path("verify/", verify_views.verify, name="verify"),
    # One group of the Secretariat's desk in full (?group=…&page=…): the desk lists only its first rows.
    path("edit/desk/", views.desk_group_list, name="desk-group"),
    path("members/", views.member_list, name="member-list"),
    path("members/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("pillars/<str:code>/", views.pillar_detail, name="pillar-detail"),
]
