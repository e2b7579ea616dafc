from django.contrib.auth import views as auth_views
from django.urls import path

from samenbieb.interfaces.desk import views
from samenbieb.interfaces.desk.forms import StaffLoginForm

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "inloggen/",
        auth_views.LoginView.as_view(
            template_name="desk/login.html",
            authentication_form=StaffLoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("vestigingen/<int:pk>/", views.branch_detail, name="branch"),
]
