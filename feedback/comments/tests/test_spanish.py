"""Spanish comments: the hand-written lexicon, negation, intensifiers, clauses, touch points, language detection,
the survey-response path, and the team-written sanity check in spanish_check.csv (not an evaluation)."""

import csv
from pathlib import Path

import pytest

from feedback.comments import TOUCHPOINT_NAMES, analyze, analyze_many, detect_language, model, spanish
from feedback.comments.analysis import Analysis
from feedback.comments.clauses import split_clauses
from feedback.models import CaseReason, CommentAnalysis, RecoveryCase
from feedback.services import listening
from practices.models import Role
from tests.factories import NOW, make_response, make_survey

CHECK_FILE = Path(__file__).resolve().parent / "spanish_check.csv"


def touchpoints(result: Analysis) -> dict[str, str]:
    return {t.name: t.sentiment for t in result.touchpoints}


@pytest.mark.parametrize(
    "text",
    [
        "La doctora fue muy amable y me explicó todo con paciencia.",
        "Excelente atención, el personal de la recepción siempre atento. ¡Muchas gracias!",
        "Me atendieron a tiempo y la clínica está muy limpia. Los recomiendo.",
        "Me llamaron al día siguiente para ver cómo seguía.",
    ],
)
def test_it_reads_clear_praise_as_positive(text):
    result = analyze(text, language="es")
    assert result.sentiment == "positive"
    assert result.score >= 0.25
    assert not result.mixed


@pytest.mark.parametrize(
    "text",
    [
        "La recepcionista fue grosera y esperé más de una hora. Pésimo servicio.",
        "Nunca me devolvieron la llamada con los resultados.",
        "Me cobraron dos veces el copago y nadie me ayudó.",
        "Los baños estaban sucios. No lo recomiendo.",
    ],
)
def test_it_reads_clear_complaints_as_negative(text):
    result = analyze(text, language="es")
    assert result.sentiment == "negative"
    assert result.score <= -0.25


def test_it_splits_a_mixed_comment_by_touch_point():
    result = analyze("La recepcionista fue muy grosera pero la doctora fue excelente", language="es")
    assert result.mixed is True
    assert touchpoints(result) == {"front desk and staff": "negative", "provider communication": "positive"}
    assert [c.text for c in result.clauses] == ["la recepcionista fue muy grosera", "pero la doctora fue excelente"]
    assert [c.sentiment for c in result.clauses] == ["negative", "positive"]


def test_it_keeps_the_english_neutral_band_and_mixed_threshold():
    loaded = model.load_model()
    # One clause just past the mixed threshold on each side; the band and threshold come from the English model.
    result = analyze("La recepcionista fue grosera pero la doctora fue excelente", language="es")
    assert min(c.score for c in result.clauses) <= -loaded.mixed_threshold
    assert max(c.score for c in result.clauses) >= loaded.mixed_threshold
    quiet = analyze("La cita fue el martes.", language="es")
    assert quiet.sentiment == "neutral" and abs(quiet.score) < loaded.neutral_band


@pytest.mark.parametrize(
    ("negated", "plain"),
    [
        ("no fue amable", "fue amable"),
        ("La enfermera nunca fue amable conmigo", "La enfermera fue amable conmigo"),
        ("la recepcionista no fue nada amable", "la recepcionista fue amable"),
        ("no me lo explicaron", "me lo explicaron"),
        ("el personal fue poco amable", "el personal fue amable"),
    ],
)
def test_negation_flips_praise(negated, plain):
    assert analyze(plain, language="es").sentiment == "positive"
    assert analyze(negated, language="es").sentiment == "negative"


@pytest.mark.parametrize(
    "text", ["nunca me sentí apurado", "No tuve ningún problema", "nadie fue grosero", "no tuve que esperar"]
)
def test_negation_turns_a_complaint_word_into_no_complaint(text):
    assert analyze(text, language="es").sentiment != "negative"
    assert spanish.clause_valence(text) > 0


def test_me_senti_apurado_alone_is_negative():  # so the test above shows negation at work
    assert analyze("me sentí apurado", language="es").sentiment == "negative"


def test_sin_embargo_and_sin_duda_do_not_negate():
    assert analyze("Sin duda excelente", language="es").sentiment == "positive"
    assert spanish.clause_valence("sin embargo la doctora fue excelente") > 0


