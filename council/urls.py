from django.urls import path

from council import views

app_name = "council"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("solicitudes/", views.request_list, name="request_list"),
    path("solicitudes/nueva/", views.request_create, name="request_create"),
    path("solicitudes/<int:pk>/", views.request_detail, name="request_detail"),
    path("solicitudes/<int:pk>/estado/", views.request_transition, name="request_transition"),
    path("solicitudes/<int:pk>/revision/", views.request_check, name="request_check"),
    path(
        "solicitudes/<int:pk>/periodos/<int:line_pk>/",
        views.request_amounts,
        name="request_amounts",
    ),
    path("solicitudes/<int:pk>/actualizar/", views.request_refresh, name="request_refresh"),
    path("solicitudes/<int:pk>/anteproyecto/", views.request_draft, name="request_draft"),
    path(
        "solicitudes/<int:pk>/anteproyecto.pdf", views.request_draft_pdf, name="request_draft_pdf"
    ),
    path(
        "solicitudes/<int:pk>/documentos/<int:type_pk>/",
        views.request_document,
        name="request_document",
    ),
    path("documentos/<int:pk>/", views.document_download, name="document_download"),
    path("solicitudes/<int:pk>/resolucion/", views.request_outcome, name="request_outcome"),
    path("solicitudes/<int:pk>/descargo/", views.discharge_apply, name="discharge_apply"),
    path("descargos/<int:case_pk>/proponer/", views.discharge_propose, name="discharge_propose"),
    path("exoneraciones/", views.waiver_list, name="waiver_list"),
    path("exoneraciones/archivo/", views.waiver_export, name="waiver_export"),
    path("exoneraciones/<int:pk>/aplicada/", views.waiver_confirm, name="waiver_confirm"),
    path("sesiones/", views.session_list, name="session_list"),
    path("sesiones/<int:pk>/", views.session_detail, name="session_detail"),
    path("sesiones/<int:pk>/remision/", views.submission_create, name="submission_create"),
    path("remisiones/<int:pk>.pdf", views.submission_pdf, name="submission_pdf"),
    path("archivo/", views.dispatch_list, name="dispatch_list"),
    path("archivo/<int:pk>.pdf", views.dispatch_pdf, name="dispatch_pdf"),
]
