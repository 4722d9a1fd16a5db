"""The survey templates Touchpoints ships, as data: one post-visit survey and three micro-surveys.

The post-visit survey follows the CG-CAHPS 3.0 composites (getting timely appointments, care and
information; how well the provider communicates; helpful, courteous and respectful office staff;
the provider's use of information to coordinate care; rating of the provider) in our own plain
wording, with the standard never/sometimes/usually/always answers and the 0–10 provider rating.
It is not the official, licensed CG-CAHPS instrument and its results must not be submitted as
CG-CAHPS results. The access group also keeps the "seen within 15 minutes" item of CG-CAHPS 2.0,
because the wait is a touch point this product measures. Likelihood to recommend (0–10) and one
open question complete it.

The Spanish is written the way US clinics write to Spanish-speaking patients: "usted", plain words,
"proveedor" for the doctor, nurse practitioner or physician assistant.

Each question has a ``code`` that stays the same across versions and practice copies (scores over
time and across practices rely on it), the touch point of the journey it measures (a code from
``journey/catalogue.py``) and, for the CG-CAHPS items, its composite. No Django import: services in
``feedback/services/surveys.py`` turn this into rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShippedQuestion:
    code: str
    kind: str  # a feedback.models.QuestionKind value
    text_en: str
    text_es: str
    touchpoint: str  # a journey.catalogue code
    composite: str = ""  # a feedback.models.Composite value
    required: bool = False


@dataclass(frozen=True)
class ShippedSurvey:
    kind: str  # a feedback.models.SurveyKind value
    name_en: str
    name_es: str
    questions: tuple[ShippedQuestion, ...]


# The touch point a whole response (and its journey event) belongs to, by survey kind.
MAIN_TOUCHPOINT: dict[str, str] = {
    "post_visit": "survey",
    "after_booking": "self-scheduling",
    "after_check_in": "online-check-in",
    "after_statement": "statement",
    "after_change": "survey",
}

POST_VISIT = ShippedSurvey(
    kind="post_visit",
    name_en="After your visit",
    name_es="Después de su visita",
    questions=(
        # Getting timely appointments, care and information
        ShippedQuestion(
            "cg_access_urgent",
            "frequency",
            "When you needed care right away, how often did you get an appointment as soon as you needed it?",
            "Cuando necesitó atención de inmediato, ¿con qué frecuencia consiguió una cita tan pronto como "
            "la necesitaba?",
            "first-available",
            "access",
        ),
        ShippedQuestion(
            "cg_access_routine",
            "frequency",
            "When you made an appointment for a check-up or routine care, how often did you get it as soon "
            "as you needed it?",
            "Cuando hizo una cita para un chequeo o atención de rutina, ¿con qué frecuencia la consiguió tan "
            "pronto como la necesitaba?",
            "self-scheduling",
            "access",
        ),
        ShippedQuestion(
            "cg_access_same_day_answer",
            "frequency",
            "When you contacted our office with a medical question during office hours, how often did you get "
            "an answer the same day?",
            "Cuando se comunicó con nuestro consultorio con una pregunta médica durante el horario de atención, "
            "¿con qué frecuencia recibió una respuesta el mismo día?",
            "patient-portal",
            "access",
        ),
        ShippedQuestion(
            "cg_access_seen_on_time",
            "frequency",
            "How often did you see your provider within 15 minutes of your appointment time?",
            "¿Con qué frecuencia le atendió su proveedor dentro de los 15 minutos de la hora de su cita?",
            "wait-estimate",
            "access",
        ),
        # How well the provider communicates
        ShippedQuestion(
            "cg_comm_explain",
            "frequency",
            "How often did your provider explain things in a way that was easy to understand?",
            "¿Con qué frecuencia su proveedor le explicó las cosas de una manera fácil de entender?",
            "visit-summary",
            "communication",
        ),
        ShippedQuestion(
            "cg_comm_listen",
            "frequency",
            "How often did your provider listen carefully to you?",
            "¿Con qué frecuencia su proveedor le escuchó con atención?",
            "visit-summary",
            "communication",
        ),
        ShippedQuestion(
            "cg_comm_respect",
            "frequency",
            "How often did your provider show respect for what you had to say?",
            "¿Con qué frecuencia su proveedor mostró respeto por lo que usted tenía que decir?",
            "visit-summary",
            "communication",
        ),
        ShippedQuestion(
            "cg_comm_time",
            "frequency",
            "How often did your provider spend enough time with you?",
            "¿Con qué frecuencia su proveedor pasó suficiente tiempo con usted?",
            "visit-status",
            "communication",
        ),
        # The provider's use of information to coordinate care
        ShippedQuestion(
            "cg_coord_history",
            "frequency",
            "How often did your provider seem to know the important information about your medical history?",
            "¿Con qué frecuencia su proveedor parecía conocer la información importante sobre su historial médico?",
            "intake",
            "coordination",
        ),
        ShippedQuestion(
            "cg_coord_results",
            "frequency",
            "When your provider ordered a blood test, x-ray or other test for you, how often did someone from "
            "our office follow up to give you the results?",
            "Cuando su proveedor le mandó hacer un análisis de sangre, una radiografía u otra prueba, ¿con qué "
            "frecuencia alguien de nuestro consultorio se comunicó con usted para darle los resultados?",
            "recall",
            "coordination",
        ),
        # Helpful, courteous and respectful office staff
        ShippedQuestion(
            "cg_staff_helpful",
            "frequency",
            "How often were the front desk staff and receptionists as helpful as you thought they should be?",
            "¿Con qué frecuencia el personal de la recepción fue tan amable y servicial como usted esperaba?",
            "flow-board",
            "office_staff",
        ),
        ShippedQuestion(
            "cg_staff_courtesy",
            "frequency",
            "How often did the front desk staff and receptionists treat you with courtesy and respect?",
            "¿Con qué frecuencia el personal de la recepción le trató con cortesía y respeto?",
            "flow-board",
            "office_staff",
        ),
        # Rating of the provider
        ShippedQuestion(
            "cg_provider_rating",
            "rating",
            "Using any number from 0 to 10, where 0 is the worst provider possible and 10 is the best provider "
            "possible, what number would you give your provider?",
            "Usando cualquier número del 0 al 10, donde 0 es el peor proveedor posible y 10 es el mejor "
            "proveedor posible, ¿qué número le daría a su proveedor?",
            "visit-summary",
            "provider_rating",
        ),
        ShippedQuestion(
            "recommend_practice",
            "recommend",
            "How likely are you to recommend our practice to your family and friends?",
            "¿Qué tan probable es que recomiende nuestro consultorio a sus familiares y amigos?",
            "survey",
        ),
        ShippedQuestion(
            "visit_comment",
            "text",
            "What is one thing we could do better, or did well?",
            "¿Qué es algo que podríamos hacer mejor, o que hicimos bien?",
            "survey",
        ),
    ),
)

AFTER_BOOKING = ShippedSurvey(
    kind="after_booking",
    name_en="After booking online",
    name_es="Después de hacer su cita en línea",
    questions=(
        ShippedQuestion(
            "booking_ease",
            "ease",
            "How easy was it to book your appointment online?",
            "¿Qué tan fácil fue hacer su cita en línea?",
            "self-scheduling",
        ),
        ShippedQuestion(
            "booking_comment",
            "text",
            "Is there anything that would have made booking easier?",
            "¿Hay algo que le hubiera facilitado hacer su cita?",
            "self-scheduling",
        ),
    ),
)

AFTER_CHECK_IN = ShippedSurvey(
    kind="after_check_in",
    name_en="After check-in and the wait",
    name_es="Después de registrar su llegada y la espera",
    questions=(
        ShippedQuestion(
            "check_in_ease",
            "ease",
            "How easy was it to check in for your visit?",
            "¿Qué tan fácil fue registrarse para su visita?",
            "online-check-in",
        ),
        ShippedQuestion(
            "seen_within_15_minutes",
            "yes_no",
            "Were you seen within 15 minutes of your appointment time?",
            "¿Le atendieron dentro de los 15 minutos de la hora de su cita?",
            "wait-estimate",
        ),
    ),
)

AFTER_STATEMENT = ShippedSurvey(
    kind="after_statement",
    name_en="After a statement",
    name_es="Después de recibir su estado de cuenta",
    questions=(
        ShippedQuestion(
            "statement_ease",
            "ease",
            "How easy was your bill to understand?",
            "¿Qué tan fácil fue entender su factura?",
            "statement",
        ),
        ShippedQuestion(
            "statement_comment",
            "text",
            "Was anything on your bill unclear? Please tell us what.",
            "¿Hubo algo en su factura que no quedó claro? Por favor, díganos qué.",
            "statement",
        ),
    ),
)

# One question per change the practice may notice (cx change signals, ``cx.models.signals.SignalKind``):
# code ``change_<kind>``. Staff send it from a signal's page; the patient sees only the question of that
# signal (``feedback.selectors.surveys.questions_for``), so it stays a one-question survey. Free text,
# so an unhappy answer is analysed like any comment and opens a recovery case the usual way.
CHANGE_QUESTIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "online_to_phone",
        "We noticed you booked by phone this time. Was anything wrong with booking online?",
        "Notamos que esta vez hizo su cita por teléfono. ¿Hubo algún problema al hacer su cita en línea?",
        "self-scheduling",
    ),
    (
        "phone_to_online",
        "We noticed you booked online this time. Was anything wrong when you called us?",
        "Notamos que esta vez hizo su cita en línea. ¿Hubo algún problema cuando nos llamó?",
        "phone-booking",
    ),
    (
        "stopped_checking_in",
        "We noticed you did not check in online this time. Was anything wrong with online check-in?",
        "Notamos que esta vez no se registró en línea. ¿Hubo algún problema con el registro en línea?",
        "online-check-in",
    ),
    (
        "stopped_confirming",
        "We noticed you no longer answer our reminders. Is anything wrong with them?",
        "Notamos que ya no responde a nuestros recordatorios. ¿Hay algún problema con ellos?",
        "reminders",
    ),
    (
        "lapsed_recall",
        "We have not seen you for a while. Is there anything that makes it hard to come back?",
        "Hace tiempo que no le vemos. ¿Hay algo que le dificulte volver?",
        "recall",
    ),
    (
        "lapsed_gap",
        "We see you less often than before. Is there anything that makes visits harder?",
        "Le vemos con menos frecuencia que antes. ¿Hay algo que le dificulte venir?",
        "recall",
    ),
    (
        "new_location",
        "We noticed you went to another of our locations this time. Was anything wrong at your usual one?",
        "Notamos que esta vez fue a otra de nuestras sedes. ¿Hubo algún problema en la de siempre?",
        "phone-booking",
    ),
    (
        "new_provider",
        "We noticed you saw a different provider this time. Is there anything we should know?",
        "Notamos que esta vez le atendió otro proveedor. ¿Hay algo que debamos saber?",
        "phone-booking",
    ),
    (
        "more_cancellations",
        "We noticed you had to cancel a few times lately. Is anything making your visits hard to keep?",
        "Notamos que tuvo que cancelar varias veces últimamente. ¿Hay algo que le dificulte venir a sus citas?",
        "manage-link",
    ),
    (
        "more_no_shows",
        "We missed you at a few visits lately. Is anything making your visits hard to keep?",
        "Le extrañamos en algunas citas últimamente. ¿Hay algo que le dificulte venir a sus citas?",
        "reminders",
    ),
    (
        "late_cancellations",
        "We noticed some of your visits were cancelled at short notice. Could we make that easier?",
        "Notamos que algunas de sus citas se cancelaron con poco aviso. ¿Podríamos facilitarle algo?",
        "manage-link",
    ),
    (
        "opted_out",
        "We noticed you no longer want our messages. Was anything wrong with them?",
        "Notamos que ya no quiere recibir nuestros mensajes. ¿Hubo algún problema con ellos?",
        "reminders",
    ),
    (
        "turned_detractor",
        "We noticed your last visit did not go as well as before. What could we have done better?",
        "Notamos que su última visita no fue tan buena como antes. ¿Qué pudimos haber hecho mejor?",
        "survey",
    ),
    (
        "abandoned_booking",
        "We noticed you started booking online and stopped. Was anything wrong with booking online?",
        "Notamos que empezó a hacer una cita en línea y no terminó. ¿Hubo algún problema al hacerla?",
        "self-scheduling",
    ),
)

AFTER_CHANGE = ShippedSurvey(
    kind="after_change",
    name_en="After a change we noticed",
    name_es="Después de un cambio que notamos",
    questions=tuple(
        ShippedQuestion(f"change_{kind}", "text", text_en, text_es, touchpoint)
        for kind, text_en, text_es, touchpoint in CHANGE_QUESTIONS
    ),
)

SHIPPED: dict[str, ShippedSurvey] = {
    s.kind: s for s in (POST_VISIT, AFTER_BOOKING, AFTER_CHECK_IN, AFTER_STATEMENT, AFTER_CHANGE)
}
