"""The auditor's workspace, mounted at /audit/ (formsvc/urls.py)."""

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.search, name="search"),
    path("elections.csv", views.search_csv, name="search_csv"),
    path("records/<uuid:pk>/", views.record, name="record"),
    path("records/<uuid:pk>/record.pdf", views.record_pdf, name="record_pdf"),
    path("exports/", views.export_list, name="exports"),
    path("exports/new/", views.export_zip, name="export_zip"),
    path("exports/<uuid:pk>/", views.export_job, name="export_job"),
    path("exports/<uuid:pk>/status.json", views.export_status, name="export_status"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export_download"),
    path("verify/", views.verify, name="verify"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("removals/", views.removals_flagged, name="removals_flagged"),
    path("removals/report/", views.removals_report, name="removals_report"),
    path("removals/report.csv", views.removals_report_csv, name="removals_report_csv"),
    path("access-log/", views.access_log, name="access_log"),
    path("access-log.csv", views.access_log_csv, name="access_log_csv"),
]
