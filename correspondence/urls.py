from django.urls import path

from correspondence import views

app_name = "correspondence"

urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("nueva/", views.item_create, name="item_create"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/asignar/", views.item_assign, name="item_assign"),
    path("<int:pk>/respuesta/", views.item_respond, name="item_respond"),
    path("<int:pk>/enviada/", views.item_dispatch, name="item_dispatch"),
    path("<int:pk>/cerrar/", views.item_close, name="item_close"),
    path("<int:pk>/escaneo/", views.item_scan, name="item_scan"),
    path("respuestas/<int:pk>/pdf/", views.response_pdf, name="response_pdf"),
]
