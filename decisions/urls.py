from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/<path:reference>/", views.decision_detail, name="decision-detail"),
    path("documents/", views.document_list, name="document-list"),
    path("documents/<slug:slug>/", views.document_detail, name="document-detail"),
    path("actions/", views.action_list, name="action-list"),
]
