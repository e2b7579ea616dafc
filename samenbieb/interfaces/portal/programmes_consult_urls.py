"""Consultation hours and "help near me" in Dutch paths; included into the portal namespace."""

from django.urls import path

from samenbieb.interfaces.portal import help_near_me
from samenbieb.interfaces.portal import programmes_consult_views as views

urlpatterns = [
    path("hulp-in-de-buurt/", help_near_me.help_near_me, name="help_near_me"),
    path("api/hulp-in-de-buurt/", help_near_me.help_near_me_api, name="help_near_me_api"),
    path("spreekuur/<int:pk>/", views.consultation, name="consult"),
    path("spreekuur/tijden/<int:pk>/boeken/", views.slot_book, name="consult_slot_book"),
    path(
        "spreekuur/afspraak/<str:token>/",
        views.appointment_detail,
        name="consult_appointment",
    ),
    path(
        "spreekuur/afspraak/<str:token>/annuleren/",
        views.appointment_cancel,
        name="consult_appointment_cancel",
    ),
]
