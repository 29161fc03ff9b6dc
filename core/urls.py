from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<uuid:token>/", views.job_detail, name="job_detail"),
    path("<uuid:token>/descargar/", views.job_download, name="job_download"),
]
