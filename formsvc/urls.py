from django.contrib import admin
from django.urls import include, path

from elections import views_auth

urlpatterns = [
    path("healthz", views_auth.healthz, name="healthz"),
    path("accounts/login/", views_auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", views_auth.logout_view, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("elections.urls_audit")),
    path("", include("elections.urls")),
]
