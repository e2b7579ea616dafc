from django.urls import path

from samenbieb.interfaces.sru import views

app_name = "sru"
urlpatterns = [path("sru", views.sru, name="sru")]
