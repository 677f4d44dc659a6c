"""/api/v1/: the JSON API (DESIGN.md §7), its OpenAPI document and its documentation page."""

from django.urls import path

from . import views
from .schema import ALIASES

app_name = "api"


def _alias(route: str, view, name: str):
    """The same view at ``route`` with the trailing slash added or dropped, left out of the
    OpenAPI document."""
    ALIASES.add(
        "/api/v1/" + route.replace("<uuid:pk>", "{pk}").replace("<str:a_number>", "{a_number}")
    )
    return path(route, view, name=f"{name}-alias")


ALIASES.add("/api/v1/reports/removed-undocumented.csv")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("elections/", views.ElectionListView.as_view(), name="election-list"),
    _alias("elections", views.ElectionListView.as_view(), "election-list"),
    path("elections/<uuid:pk>", views.ElectionDetailView.as_view(), name="election-detail"),
    _alias("elections/<uuid:pk>/", views.ElectionDetailView.as_view(), "election-detail"),
    path("elections/<uuid:pk>/record.pdf", views.RecordPdfView.as_view(), name="election-pdf"),
    path(
        "parents/<str:a_number>/clearance", views.ClearanceView.as_view(), name="parent-clearance"
    ),
    _alias("parents/<str:a_number>/clearance/", views.ClearanceView.as_view(), "parent-clearance"),
    path("family-units/", views.FamilyUnitView.as_view(), name="family-units"),
    _alias("family-units", views.FamilyUnitView.as_view(), "family-units"),
    path("removals/", views.RemovalView.as_view(), name="removals"),
    _alias("removals", views.RemovalView.as_view(), "removals"),
    path(
        "reports/removed-undocumented",
        views.RemovedUndocumentedView.as_view(),
        name="report-removed-undocumented",
    ),
    _alias(
        "reports/removed-undocumented/",
        views.RemovedUndocumentedView.as_view(),
        "report-removed-undocumented",
    ),
    # The CSV at its own address too (documented with ?format=csv).
    path(
        "reports/removed-undocumented.csv",
        views.RemovedUndocumentedView.as_view(),
        {"fmt": "csv"},
        name="report-removed-undocumented-csv",
    ),
]
