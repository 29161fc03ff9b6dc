from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plan/", views.plan_list, name="plan_list"),
    path("plan/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plan/<int:pk>/textos/", views.plan_text, name="plan_text"),
    path("plan/<int:pk>/sucursal/<int:branch_pk>/", views.plan_branch, name="plan_branch"),
    path(
        "plan/<int:pk>/sucursal/<int:branch_pk>/confirmar/",
        views.plan_confirm,
        name="plan_confirm",
    ),
    path("plan/<int:pk>/aprobar/", views.plan_approve, name="plan_approve"),
    path("plan/<int:pk>/nueva-version/", views.plan_revise, name="plan_revise"),
    path("plan/<int:pk>/metas.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("plan/<int:pk>/importar/", views.plan_import, name="plan_import"),
    path("informes/", views.report_list, name="report_list"),
    path("informes/<int:pk>/<str:kind>/", views.report_download, name="report_download"),
]
