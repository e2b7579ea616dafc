"""Activities in Dutch paths; included into the portal namespace."""

from django.urls import path

from samenbieb.interfaces.portal import programmes_activities_views as views

urlpatterns = [
    path("activiteiten/", views.activities, name="activities"),
    path("activiteiten/<int:pk>/", views.activity_detail, name="activity"),
    path("activiteiten/<int:pk>/aanmelden/", views.activity_register, name="activity_register"),
    path("aanmelding/<str:token>/", views.registration_detail, name="activity_registration"),
    path(
        "aanmelding/<str:token>/annuleren/",
        views.registration_cancel,
        name="activity_registration_cancel",
    ),
    path(
        "aanmelding/<str:token>/agenda.ics",
        views.registration_ics,
        name="activity_registration_ics",
    ),
    path("bibliotheken/<str:isil>/activiteiten.ics", views.library_feed, name="activities_feed"),
    path("mijn-account/activiteiten/", views.my_registrations, name="my_activities"),
    path(
        "mijn-account/activiteiten/<int:pk>/annuleren/",
        views.my_registration_cancel,
        name="my_activity_cancel",
    ),
]
