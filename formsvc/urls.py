from django.contrib import admin
from django.urls import include, path

from elections import accounts

urlpatterns = [
    path("healthz", accounts.healthz, name="healthz"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("elections.audit.urls")),
    path("", include("elections.urls")),
]
