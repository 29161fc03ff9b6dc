"""The Spanish catalogue: every message translated, every plural form filled."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


def _entries(po_text: str):
    """(msgid, {form: msgstr}, flags) for each entry of a .po file but the header."""
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        strings: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                strings[key] = match.group(2)
            elif line.startswith('"') and key:
                strings[key] += line[1:-1]
        if strings.get("msgid"):
            forms = {k: v for k, v in strings.items() if k.startswith("msgstr")}
            yield strings["msgid"], forms, flags


def test_every_message_and_every_plural_form_is_translated():
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    nplurals = int(re.search(r"nplurals=(\d+)", text).group(1))
    empty, fuzzy, missing_forms = [], [], []
    entries = list(_entries(text))
    for msgid, forms, flags in entries:
        if "fuzzy" in flags:
            fuzzy.append(msgid)
        if any(value == "" for value in forms.values()):
            empty.append(msgid)
        if "msgstr" not in forms and len(forms) != nplurals:
            missing_forms.append(msgid)
    assert len(entries) > 500
    assert empty == []
    assert fuzzy == []
    assert missing_forms == []


def test_the_compiled_catalogue_has_every_plural_form():
    with open(CATALOGUE / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    assert [key for key, value in catalog.items() if key and value == ""] == []


def test_agreement_pdf_says_how_many_installments_for_any_count():
    with translation.override("es"):
        for count, expected in [
            (1, "y 1 cuota, así:"),
            (2, "y 2 cuotas, así:"),
            (12, "y 12 cuotas, así:"),
        ]:
            text = translation.ngettext(
                "and %(counter)s installment, as follows:",
                "and %(counter)s installments, as follows:",
                count,
            ) % {"counter": count}
            assert text == expected


def test_the_common_plural_says_the_same_as_the_plural():
    """Spanish's third form (index 2) is the everyday plural (298 casos); the second is
    for exact millions only. A third form that says something else (it once said
    "298 períodos" for cases) shows a wrong word on every count but one."""
    po_text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    wrong = [
        msgid
        for msgid, forms, _flags in _entries(po_text)
        if "msgstr[2]" in forms
        and forms["msgstr[2]"].split()[-1:] != forms["msgstr[1]"].split()[-1:]
    ]
    assert wrong == []
    with translation.override("es"):
        assert (
            translation.ngettext("%(counter)s case", "%(counter)s cases", 298) % {"counter": 298}
            == "298 casos"
        )


def test_no_message_is_marked_inside_an_f_string():
    """xgettext does not read f-strings: `f"{_('...')}"` stays in English for good."""
    offenders = []
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if ".venv" in path.parts or "migrations" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\{_\(", text):
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []
