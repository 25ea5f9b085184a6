from django.urls import path

from opendata import views

app_name = "opendata"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}

urlpatterns = [
    path("api/", views.documentation, name="api-documentation"),
    path("api/v1/", views.IndexView.as_view(), name="api-index"),
    path("api/v1/openapi.json", views.OpenAPIView.as_view(), name="api-openapi"),
]
for plural, singular, viewset in [
    ("organizations", "organization", views.OrganizationViewSet),
    ("persons", "person", views.PersonViewSet),
    ("memberships", "membership", views.MembershipViewSet),
    ("posts", "post", views.PostViewSet),
    ("events", "event", views.EventViewSet),
    ("decisions", "decision", views.DecisionViewSet),
]:
    urlpatterns += [
        path(f"api/v1/{plural}/", viewset.as_view(LIST), name=f"api-{singular}-list"),
        path(f"api/v1/{plural}/<str:pk>/", viewset.as_view(DETAIL), name=f"api-{singular}-detail"),
    ]
