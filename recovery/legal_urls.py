from django.urls import path

from recovery import legal_views

app_name = "legal"

urlpatterns = [
    path("", legal_views.referral_list, name="referral_list"),
    path("<int:pk>/", legal_views.referral_detail, name="referral_detail"),
    path("<int:pk>/aceptar/", legal_views.referral_accept, name="referral_accept"),
    path("<int:pk>/devolver/", legal_views.referral_return, name="referral_return"),
    path("<int:pk>/avance/", legal_views.referral_update, name="referral_update"),
    path("<int:pk>/certificacion.pdf", legal_views.certificate_pdf, name="certificate_pdf"),
]
