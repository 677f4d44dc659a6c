from django.urls import path

from . import views

# Mounted under the `elections` namespace by elections/urls.py.
urlpatterns = [
    path("elections/<uuid:pk>/record.pdf", views.record_pdf, name="record_pdf"),
    path("verify/", views.verify_upload, name="verify"),
    path("verify/<uuid:pk>/", views.verify_record, name="verify_record"),
]
