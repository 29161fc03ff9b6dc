from django.urls import path

from reporting import strategy_views, views

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
    path("estrategias/", strategy_views.strategy_home, name="strategy_home"),
    path("estrategias/retadora/", strategy_views.challenger_start, name="challenger_start"),
    path(
        "estrategias/<int:pk>/participacion/",
        strategy_views.challenger_share,
        name="challenger_share",
    ),
    path("estrategias/<int:pk>/terminar/", strategy_views.challenger_end, name="challenger_end"),
    path("estrategias/<int:strategy_pk>/nivel/", strategy_views.level_edit, name="level_create"),
    path(
        "estrategias/<int:strategy_pk>/nivel/<int:pk>/",
        strategy_views.level_edit,
        name="level_edit",
    ),
    path("estrategias/apertura/", strategy_views.opening_rule_create, name="opening_rule_create"),
    path("estrategias/politica/", strategy_views.policy_revise, name="policy_revise"),
    path("estrategias/comparacion/", strategy_views.strategy_compare, name="strategy_compare"),
    path("estrategias/historial/", strategy_views.strategy_history, name="strategy_history"),
    path("pronostico/", strategy_views.forecast, name="forecast"),
    path("informes/", views.report_list, name="report_list"),
    path("informes/<int:pk>/<str:kind>/", views.report_download, name="report_download"),
]
