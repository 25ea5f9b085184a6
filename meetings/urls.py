from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings.ics", views.meetings_ics, name="meetings-ics"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<slug:slug>.ics", views.meeting_ics, name="meeting-ics"),
    path("meetings/<slug:slug>/record.pdf", views.meeting_pdf, name="meeting-pdf"),
]
