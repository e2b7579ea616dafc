"""Activities at the desk, in Dutch paths; included into the desk namespace."""

from django.urls import path

from samenbieb.interfaces.desk import programmes_activities_views as views

urlpatterns = [
    path("activiteiten/", views.activities, name="activities"),
    path("activiteiten/nieuw/", views.activity_add, name="activity_add"),
    path(
        "activiteiten/uit-programma/",
        views.activity_from_programme,
        name="activity_from_programme",
    ),
    path("activiteiten/<int:pk>/", views.activity_detail, name="activity"),
    path("activiteiten/<int:pk>/wijzigen/", views.activity_change, name="activity_change"),
    path("activiteiten/<int:pk>/publiceren/", views.activity_publish, name="activity_publish"),
    path("activiteiten/<int:pk>/annuleren/", views.activity_cancel, name="activity_cancel"),
    path("activiteiten/<int:pk>/sessies/", views.session_add, name="activity_session_add"),
    path(
        "activiteiten/<int:pk>/sessies/<int:session_pk>/verwijderen/",
        views.session_remove,
        name="activity_session_remove",
    ),
    path(
        "activiteiten/<int:pk>/sessies/<int:session_pk>/aanwezigheid/",
        views.attendance,
        name="activity_attendance",
    ),
    path("activiteiten/<int:pk>/aanmelden/", views.register, name="activity_register"),
    path(
        "activiteiten/<int:pk>/aanmeldingen/<int:registration_pk>/annuleren/",
        views.registration_cancel,
        name="activity_registration_cancel",
    ),
    path("programmas/", views.programmes, name="programmes"),
    path("programmas/<int:pk>/", views.programme_report, name="programme_report"),
]
