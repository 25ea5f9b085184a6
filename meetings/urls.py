from django.urls import path

from meetings import views

app_name = "meetings"

# A meeting's record (/meetings/<slug>/ and its PDF) composes it with its decisions: portal/urls.py.
urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings.ics", views.meetings_ics, name="meetings-ics"),
    path("meetings/<slug:slug>.ics", views.meeting_ics, name="meeting-ics"),
]
