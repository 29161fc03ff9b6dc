"""Helpers for migrations that move a model from one app to another."""

from django.db import migrations


def move_content_types(models_by_app: dict[str, list[str]], *, to: str):
    """A RunPython that gives the moved models' content types (and so the permissions
    granted on them, and the admin log) their new app label."""

    def forward(apps, schema_editor):
        _relabel(apps, models_by_app, to)

    def backward(apps, schema_editor):
        for app_label, models in models_by_app.items():
            _relabel(apps, {to: models}, app_label)

    return migrations.RunPython(forward, backward)


def _relabel(apps, models_by_app: dict[str, list[str]], to: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, models in models_by_app.items():
        for model in models:
            # A content type already created under the new label (never used) gives way.
            ContentType.objects.filter(app_label=to, model=model).delete()
            ContentType.objects.filter(app_label=app_label, model=model).update(app_label=to)
