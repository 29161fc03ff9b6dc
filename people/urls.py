from django.contrib.auth import views as auth_views
from django.urls import path

from people import views
from people.forms import LoginForm

urlpatterns = [
    path(
        "ingresar/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "contrasena/",
        auth_views.PasswordChangeView.as_view(success_url="/cuenta/contrasena/lista/"),
        name="password_change",
    ),
    path(
        "contrasena/lista/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("perfil/", views.profile, name="profile"),
    path("notificaciones/", views.notifications, name="notifications"),
]
