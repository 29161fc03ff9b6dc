from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from people import views as people_views

urlpatterns = [
    path("", people_views.home, name="home"),
    path("cuenta/", include("people.urls")),
    path("patronos/", include("employers.urls")),
    path("casos/", include("recovery.urls")),
    path("convenios/", include("agreements.urls")),
    path("juridico/", include("legal.urls")),
    path("consejo/", include("council.urls")),
    path("constancias/", include("solvency.urls")),
    path("prescripcion/", include("prescription.urls")),
    path("correspondencia/", include("correspondence.urls")),
    path("tablero/", include("reporting.urls")),
    path("oficina/", include("office.urls")),
    path("tareas/", include("core.urls")),
    path("salud/", core_views.health, name="health"),
    path("admin/", admin.site.urls),
]

handler404 = "people.views.page_not_found"
handler500 = "people.views.server_error"
