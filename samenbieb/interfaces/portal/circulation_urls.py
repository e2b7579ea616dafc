"""Loans and holds in Dutch paths; included into the portal namespace."""

from django.urls import path

from samenbieb.interfaces.portal import circulation_views as views

urlpatterns = [
    path("titels/<int:pk>/reserveren/", views.hold_place, name="hold_place"),
    path("mijn-account/reserveringen/<int:pk>/", views.hold_detail, name="hold"),
    path("mijn-account/reserveringen/<int:pk>/annuleren/", views.hold_cancel, name="hold_cancel"),
    path("mijn-account/leningen/<int:pk>/verlengen/", views.loan_renew, name="loan_renew"),
    path("mijn-account/leningen/verlengen/", views.loans_renew_all, name="loans_renew_all"),
    path("mijn-account/geschiedenis/", views.loan_history, name="loan_history"),
]
