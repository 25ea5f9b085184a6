"""Editing pages of the Secretariat (issue 4)."""

app_name = "members-edit"

urlpatterns: list = []
