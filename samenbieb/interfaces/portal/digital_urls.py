"""Digital access in Dutch paths; included into the portal namespace."""

from django.urls import path

from samenbieb.interfaces.portal import digital_views as views

urlpatterns = [
    path("digitaal/<uuid:token>/", views.access, name="digital_access"),
    path("digitaal/<uuid:token>/qr.svg", views.qr_svg, name="digital_qr_svg"),
    path("digitaal/<uuid:token>/qr.png", views.qr_png, name="digital_qr_png"),
    path(
        "mijn-account/digitaal/<int:pk>/inleveren/",
        views.loan_return,
        name="digital_loan_return",
    ),
]
