from django.urls import path

from . import views

app_name = "elections"

urlpatterns = [
    path("", views.home, name="home"),
]
