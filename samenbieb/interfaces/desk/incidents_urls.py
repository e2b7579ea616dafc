"""Desk URLs of the incident register, included by the desk's urls.py (app ``desk``)."""

from django.urls import path

from samenbieb.interfaces.desk import incidents_views

urlpatterns = [
    path("incidenten/", incidents_views.incidents, name="incidents"),
    path("incidenten/nieuw/", incidents_views.incident_add, name="incident_add"),
    path("incidenten/<int:pk>/", incidents_views.incident_detail, name="incident"),
    path("incidenten/<int:pk>/wijzigen/", incidents_views.incident_change, name="incident_change"),
    path(
        "incidenten/<int:pk>/tijdlijn/",
        incidents_views.incident_entry_add,
        name="incident_entry_add",
    ),
    path(
        "incidenten/<int:pk>/gemeld/", incidents_views.incident_notified, name="incident_notified"
    ),
    path(
        "incidenten/<int:pk>/melding/",
        incidents_views.incident_report,
        {"fmt": "html"},
        name="incident_report",
    ),
    path(
        "incidenten/<int:pk>/melding.json",
        incidents_views.incident_report,
        {"fmt": "json"},
        name="incident_report_json",
    ),
    path(
        "incidenten/<int:pk>/melding.csv",
        incidents_views.incident_report,
        {"fmt": "csv"},
        name="incident_report_csv",
    ),
]
