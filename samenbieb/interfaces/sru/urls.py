app_name = "sru"
urlpatterns: list = []
