from django.urls import path

from . import views

# Mounted under the `elections` namespace by elections/urls.py.
urlpatterns = [
    path("", views.home, name="home"),
    path("elections/new/", views.start, name="start"),
    path("elections/<uuid:pk>/", views.resume, name="resume"),
    path("elections/<uuid:pk>/parent/", views.parent_step, name="parent"),
    path("elections/<uuid:pk>/children/", views.children_step, name="children"),
    path(
        "elections/<uuid:pk>/children/<int:item_id>/remove/",
        views.remove_child,
        name="remove_child",
    ),
    path(
        "elections/<uuid:pk>/discrepancies/<int:discrepancy_id>/resolve/",
        views.resolve_discrepancy,
        name="resolve_discrepancy",
    ),
    path("elections/<uuid:pk>/notice/", views.notice_step, name="notice"),
    path("elections/<uuid:pk>/handover/", views.handover, name="handover"),
    path("elections/<uuid:pk>/for-parent/notice/", views.parent_notice, name="parent_notice"),
    path("elections/<uuid:pk>/for-parent/choices/", views.parent_choices, name="parent_choices"),
    path("elections/<uuid:pk>/for-parent/sign/", views.parent_sign, name="parent_sign"),
    path("elections/<uuid:pk>/for-parent/thank-you/", views.handback, name="handback"),
    path("elections/<uuid:pk>/signatures/", views.staff_sign, name="staff_sign"),
    path("elections/<uuid:pk>/review/", views.review, name="review"),
    path("elections/<uuid:pk>/submit/", views.submit, name="submit"),
    path("elections/<uuid:pk>/submitted/", views.submitted, name="submitted"),
    path("elections/<uuid:pk>/void/", views.void, name="void"),
    path("elections/<uuid:pk>/summary/", views.summary, name="summary"),
]
