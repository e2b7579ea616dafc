"""The member's privacy pages in Dutch paths; included into the portal namespace."""

from django.urls import path

from samenbieb.interfaces.portal import privacy_views as views

urlpatterns = [
    path("mijn-account/gegevens/", views.my_data, name="my_data"),
    path("mijn-account/gegevens/download/", views.my_data_download, name="my_data_download"),
    path("mijn-account/inzage/", views.my_data_access, name="my_data_access"),
    path("mijn-account/verwijderen/", views.account_erase, name="account_erase"),
    path("account-verwijderd/", views.account_erased, name="account_erased"),
    path("privacy/verwerkingsregister/", views.processing_register, name="processing_register"),
]
