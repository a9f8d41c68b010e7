"""Every message a person reads is translatable: no French text reaches an exception, a flash
message, an e-mail or a form error without going through gettext (the English catalogue then
gives it in English)."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "icilabas"

# French by its letters, its quotation marks or its small words.
FRENCH = re.compile(
    r"[éèêàùçôîâ«»’]|\b(de|le|la|les|du|des|une|un|pour|est|sont|et|aux?|dans|sur|pas)\b", re.I
)
MAIL_CALLS = {"send_mail", "send_after_commit", "mail_admins", "EmailMessage"}
MESSAGE_KEYWORDS = {"subject", "message", "body", "error"}


def _literal_text(node: ast.expr) -> str | None:
    """The text of a literal string or f-string (its fixed parts), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):  # "…" + "…"
        parts = [_literal_text(node.left), _literal_text(node.right)]
        return "".join(part for part in parts if part) or None
    return None


def _message_arguments(node: ast.AST) -> list[ast.expr]:
    """What a raise, a flash message, an e-mail or a form error is given as its text."""
    if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
        return [*node.exc.args, *(keyword.value for keyword in node.exc.keywords)]
    if not isinstance(node, ast.Call):
        return []
    function = node.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    owner = getattr(function.value, "id", "") if isinstance(function, ast.Attribute) else ""
    if owner == "messages" or name in MAIL_CALLS or name == "add_error":
        keywords = [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
        return [*node.args, *keywords]
    return []


def untranslated_messages(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        for argument in _message_arguments(node):
            text = _literal_text(argument)
            if text and FRENCH.search(text):
                found.append((argument.lineno, text))
    return found


def test_no_french_message_escapes_gettext():
    escaped = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, text in untranslated_messages(path.read_text(encoding="utf-8")):
            escaped.append(f"{path.relative_to(PACKAGE)}:{line} {text[:60]!r}")
    assert escaped == []


def test_the_check_finds_each_kind_of_message():
    source = (
        "def view(request, form, record):\n"
        "    messages.success(request, f'« {record} » a été restauré.')\n"
        "    form.add_error('code', 'Code incorrect ou expiré')\n"
        "    send_after_commit(subject='Votre modification est publiée', message=text, to=[])\n"
        "    messages.info(request, gettext('Fiche enregistrée.'))\n"
        "    raise PermissionDenied(f'Seule l’équipe peut changer {record}.')\n"
        "    raise ValueError(code)\n"
    )
    assert sorted(line for line, _text in untranslated_messages(source)) == [2, 3, 4, 6]


# ------------------------------------------------------------------ the English catalogue

CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES"


def _untranslated(po) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def test_the_english_catalogue_translates_every_entry_and_is_compiled():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert _untranslated(po) == []
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(CATALOGUE / "django.mo"))
    }
    written = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in po
        if not e.obsolete and e.translated()
    }
    assert compiled == written  # `icilabas compilemessages` after editing the .po


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="gettext's xgettext is absent (.ci/run installs it)"
)
def test_every_message_of_the_code_is_in_the_catalogue(tmp_path):
    """What `makemessages` would find in the code today is already translated."""
    copy = tmp_path / "icilabas"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data", "static"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "icilabas.settings"},
        check=True,
        capture_output=True,
    )
    assert (
        _untranslated(polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))) == []
    )


# ------------------------------------------------------------------ French plural forms

FRENCH_CATALOGUE = PACKAGE / "locale" / "fr" / "LC_MESSAGES"


def test_the_french_catalogue_holds_every_plural_message_with_its_own_forms():
    """`scripts/french_plurals.py` after `makemessages`: without it "0 fiches"."""
    english = polib.pofile(str(CATALOGUE / "django.po"))
    wanted = {
        (e.msgctxt, e.msgid): (e.msgid, e.msgid_plural)
        for e in english
        if not e.obsolete and e.msgid_plural
    }
    french = polib.pofile(str(FRENCH_CATALOGUE / "django.po"))
    written = {(e.msgctxt, e.msgid): (e.msgstr_plural[0], e.msgstr_plural[1]) for e in french}
    assert written == wanted
    assert "nplurals=2; plural=(n > 1);" in french.metadata["Plural-Forms"]
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr_plural
        for e in polib.mofile(str(FRENCH_CATALOGUE / "django.mo"))
    }
    assert compiled == {key: {0: one, 1: many} for key, (one, many) in wanted.items()}


@pytest.mark.django_db
def test_zero_takes_the_singular_in_french_and_the_plural_in_english(staff_client):
    page = staff_client.get(reverse("members:home")).content.decode()
    assert "0 fiche soumise à validation" in page and "0 modification à relire" in page
    message = "%(counter)s fiche soumise à validation"
    plural = "%(counter)s fiches soumises à validation"
    with translation.override("en"):
        assert ngettext(message, plural, 0) % {"counter": 0} == "0 records submitted for approval"
    with translation.override("fr"):
        assert ngettext(message, plural, 0) % {"counter": 0} == "0 fiche soumise à validation"
        assert ngettext(message, plural, 2) % {"counter": 2} == "2 fiches soumises à validation"
