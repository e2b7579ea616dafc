from django.urls import path

from samenbieb.interfaces.portal import (
    account_urls,
    circulation_urls,
    digital_urls,
    privacy_urls,
    programmes_activities_urls,
    programmes_consult_urls,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("bibliotheken/", views.libraries, name="libraries"),
    path("bibliotheken/<str:isil>/", views.library, name="library"),
    path("zoeken/", views.catalogue_search, name="search"),
    path("titels/<int:pk>/", views.record_detail, name="record"),
    *account_urls.urlpatterns,
    *digital_urls.urlpatterns,
    *circulation_urls.urlpatterns,
    *programmes_activities_urls.urlpatterns,
    *programmes_consult_urls.urlpatterns,
    *privacy_urls.urlpatterns,
]
