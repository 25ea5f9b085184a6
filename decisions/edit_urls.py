"""
Editing pages of the Secretariat for decisions, outcomes, documents and action items. All under
/edit/: the reading side's /decisions/<path:reference>/ takes any path, and /documents/<slug>/ any slug.
"""

from django.urls import path

from decisions import edit_views
from decisions.effect_forms import EFFECT_FORMS
from decisions.papers import views as paper_views
from decisions.procedures import urls as procedure_urls

app_name = "decisions-edit"

urlpatterns = [
    path("edit/meetings/<slug:slug>/decisions/", edit_views.meeting_decisions, name="meeting-decisions"),
    path("edit/meetings/<slug:slug>/decisions/new/", edit_views.decision_create, name="decision-create"),
    path("edit/meetings/<slug:slug>/papers/", paper_views.meeting_papers, name="meeting-papers"),
    path("edit/meetings/<slug:slug>/papers/<int:pk>/remove/", paper_views.paper_remove, name="paper-remove"),
    # The outcome helpers: one view, one page per kind of effect (decisions.effect_forms).
    *[
        path(
            f"edit/meetings/<slug:slug>/outcomes/{form.url_part}/",
            edit_views.record_outcome,
            {"outcome": form.url_name},
            name=form.url_name,
        )
        for form in EFFECT_FORMS.values()
    ],
    path("edit/decisions/<int:pk>/", edit_views.decision_edit, name="decision-edit"),
    path("edit/decisions/<int:pk>/history/", edit_views.decision_history, name="decision-history"),
    path("edit/documents/new/", edit_views.document_create, name="document-create"),
    path("edit/documents/<slug:slug>/", edit_views.document_edit, name="document-edit"),
    path("edit/documents/<slug:slug>/upload/", edit_views.document_upload, name="document-upload"),
    path("edit/documents/<slug:slug>/history/", edit_views.document_history, name="document-history"),
    path("edit/actions/<int:pk>/", edit_views.action_edit, name="action-edit"),
    # Written procedures (decisions.procedures).
    *procedure_urls.editing_urlpatterns,
]
