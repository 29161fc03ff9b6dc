from django.urls import path

from legal import views

app_name = "legal"

urlpatterns = [
    path("", views.referral_list, name="referral_list"),
    path("remitir/<int:case_pk>/", views.case_refer, name="case_refer"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/aceptar/", views.referral_accept, name="referral_accept"),
    path("<int:pk>/devolver/", views.referral_return, name="referral_return"),
    path("<int:pk>/avance/", views.referral_update, name="referral_update"),
    path("<int:pk>/certificacion.pdf", views.certificate_pdf, name="certificate_pdf"),
]
