"""Editing pages of the Secretariat (issue 4)."""

app_name = "meetings-edit"

urlpatterns: list = []
