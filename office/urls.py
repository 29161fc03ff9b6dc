from django.urls import path

from office import views

app_name = "office"

urlpatterns = [
    path("", views.office_home, name="home"),
    path("lineamientos/", views.guideline_list, name="guideline_list"),
    path("lineamientos/nuevo/", views.guideline_create, name="guideline_create"),
    path("lineamientos/<int:pk>/", views.guideline_detail, name="guideline_detail"),
    path("lineamientos/<int:pk>/leido/", views.guideline_acknowledge, name="guideline_acknowledge"),
    path("lineamientos/<int:pk>/documento/", views.guideline_document, name="guideline_document"),
    path("reuniones/", views.meeting_list, name="meeting_list"),
    path("reuniones/nueva/", views.meeting_create, name="meeting_create"),
    path("reuniones/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("reuniones/<int:pk>/accion/", views.action_add, name="action_add"),
    path("acciones/", views.action_list, name="action_list"),
    path("acciones/<int:pk>/hecha/", views.action_done, name="action_done"),
    path("acciones/<int:pk>/reabrir/", views.action_reopen, name="action_reopen"),
    path("capacitaciones/", views.training_list, name="training_list"),
    path("capacitaciones/nueva/", views.training_create, name="training_create"),
    path("capacitaciones/sin-capacitar/", views.untrained, name="untrained"),
    path("capacitaciones/<int:pk>/", views.training_detail, name="training_detail"),
    path("capacitaciones/<int:pk>/invitar/", views.training_invite, name="training_invite"),
    path(
        "capacitaciones/<int:pk>/asistencia/", views.training_attendance, name="training_attendance"
    ),
    path("capacitaciones/<int:pk>/material/", views.training_material, name="training_material"),
    path("induccion/", views.induction_list, name="induction_list"),
    path("induccion/iniciar/", views.induction_start, name="induction_start"),
    path("induccion/<int:pk>/", views.induction_detail, name="induction_detail"),
    path("induccion/pasos/<int:pk>/", views.induction_tick, name="induction_tick"),
    path("evaluaciones/", views.evaluation_list, name="evaluation_list"),
    path("evaluaciones/nueva/", views.evaluation_create, name="evaluation_create"),
    path("evaluaciones/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path(
        "evaluaciones/<int:pk>/enterado/",
        views.evaluation_acknowledge,
        name="evaluation_acknowledge",
    ),
    path("evaluaciones/<int:pk>/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
]