def test_intensifiers_strengthen_and_diminishers_soften():
    assert spanish.clause_valence("muy amable") > spanish.clause_valence("amable") > 0
    assert spanish.clause_valence("súper amable") > spanish.clause_valence("amable")
    assert spanish.clause_valence("demasiado lento") < spanish.clause_valence("lento") < 0
    assert spanish.clause_valence("un poco sucio") > spanish.clause_valence("sucio")
    assert spanish.clause_valence("un poco sucio") < 0  # "un poco" softens; it does not negate like "poco"
    assert spanish.clause_valence("bien grosera") < spanish.clause_valence("grosera")  # "bien" intensifies here
    assert spanish.clause_valence("tardaron demasiado") < spanish.clause_valence("tardaron")
    assert spanish.clause_valence("rapidísimo") > spanish.clause_valence("rápido") > 0
    assert spanish.clause_valence("amabilísima") > spanish.clause_valence("amable") > 0
    assert spanish.clause_valence("carísimo") < spanish.clause_valence("caro") < 0


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("Esperé más de una hora y la atención fue pésima.", "espere mas de una hora y la atencion fue pesima"),
        ("La doctora me explicó todo. ¡Excelente!", "la doctora me explico todo. excelente"),
        ("Nunca me devolvieron la llamada; qué decepción.", "nunca me devolvieron la llamada; que decepcion"),
        ("El baño estaba sucio y la recepción fue grosera.", "El bano estaba sucio y la recepcion fue grosera."),
    ],
)
def test_missing_accents_read_the_same(accented, plain):
    with_accents, without = analyze(accented, language="es"), analyze(plain, language="es")
    assert with_accents.sentiment == without.sentiment != "neutral"
    assert with_accents.score == without.score
    assert with_accents.touchpoints == without.touchpoints
    assert with_accents.touchpoints


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La recepcionista me ayudó con mi seguro", ["front desk and staff", "billing and cost"]),
        ("la muchacha de la entrada", ["front desk and staff"]),
        ("No pude agendar una cita", ["booking and access"]),
        ("esperé 40 minutos en la sala de espera", ["waiting"]),
        ("La Dra. López me explicó el diagnóstico", ["provider communication"]),
        ("Mis resultados nunca aparecieron en el portal", ["records and information"]),
        ("el copago y el deducible", ["billing and cost"]),
        ("los baños estaban limpios y hay estacionamiento", ["facility and cleanliness"]),
        ("nadie me dio seguimiento", ["follow-up"]),
        ("nunca me devolvieron la llamada", ["follow-up"]),
        ("citas en la tarde", ["booking and access"]),  # "la tarde" is the afternoon, not lateness
        ("el doctor llegó tarde", ["waiting", "provider communication"]),
        ("estoy seguro de que volveré", []),  # "seguro" as "sure" is not insurance
        ("hace buen tiempo", []),
    ],
)
def test_it_finds_spanish_touch_points(text, expected):
    assert spanish.detect_touchpoints(text) == [name for name in TOUCHPOINT_NAMES if name in expected]


def test_every_spanish_touch_point_is_an_english_one_in_the_same_order():
    assert tuple(spanish.TOUCHPOINTS) == TOUCHPOINT_NAMES


def test_it_splits_spanish_clauses_at_contrasts():
    def texts(text):
        return [c.text for c in split_clauses(text, "es")]

    assert texts("Todo bien menos la espera") == ["todo bien", "menos la espera"]
    assert texts("Entré y salí en menos de una hora, al menos eso") == [
        "entré y salí en menos de una hora, al menos eso"
    ]
    assert texts("La doctora es buena, sin embargo, el trato deja mucho que desear") == [
        "la doctora es buena",
        "sin embargo, el trato deja mucho que desear",
    ]
    assert texts("Aunque la espera fue larga, la doctora fue excelente") == [
        "aunque la espera fue larga",
        "la doctora fue excelente",
    ]
    assert texts("¡Muchas gracias! ¿Por qué tardaron tanto? La Dra. Ruiz fue amable") == [
        "muchas gracias",
        "por qué tardaron tanto",
        "la dra. ruiz fue amable",
    ]
    # English splitting is unchanged by the language parameter's default.
    assert [c.text for c in split_clauses("Rude staff but great doctor")] == ["rude staff", "but great doctor"]


def test_a_concession_weighs_less_than_the_main_clause():
    assert analyze("Aunque la espera fue larga, la doctora fue excelente", language="es").sentiment == "positive"
    assert analyze("La doctora es buena, pero la espera fue eterna", language="es").sentiment == "negative"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Excelente", "es"),
        ("Gracias", "es"),
        ("Muy bien", "es"),
        ("Pésimo", "es"),
        ("¿Y mis resultados?", "es"),
        ("La doctora fue muy amable", "es"),
        ("Great doctor", "en"),
        ("Rude", "en"),
        ("Excellent", "en"),
        ("Air con", "en"),  # "con" alone is not enough
        ("Ok", "en"),  # unsure: English
        ("Dr. Lee", "en"),
        (
            "Llegué a tiempo a mi cita pero tuve que esperar casi una hora en la sala de espera, y cuando por fin me "
            "atendió el doctor fue muy rápido y no me explicó bien los resultados de mis análisis.",
            "es",
        ),
        (
            "I arrived on time for my appointment but had to wait almost an hour in the waiting room, and when the "
            "doctor finally saw me he was very quick and did not explain my lab results well.",
            "en",
        ),
        ("The staff were lovely, la recepcionista Maria was great and the doctor explained everything", "en"),
    ],
)
def test_it_detects_the_language(text, expected):
    assert detect_language(text) == expected


