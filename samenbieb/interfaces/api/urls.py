from django.urls import path

from samenbieb.interfaces.api.api import api

urlpatterns = [path("api/v1/", api.urls)]
