from django.urls import path

from meetings import views
from meetings.feeds import MeetingFeed

app_name = "meetings"

# A meeting's record (/meetings/<slug>/ and its PDF) composes it with its decisions: portal/urls.py.
urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings.ics", views.meetings_ics, name="meetings-ics"),
    path("meetings/<slug:slug>.ics", views.meeting_ics, name="meeting-ics"),
    # Atom (RFC 4287): what the public may list, whoever asks (meetings/feeds.py).
    path("meetings/feed.atom", MeetingFeed(), name="meeting-feed"),
]
