from django.urls import path

from decisions import procedures_views, views

app_name = "decisions"

urlpatterns = [
    path("decisions/", views.decision_list, name="decision-list"),
    # Before the detail: a reference never ends in .csv or .json.
    path("decisions/export.csv", views.decision_export_csv, name="decision-export-csv"),
    path("decisions/export.json", views.decision_export_json, name="decision-export-json"),
    path("decisions/<path:reference>/", views.decision_detail, name="decision-detail"),
    path("documents/", views.document_list, name="document-list"),
    path("documents/<slug:slug>/", views.document_detail, name="document-detail"),
    path("documents/<slug:slug>/files/<int:number>/", views.document_download, name="document-download"),
    path("actions/", views.action_list, name="action-list"),
    # Written procedures, by their reference's slug: WP/2026/01 is /procedures/WP-2026-01/.
    path("procedures/", procedures_views.procedure_list, name="procedure-list"),
    path("procedures/deadlines.ics", procedures_views.procedures_ics, name="procedures-ics"),
    path("procedures/<slug:slug>/", procedures_views.procedure_detail, name="procedure-detail"),
    path("procedures/<slug:slug>/answer/", procedures_views.procedure_answer, name="procedure-answer"),
]
