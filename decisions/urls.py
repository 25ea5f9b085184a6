from django.urls import path

from decisions import views
from decisions.feeds import DecisionFeed
from decisions.procedures import urls as procedure_urls

app_name = "decisions"

urlpatterns = [
    path("decisions/", views.decision_list, name="decision-list"),
    # Before the detail: a reference never ends in .csv, .json or .atom.
    path("decisions/export.csv", views.decision_export_csv, name="decision-export-csv"),
    path("decisions/export.json", views.decision_export_json, name="decision-export-json"),
    # Atom (RFC 4287): the published decisions, filtered like the register, whoever asks (decisions/feeds.py).
    path("decisions/feed.atom", DecisionFeed(), name="decision-feed"),
    path("decisions/<path:reference>/", views.decision_detail, name="decision-detail"),
    path("documents/", views.document_list, name="document-list"),
    path("documents/<slug:slug>/", views.document_detail, name="document-detail"),
    path("documents/<slug:slug>/files/<int:number>/", views.document_download, name="document-download"),
    path("actions/", views.action_list, name="action-list"),
    # Written procedures (decisions.procedures).
    *procedure_urls.reading_urlpatterns,
]
