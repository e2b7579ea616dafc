"""The member's own pages, in Dutch paths; included into the portal namespace."""

from django.urls import path

from samenbieb.interfaces.portal import account_views as views

urlpatterns = [
    path("inloggen/", views.login, name="login"),
    path("uitloggen/", views.logout, name="logout"),
    path("wachtwoord-vergeten/", views.password_forgot, name="password_forgot"),
    path("wachtwoord-herstellen/<str:token>/", views.password_reset, name="password_reset"),
    path("aanmelden/", views.register, name="register"),
    path("aanmelden/controleer-je-mail/", views.register_sent, name="register_sent"),
    path("aanmelden/opnieuw-sturen/", views.register_resend, name="register_resend"),
    path("aanmelden/bevestigen/<str:token>/", views.register_verify, name="register_verify"),
    path("mijn-account/", views.account, name="account"),
    path("mijn-account/toestemming/", views.consent_change, name="consent_change"),
]
