"""Editing pages of the Secretariat (issue 4)."""

app_name = "decisions-edit"

urlpatterns: list = []
