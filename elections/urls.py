"""The `elections` URL namespace: the officer's tablet flow and the sealed record's pages
(the names stay `elections:...` whichever package serves them)."""

from .officer import urls as officer_urls
from .records import urls as records_urls

app_name = "elections"

urlpatterns = officer_urls.urlpatterns + records_urls.urlpatterns
