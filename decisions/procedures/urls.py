"""
The addresses of written procedures, included in the decisions app's two namespaces: the reading
pages (`decisions:procedure-…`, decisions/urls.py) and the Secretariat's (`decisions-edit:procedure-…`,
decisions/edit_urls.py, all under /edit/).
"""

from django.urls import path

from decisions.procedures import views

# By their reference's slug: WP/2026/01 is /procedures/WP-2026-01/.
reading_urlpatterns = [
    path("procedures/", views.procedure_list, name="procedure-list"),
    path("procedures/deadlines.ics", views.procedures_ics, name="procedures-ics"),
    path("procedures/<slug:slug>/", views.procedure_detail, name="procedure-detail"),
    path("procedures/<slug:slug>/answer/", views.procedure_answer, name="procedure-answer"),
]

editing_urlpatterns = [
    path("edit/procedures/new/", views.procedure_create, name="procedure-create"),
    *[
        path(f"edit/procedures/<slug:slug>/{part}", view, name=name)
        for part, view, name in [
            ("", views.procedure_edit, "procedure-edit"),
            ("launch/", views.procedure_launch, "procedure-launch"),
            ("answers/new/", views.procedure_record_answer, "procedure-record-answer"),
            ("remind/", views.procedure_remind, "procedure-remind"),
            ("withdraw/", views.procedure_withdraw, "procedure-withdraw"),
            ("publish/", views.procedure_publish, "procedure-publish"),
            ("history/", views.procedure_history, "procedure-history"),
        ]
    ],
]
