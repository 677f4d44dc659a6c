from django.contrib import admin
from django.urls import include, path

from elections import accounts

urlpatterns = [
    path("healthz", accounts.healthz, name="healthz"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    # The second factor of supervisors, auditors and admin users (elections/signin/urls.py).
    path("accounts/second-factor/", include("elections.signin.urls")),
    path("i18n/setlang/", accounts.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("audit/", include("elections.audit.urls")),
    path("api/v1/", include("elections.api.urls")),
    path("", include("elections.urls")),
]

# JSON under /api/ (an address no view answers, a malformed id); the usual pages elsewhere.
handler404 = "elections.api.errors.not_found"
handler500 = "elections.api.errors.server_error"