def test_it_guesses_the_language_when_none_is_given():
    spanish_text = "La recepcionista fue muy grosera pero la doctora fue excelente"
    assert analyze(spanish_text) == analyze(spanish_text, language="es")
    assert analyze(spanish_text, language="auto") == analyze(spanish_text, language="es")
    assert analyze(spanish_text, language="es-MX") == analyze(spanish_text, language="es")
    # Told it is English, the Spanish comment takes the English path (which knows no Spanish).
    assert analyze(spanish_text, language="en").touchpoints == []


@pytest.mark.parametrize(
    "text",
    [
        "The front desk was rude but Dr. Lee was wonderful",
        "Waited over an hour, nobody called me back about my biopsy results.",
        "Great care, thank you!",
        "Con artist billing department",
        "The receptionist. So rude!",
    ],
)
def test_an_english_comment_reads_as_before(text):
    expected = analyze(text, language="en")
    assert analyze(text) == expected
    assert analyze_many([text, text]) == [expected, expected]


def test_analyze_many_takes_the_language():
    texts = ["La recepcionista fue grosera", "Excelente servicio"]
    assert analyze_many(texts, language="es") == [analyze(t, language="es") for t in texts]
    assert [r.sentiment for r in analyze_many(texts, language="es")] == ["negative", "positive"]


def _check_rows() -> list[dict]:
    with CHECK_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_team_written_check_has_forty_balanced_comments():
    rows = _check_rows()
    assert len(rows) == 40
    assert sorted(r["label"] for r in rows) == ["negative"] * 20 + ["positive"] * 20
    assert all(detect_language(r["text"]) == "es" for r in rows)


def test_at_least_85_percent_of_the_team_written_check_gets_the_right_polarity():
    rows = _check_rows()
    right = [analyze(r["text"], language="es").sentiment == r["label"] for r in rows]
    assert sum(right) / len(rows) >= 0.85


# --- through the survey response -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_spanish_survey_comment_is_stored_with_its_sentiment_and_touch_point(patient):
    version = make_survey(patient.practice)
    answers = {"cg_access": 4, "provider_rating": 9, "ease_booking": 5, "after_hours": 1, "recommend": 10}
    response = make_response(
        version, patient, {**answers, "comment": "La recepcionista fue muy grosera conmigo."}, language="es"
    )
    listening.response_completed(response=response, now=NOW)
    analysis = CommentAnalysis.objects.get(answer__response=response)
    assert analysis.sentiment == "negative"
    assert analysis.score <= -0.25
    assert analysis.touchpoints == [{"name": "front desk and staff", "sentiment": "negative"}]
    assert analysis.model_version.startswith("spanish/1-")
    # Plain Spanish in an English survey is still read as Spanish; English stays English.
    english = make_response(
        version, patient, {**answers, "comment": "La recepcionista fue muy grosera conmigo."}, language="en"
    )
    listening.response_completed(response=english, now=NOW)
    reading = CommentAnalysis.objects.get(answer__response=english)
    assert reading.touchpoints == [{"name": "front desk and staff", "sentiment": "negative"}]
    assert reading.model_version == analysis.model_version
    rude = make_response(version, patient, {**answers, "comment": "The receptionist was very rude."}, language="en")
    listening.response_completed(response=rude, now=NOW)
    assert CommentAnalysis.objects.get(answer__response=rude).model_version.startswith("sentiment/1-")


@pytest.mark.django_db
def test_a_strongly_negative_spanish_comment_opens_a_case(patient, make_staff):
    make_staff(patient.practice, Role.EXPERIENCE_LEAD)
    version = make_survey(patient.practice)
    comment = "La recepcionista fue muy grosera, esperé dos horas y nadie me explicó nada. Pésimo servicio."
    answers = {"cg_access": 4, "provider_rating": 9, "ease_booking": 5, "after_hours": 1, "recommend": 9}
    response = make_response(version, patient, {**answers, "comment": comment}, language="es")
    listening.response_completed(response=response, now=NOW)
    assert CommentAnalysis.objects.get(answer__response=response).score <= listening.STRONGLY_NEGATIVE
    assert RecoveryCase.objects.get(response=response).reason == CaseReason.NEGATIVE_COMMENT
