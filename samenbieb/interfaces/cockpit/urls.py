from django.urls import path

from samenbieb.interfaces.cockpit import views

app_name = "cockpit"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("vergelijken/", views.compare, name="compare"),
    path("download.csv", views.download_csv, name="download_csv"),
    path("download.json", views.download_json, name="download_json"),
    path("api/figures", views.api_figures, name="api_figures"),
    path("api/periods", views.api_periods, name="api_periods"),
    path("beheer/", views.manage, name="manage"),
]
