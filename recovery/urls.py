from django.urls import path

from recovery import views

app_name = "recovery"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("lista/", views.case_list, name="case_list"),
    path("lista/reasignar/", views.cases_reassign, name="cases_reassign"),
    path("lista/requerimientos/", views.demand_notices, name="demand_notices"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/gestion/", views.follow_up_create, name="follow_up_create"),
    path("<int:pk>/historial/", views.case_timeline_page, name="case_timeline"),
    path("<int:pk>/estado/", views.case_transition, name="case_transition"),
    path("<int:pk>/asignar/", views.case_assign, name="case_assign"),
    path("<int:pk>/pausa/", views.case_hold, name="case_hold"),
    path("<int:pk>/reanudar/", views.case_release, name="case_release"),
    path("<int:pk>/omitir-nivel/", views.case_level_skip, name="case_level_skip"),
    path("<int:pk>/requerimiento/", views.demand_notice, name="demand_notice"),
    path(
        "<int:pk>/documentos/<int:requirement_id>/",
        views.case_document,
        name="case_document",
    ),
    path("adjuntos/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("documentos/<int:pk>/", views.document_download, name="document_download"),
]
