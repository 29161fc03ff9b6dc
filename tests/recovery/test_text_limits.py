"""Every free-text field has a limit that fits its use (issue 10, item 6)."""

import importlib

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.urls import reverse

from core.text import NOTE_MAX_CHARS
from recovery.models import FollowUp

# Django's login form limits the user name when it is built (from the user model) and
# hashes the password once, whatever its length.
LIMITED_ELSEWHERE = {"people.LoginForm.username", "people.LoginForm.password"}
OUR_APPS = ["core", "people", "employers", "recovery", "agreements", "legal"]


def test_every_text_column_declares_a_maximum():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and not field.max_length
        and not field.name.startswith("pgh_")  # the history's own bookkeeping
    ]
    assert unbounded == []


def test_every_free_text_form_field_declares_a_maximum():
    unbounded = []
    for app in OUR_APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if not (isinstance(value, type) and issubclass(value, forms.BaseForm)):
                continue
            if value.__module__ != module.__name__:  # Django's own, imported
                continue
            for field_name, field in value.base_fields.items():
                if isinstance(field, forms.CharField) and not field.max_length:
                    unbounded.append(f"{app}.{name}.{field_name}")
    assert [name for name in unbounded if name not in LIMITED_ELSEWHERE] == []


@pytest.mark.django_db
def test_a_nine_megabyte_note_is_refused_with_the_reason_and_nothing_is_stored(
    client, agent_ss, case
):
    client.force_login(agent_ss)
    response = client.post(
        reverse("recovery:follow_up_create", args=[case.pk]),
        {"kind": "call", "outcome": "reached", "notes": "x" * (9 * 1024 * 1024)},
    )
    assert response.status_code == 400  # the form again, with its errors
    assert f"menos de {NOTE_MAX_CHARS} caracteres" in response.content.decode()
    assert not FollowUp.objects.exists()
