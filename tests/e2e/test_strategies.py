"""Strategies in the browser: the head starts a challenger, changes a level of its
ladder (without a reason the form is not sent and keeps what was typed), and opens the
comparison and the history."""

import pytest

from people.roles import Role
from recovery.models import Strategy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_head_starts_a_challenger_and_changes_its_ladder(live_server, page):
    UserFactory(username="marta", role=Role.DEPARTMENT_HEAD)
    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.fill("#id_username", "marta")
    page.fill("#id_password", "secreto-123")
    page.click("button[type=submit]")
    page.click("nav >> text=Estrategias")
    page.fill("#id_name", "Visita temprana")
    page.fill("#id_share", "25")
    page.fill("#id_reason", "Probar la visita")
    page.click("button:has-text('Iniciar una retadora')")
    page.wait_for_selector("text=La retadora está en prueba")
    challenger = Strategy.objects.get(role="challenger")
    assert challenger.share == 25 and challenger.levels.count() == 5

    page.locator("section:has-text('Retadora') >> text=Cambiar").first.click()
    page.fill("#id_name", "Visita del gestor")
    page.click("button:has-text('Guardar el nivel')")
    # No reason: the browser does not send the form, and says why at the field.
    assert page.eval_on_selector("#id_reason", "e => e.validationMessage") != ""
    assert page.input_value("#id_name") == "Visita del gestor"
    assert not challenger.levels.filter(name="Visita del gestor").exists()
    page.fill("#id_reason", "Visitar antes de llamar")
    page.click("button:has-text('Guardar el nivel')")
    page.wait_for_selector("text=Nivel guardado")
    assert challenger.levels.filter(name="Visita del gestor").exists()

    page.click("text=Campeona frente a retadora")
    page.wait_for_selector("text=Tasa de contacto")
    page.goto(f"{live_server.url}/tablero/estrategias/historial/")
    assert "Visitar antes de llamar" in page.inner_text("main")
