from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("members/", views.member_list, name="member-list"),
    path("members/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
]
