from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("nuevo/caso/<int:case_pk>/", views.agreement_create, name="agreement_create"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/editar/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/aprobar/", views.agreement_approve, name="agreement_approve"),
    path("<int:pk>/firma/", views.agreement_sign, name="agreement_sign"),
    path("<int:pk>/legalizacion/", views.agreement_legalize, name="agreement_legalize"),
    path("<int:pk>/vigencia/", views.agreement_activate, name="agreement_activate"),
    path("<int:pk>/anular/", views.agreement_cancel, name="agreement_cancel"),
    path("<int:pk>/pagos/", views.payment_create, name="payment_create"),
    path(
        "<int:pk>/pagos/<int:payment_pk>/reversion/", views.payment_reverse, name="payment_reverse"
    ),
    path("<int:pk>/convenio.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("<int:pk>/estado.pdf", views.status_letter_pdf, name="status_letter_pdf"),
    path("<int:pk>/escritura/", views.legal_document, name="legal_document"),
]
