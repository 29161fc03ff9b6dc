from django.urls import path

from employers import views

app_name = "employers"

urlpatterns = [
    path("", views.employer_list, name="employer_list"),
    path("<int:pk>/", views.employer_detail, name="employer_detail"),
    path("<int:pk>/estado-de-cuenta.pdf", views.statement_pdf, name="statement_pdf"),
    path(
        "<int:pk>/estado-de-cuenta.<str:fmt>",
        views.statement_export,
        name="statement_export",
    ),
    path("<int:pk>/historial/", views.employer_history, name="employer_history"),
    path("<int:pk>/editar/", views.employer_edit, name="employer_edit"),
    path("importaciones/", views.import_list, name="import_list"),
    path("importaciones/nueva/", views.import_upload, name="import_upload"),
    path("importaciones/<int:pk>/", views.import_detail, name="import_detail"),
    path("importaciones/<int:pk>/aplicar/", views.import_apply, name="import_apply"),
]
