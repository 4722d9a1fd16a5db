"""The product in Spanish: patient pages, the sign-in email, and a complete catalogue."""

import ast
import gettext
import re
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from patients.models import Language, Patient
from practices.models import OpeningHours, Weekday

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_spanish(html: str, spanish: list[str], english: list[str]) -> None:
    assert '<html lang="es">' in html
    missing = [text for text in spanish if text not in html]
    assert not missing, f"Spanish text missing: {missing}"
    leftover = [text for text in english if text in html]
    assert not leftover, f"English text still shown: {leftover}"


def sign_in_patient(client: Client, patient: Patient) -> None:
    session = client.session
    session["patient_id"] = patient.pk
    session["patient_practice_id"] = patient.practice_id
    session.save()


@pytest.fixture
def spanish(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


# --- Pages ------------------------------------------------------------------------------


def test_public_page_in_spanish(spanish, practice, location, provider):
    OpeningHours.objects.create(
        practice=practice, location=location, weekday=Weekday.MONDAY, opens=time(8), closes=time(17)
    )
    html = page(spanish.get(reverse("practices:public", args=[practice.slug])))
    assert_spanish(
        html,
        spanish=[
            "Atención dermatológica",
            "Acceso para pacientes",
            "Ubicaciones y horarios",
            "Nuestro equipo médico",
            "Cómo llegar a Downtown",
            "Horario de atención",
            "Lunes",
            "Atiende en:",
            "¿Preguntas? Llámenos:",
            "Saltar al contenido principal",
        ],
        english=["Patient sign in", "Locations and hours", "Our providers", "Opening hours", "Monday", "Questions?"],
    )


def test_set_language_view_switches_the_sign_in_page_to_spanish(client, practice):
    url = reverse("patients:sign_in", args=[practice.slug])
    assert "Email me a link" in page(client.get(url))

    response = client.post(reverse("set_language"), {"language": "es", "next": url}, follow=True)

    assert_spanish(
        page(response),
        spanish=[
            "Iniciar sesión",
            "No necesita contraseña.",
            "Su correo electrónico",
            "Enviarme un enlace por correo",
            "Idioma",
        ],
        english=["Sign in", "No password needed", "Your email address", "Email me a link"],
    )


def test_sign_in_form_errors_in_spanish(spanish, practice):
    html = page(spanish.post(reverse("patients:sign_in", args=[practice.slug]), {"email": "not an address"}))
    assert "Introduzca una dirección de correo electrónico válida." in html  # Django's own Spanish catalogue
    assert "Enter a valid email address." not in html


def test_sign_in_sent_page_in_spanish(spanish, practice):
    html = page(spanish.post(reverse("patients:sign_in", args=[practice.slug]), {"email": "nobody@example.com"}))
    assert_spanish(
        html,
        spanish=[
            "Revise su correo electrónico",
            "Revise su carpeta de correo no deseado o llámenos al (512) 555-0100.",
        ],
        english=["Check your email", "spam folder"],
    )


def test_portal_in_spanish(spanish, practice, make_patient):
    patient = make_patient(practice, preferred_language=Language.SPANISH, email_consent=True)
    sign_in_patient(spanish, patient)

    html = page(spanish.get(reverse("patients:portal", args=[practice.slug])))

    assert_spanish(
        html,
        spanish=[
            "Hola, Ana",
            "Sus datos",
            "Fecha de nacimiento",
            "Idioma preferido",
            "<dd>Español</dd>",
            "<dd>Sí</dd>",
            "Actualizar sus datos de contacto",
            "Sus citas",
            "Cerrar sesión",
        ],
        english=["Hello, Ana", "Your details", "Date of birth", "Spanish", "Update your contact details", "Sign out"],
    )


def test_portal_edit_form_and_message_in_spanish(spanish, practice, make_patient):
    patient = make_patient(practice)
    sign_in_patient(spanish, patient)
    url = reverse("patients:portal_edit", args=[practice.slug])

    html = page(spanish.get(url))
    assert_spanish(
        html,
        spanish=["Sus datos de contacto", "Celular", "Acepta recibir mensajes de texto", "Guardar", "Cancelar"],
        english=["Your contact details", "Mobile phone", "May contact by text message"],
    )

    invalid = page(
        spanish.post(url, {"phone": "", "email": patient.email, "preferred_language": "en", "sms_consent": "on"})
    )
    assert "Agregue un número de celular para permitir los mensajes de texto." in invalid

    saved = spanish.post(url, {"phone": "", "email": patient.email, "preferred_language": "es"}, follow=True)
    assert "Se guardaron sus datos." in page(saved)


def test_staff_dashboard_shows_the_catalogue_in_spanish(spanish, staff_client, owner):
    html = page(staff_client(owner).get(reverse("practices:home"), follow=True))
    assert_spanish(
        html,
        spanish=[
            "El recorrido del paciente",
            "Llegar y esperar",
            "Eventos del recorrido en la etapa Llegar y esperar",
            "Registro de llegada en línea",
            "Portal del paciente",
            "Pacientes",
        ],
        english=["The patient journey", "Arrive and wait", "Online check-in", "Patient portal"],
    )


# --- The sign-in email follows the patient's language, not the page's ----------------------


def test_spanish_speaking_patient_gets_the_sign_in_email_in_spanish(
    client, practice, make_patient, mailoutbox, django_capture_on_commit_callbacks
):
    ana = make_patient(practice, email="familia@example.com", preferred_language=Language.SPANISH)
    make_patient(practice, first_name="Ben", email="familia@example.com", preferred_language=Language.ENGLISH)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("patients:sign_in", args=[practice.slug]), {"email": "Familia@example.com"})
    assert "Check your email" in page(response)  # the page stays in the visitor's language (English)

    by_language = {}
    for message in mailoutbox:
        assert message.to == ["familia@example.com"]
        by_language["es" if "Use este enlace" in message.body else "en"] = message
    assert set(by_language) == {"es", "en"}

    spanish_mail = by_language["es"]
    minutes = settings.PATIENT_SIGN_IN_LINK_MINUTES
    assert spanish_mail.subject == "Su enlace para iniciar sesión en ClearSkin Test"
    assert "Saludos de ClearSkin Test." in spanish_mail.body
    assert f"Funciona una sola vez y vence en {minutes} minutos:" in spanish_mail.body
    assert "Si usted no lo pidió, puede ignorar este correo." in spanish_mail.body
    for english in ("Hello from", "Use this link", "If you did not ask"):
        assert english not in spanish_mail.body
    assert by_language["en"].subject == "Your sign-in link for ClearSkin Test"
    assert "Use this link to sign in." in by_language["en"].body

    # Following the Spanish link signs Ana in and the portal speaks Spanish from then on.
    path = re.search(r"https?://[^/\s]+(/\S+)", spanish_mail.body).group(1)
    assert client.get(path).status_code == 200
    portal = client.post(path, follow=True)
    assert "Hola, Ana" in page(portal)
    assert client.session["patient_id"] == ana.pk


# --- The catalogue ------------------------------------------------------------------------------


def parse_po(path: Path) -> list[dict]:
    """A small PO reader: one dict per entry with msgctxt, msgid, msgid_plural, msgstr list and flags."""
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] | None = None
    field: str | None = None

    def finish() -> None:
        if entry is not None and entry.get("msgid") is not None:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is None or entry["msgstr"]:
                finish()
                entry, field = {"flags": set(), "msgstr": []}, None
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
            assert entry is not None and field is not None  # a continuation line follows its keyword
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
            continue
        if keyword in ("msgctxt", "msgid") and (entry is None or entry["msgstr"]):
            finish()
            entry = {"flags": set(), "msgstr": []}
        assert entry is not None  # a keyword line starts an entry or continues one
        value = ast.literal_eval(rest)
        if keyword.startswith("msgstr"):
            entry["msgstr"].append(value)
            field = "msgstr"
        else:
            entry[keyword] = value
            field = keyword
    finish()
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]", text))


def test_catalogue_is_complete():
    entries = parse_po(LOCALE_DIR / "django.po")
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"], "the header is still fuzzy: msgfmt would drop the charset"
    assert "Language: es\n" in header["msgstr"][0]
    assert len(messages) > 250

    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in messages if not e["msgstr"] or not all(e["msgstr"])]
    broken = [e["msgid"] for e in messages if any(placeholders(s) != placeholders(e["msgid"]) for s in e["msgstr"])]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not empty, f"untranslated entries: {empty}"
    assert not broken, f"placeholders differ from the English: {broken}"


def test_compiled_catalogue_matches_the_po_file():
    """django.mo holds every translation in django.po: nobody forgot compilemessages."""
    with open(LOCALE_DIR / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    catalog = compiled._catalog
    stale = []
    for entry in parse_po(LOCALE_DIR / "django.po")[1:]:
        key = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if "msgid_plural" in entry:
            found = [catalog.get((key, n)) for n in range(len(entry["msgstr"]))]
        else:
            found = [catalog.get(key)]
        if found != entry["msgstr"]:
            stale.append(entry["msgid"])
    assert not stale, f"django.mo is out of date for: {stale}; run manage.py compilemessages"


def test_catalogue_names_translate_at_display_time():
    from journey.catalogue import CATALOGUE, STAGES

    with translation.override("es"):
        untranslated = [name for _, name in STAGES if translation.gettext(name) == name]
        untranslated += [tp.name for tp in CATALOGUE if translation.gettext(tp.name) == tp.name]
    assert not untranslated
