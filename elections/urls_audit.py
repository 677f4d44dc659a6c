"""The auditor's workspace, mounted at /audit/ (formsvc/urls.py)."""

from django.urls import path

from . import views_audit

app_name = "audit"

urlpatterns = [
    path("", views_audit.search, name="search"),
    path("elections.csv", views_audit.search_csv, name="search_csv"),
    path("records/<uuid:pk>/", views_audit.record, name="record"),
    path("records/<uuid:pk>/record.pdf", views_audit.record_pdf, name="record_pdf"),
    path("exports/", views_audit.export_list, name="exports"),
    path("exports/new/", views_audit.export_zip, name="export_zip"),
    path("exports/<uuid:pk>/", views_audit.export_job, name="export_job"),
    path("exports/<uuid:pk>/status.json", views_audit.export_status, name="export_status"),
    path("exports/<uuid:pk>/download/", views_audit.export_download, name="export_download"),
    path("verify/", views_audit.verify, name="verify"),
    path("dashboard/", views_audit.dashboard, name="dashboard"),
    path("access-log/", views_audit.access_log, name="access_log"),
    path("access-log.csv", views_audit.access_log_csv, name="access_log_csv"),
]
