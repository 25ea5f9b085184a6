"""
Editing pages of the Secretariat for meetings. All under /edit/, so that no reading URL
(/meetings/<slug>/ takes any slug, "new" included) can capture them, whatever the include order.
"""

from django.urls import path

from meetings import edit_views

app_name = "meetings-edit"

urlpatterns = [
    path("edit/meetings/new/", edit_views.meeting_create, name="meeting-create"),
    path("edit/meetings/<slug:slug>/", edit_views.meeting_edit, name="meeting-edit"),
    path("edit/meetings/<slug:slug>/participants/", edit_views.participants, name="participants"),
    path("edit/meetings/<slug:slug>/agenda/", edit_views.agenda, name="agenda"),
    path("edit/meetings/<slug:slug>/agenda/new/", edit_views.agenda_item_create, name="agenda-item-create"),
    path("edit/meetings/<slug:slug>/agenda/<int:pk>/", edit_views.agenda_item_edit, name="agenda-item-edit"),
    path("edit/meetings/<slug:slug>/agenda/<int:pk>/delete/", edit_views.agenda_item_delete, name="agenda-item-delete"),
    path("edit/meetings/<slug:slug>/announce/", edit_views.announce, name="announce"),
    path("edit/meetings/<slug:slug>/reschedule/", edit_views.reschedule, name="reschedule"),
    path("edit/meetings/<slug:slug>/cancel/", edit_views.cancel, name="cancel"),
    path("edit/meetings/<slug:slug>/circulate/", edit_views.advance, {"step": "circulate"}, name="circulate"),
    path("edit/meetings/<slug:slug>/publish/", edit_views.advance, {"step": "publish"}, name="publish"),
    path("edit/meetings/<slug:slug>/unpublish/", edit_views.unpublish, name="unpublish"),
    path("edit/meetings/<slug:slug>/correct/", edit_views.correct, name="correct"),
    path("edit/meetings/<slug:slug>/history/", edit_views.meeting_history, name="meeting-history"),
    path("edit/occasions/<int:pk>/", edit_views.occasion_edit, name="occasion-edit"),
]
