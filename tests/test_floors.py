"""The layout keeps its floors: an app imports only from the apps below it.

core → people → employers → recovery → agreements → legal, council → solvency, prescription
→ correspondence → reporting → office → config. No import (at the top of a module or lazily
inside a function), no "app.Model" reference and no dotted path in a string runs from an
app to one on its own floor or above. Migrations are history and are not walked: a model that
moved down keeps, in its old migrations, the app it came from.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = [
    ["core"],
    ["people"],
    ["employers"],
    ["recovery"],
    ["agreements"],
    ["legal", "council"],
    ["solvency", "prescription"],
    ["correspondence"],
    ["reporting"],
    ["office"],
    ["config"],
]
FLOOR = {app: level for level, apps in enumerate(FLOORS) for app in apps}
APPS = "|".join(FLOOR)
DOTTED = re.compile(rf"^({APPS})\.[A-Za-z_][\w.]*$")


def _app_files():
    for app in FLOOR:
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            if "migrations" not in path.relative_to(folder).parts:
                yield app, path


def _references(tree: ast.AST):
    """(line, target app, how) for every import and app-naming string of a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0], f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0], f"from {node.module} import"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if DOTTED.match(node.value):
                yield node.lineno, node.value.split(".")[0], repr(node.value)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield node.lineno, str(node.args[0].value), "get_model"


def upward_references() -> list[str]:
    found = []
    for app, path in _app_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, target, how in _references(tree):
            if target == app or target not in FLOOR:
                continue
            if FLOOR[target] >= FLOOR[app]:
                found.append(f"{path.relative_to(ROOT)}:{line}: {app} → {target} ({how})")
    return found


def test_no_app_reaches_its_own_floor_or_above():
    assert upward_references() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from agreements.models import ConceptAllocation\n", True),  # a lazy import too
        ("def f():\n    from legal import services\n", True),
        ("x = 'agreements.PaymentAgreement'\n", True),
        ("apps.get_model('recovery', 'LegalReferral')\n", True),
        ("from core.money import ZERO\n", False),
    ],
)
def test_the_walk_sees_imports_lazy_imports_and_model_strings(source, expected):
    refs = [target for _line, target, _how in _references(ast.parse(source))]
    assert any(FLOOR[target] >= FLOOR["employers"] for target in refs) is expected
