from django.urls import path

from prescription import views

app_name = "prescription"

urlpatterns = [
    path("", views.clock_list, name="clock_list"),
    path("reglas/", views.rule_list, name="rule_list"),
    path("caso/<int:case_pk>/requerimiento/", views.notice_record, name="notice_record"),
]
