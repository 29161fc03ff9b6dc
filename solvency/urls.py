from django.urls import path

from solvency import views

app_name = "solvency"

urlpatterns = [
    path("", views.certificate_list, name="certificate_list"),
    path("verificar/", views.verify, name="verify"),
    path("patrono/<int:pk>/emitir/", views.certificate_issue, name="certificate_issue"),
    path("<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
]
