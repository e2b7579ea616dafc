"""The desk's consultation hours in Dutch paths; included into the desk namespace."""

from django.urls import path

from samenbieb.interfaces.desk import programmes_consult_views as views

urlpatterns = [
    path("spreekuur/", views.consult_home, name="consult_home"),
    path("spreekuur/inloop/", views.walk_in_record, name="consult_walk_in"),
    path("spreekuur/tellingen/", views.contact_counts, name="consult_counts"),
    path(
        "spreekuur/afspraken/<int:pk>/gekomen/",
        views.appointment_mark,
        name="consult_appointment_mark",
    ),
    path(
        "spreekuur/afspraken/<int:pk>/annuleren/",
        views.appointment_cancel,
        name="consult_appointment_cancel",
    ),
    path("spreekuur/<int:pk>/tijden/", views.schedules, name="consult_schedules"),
    path("spreekuur/tijden/<int:pk>/stoppen/", views.schedule_end, name="consult_schedule_end"),
]
