from django.urls import path

from samenbieb.interfaces.oai import views

app_name = "oai"
urlpatterns = [path("oai", views.oai, name="oai")]
