"""Phrase banks for the demo's survey comments, in English and Spanish (no Django import).

``compose`` builds one comment from the clauses of the touch points a response was happy or unhappy
with, so a comment agrees with the answers beside it: a detractor's comment complains, a promoter's
praises, a passive's is mixed or a suggestion. Openers, clauses, connectors and closers are drawn
independently, so the same comment rarely appears twice.

Placeholders: ``{doctor}`` (how a patient names the provider), ``{desk}`` (the first name of who
checked the patient in), ``{wait}`` (minutes, rounded to 5),
``{weeks}`` and ``{location}`` (the office's name).
"""

from __future__ import annotations

import random

# Touch-point topics a comment can speak of. "new_desk" is the front desk while a new receptionist learns;
# "desk_named" praises who checked the patient in by first name ({desk}); "saturday" is an online booker
# who found no Saturday or evening time.
TOPICS = ("provider", "wait", "desk", "new_desk", "desk_named", "access", "billing", "facility", "portal", "followup",
          "booking", "saturday")  # fmt: skip

EN: dict[str, dict[str, tuple[str, ...]]] = {
    "provider": {
        "pos": (
            "{doctor} took time to explain my biopsy results",
            "{doctor} listened to all of my questions and never made me feel rushed",
            "{doctor} was thorough and checked every spot I was worried about",
            "{doctor} explained my treatment options in plain English",
            "{doctor} remembered me from last year and asked how the new cream was working",
            "{doctor} is the first dermatologist who actually got my eczema under control",
            "{doctor} made me feel comfortable during my full-body skin check",
            "{doctor} was so patient with my daughter and explained everything to her",
            "{doctor} finally got my acne under control after years of trying",
            "{doctor} was honest about what would and wouldn't help",
            "{doctor} walked me through exactly what to expect after the procedure",
            "{doctor} is knowledgeable, kind and never condescending",
            "my skin check with {doctor} was quick but very thorough",
            "{doctor} answered every question and wrote the instructions down for me",
        ),
        "neg": (
            "{doctor} seemed rushed and was out the door in five minutes",
            "{doctor} barely looked at the spot I came in for",
            "{doctor} didn't really listen and just handed me another prescription",
            "I felt dismissed by {doctor} when I asked about my rash",
            "{doctor} was condescending when I asked questions",
            "nobody explained what the biopsy was for or when I would hear back",
            "{doctor} spent more time typing than talking to me",
        ),
    },
    "wait": {
        "pos": (
            "I was called back right on time",
            "I was in and out in under 45 minutes",
            "there was hardly any wait, which I really appreciated",
            "they were running right on schedule",
            "I was seen within a few minutes of my appointment time",
            "they took me back before I even finished my paperwork",
            "the whole visit took less time than my lunch break",
        ),
        "neg": (
            "I waited {wait} minutes past my appointment time",
            "I sat in the waiting room for {wait} minutes with no explanation",
            "I waited {wait} minutes to be seen and nobody told us the doctor was running behind",
            "the wait was ridiculous, {wait} minutes after my appointment time",
            "I took time off work and still waited {wait} minutes",
            "waiting {wait} minutes for a short visit is too long",
        ),
    },
    "desk": {
        "pos": (
            "the front desk staff were friendly and got me checked in quickly",
            "the receptionist was so helpful sorting out my insurance",
            "check-in was quick and the staff were welcoming",
            "everyone at the front desk was courteous and professional",
            "the staff at the front desk remembered my name",
            "the receptionist explained my copay before I even asked",
            "the front desk called to confirm and answered all my questions",
            "the staff were warm and made my nervous teenager feel at ease",
        ),
        "neg": (
            "the front desk staff were rude and acted like I was bothering them",
            "check-in took forever because the front desk couldn't find my insurance",
            "the receptionist was short with me when I asked a simple question",
            "nobody at the front desk greeted me or even looked up",
            "the front desk staff were unprofessional and chatting instead of helping",
        ),
    },
    "new_desk": {
        "pos": ("the front desk staff were friendly and got me checked in quickly",),
        "neg": (
            "the new receptionist didn't seem to know how to check me in",
            "the new person at the front desk entered my insurance wrong",
            "the front desk seems short-staffed lately and it shows",
            "check-in was disorganized and the new front desk staff need more training",
            "the front desk lost my paperwork and I had to fill it out again",
        ),
    },
    "desk_named": {
        "pos": (
            "{desk} at the front desk was so kind",
            "{desk} at the front desk was so kind and sorted out my insurance in a minute",
            "{desk} at check-in was so patient and helpful with all my questions",
            "{desk} at the front desk remembered my name and made me feel welcome",
            "{desk} was so sweet and made me feel at ease",
            "{desk} was wonderful and made the whole visit easier",
        ),
    },
    "access": {
        "pos": (
            "I got an appointment within the week",
            "they fit me in the same week when I had a spot I was worried about",
            "getting an appointment was easy",
            "the nurse line called me back the same afternoon",
        ),
        "neg": (
            "it took {weeks} weeks to get an appointment",
            "I couldn't get anyone on the phone to reschedule",
            "I was on hold for 20 minutes just to make an appointment",
            "the first available appointment was over a month out",
            "I left two messages with a question and never got a call back",
        ),
    },
    "billing": {
        "pos": (
            "they told me my copay up front, no surprises",
            "the billing office was quick to fix a mistake on my statement",
            "they checked my insurance before the procedure so I knew what I would owe",
        ),
        "neg": (
            "my copay was higher than I was told it would be",
            "I got a surprise bill for a biopsy I was told was covered",
            "they billed my insurance wrong and it took three calls to fix",
            "nobody told me the cosmetic part wasn't covered by insurance",
            "I was charged a no-show fee even though I called to cancel",
        ),
    },
    "facility": {
        "pos": (
            "the office is clean and modern",
            "parking was easy and the waiting room was calm and clean",
            "the {location} office is clean and easy to find",
        ),
        "neg": (
            "parking at the {location} office is a nightmare",
            "the waiting room was crowded and not very clean",
            "the exam room was freezing",
            "the {location} office is hard to find and the signs are confusing",
        ),
    },
    "portal": {
        "pos": (
            "my results were in the portal the next day",
            "the visit summary in the portal was really helpful",
            "the online check-in saved me a lot of time",
        ),
        "neg": (
            "I still can't log into the patient portal",
            "my results never showed up in the portal",
            "I filled out the forms online and still had to do them again on paper",
        ),
    },
    "followup": {
        "pos": (
            "the nurse called me with my results within a week",
            "they called the next day to check on me after the procedure",
            "the reminder for my follow-up came right on time",
        ),
        "neg": (
            "nobody called me with my biopsy results and I had to call three times",
            "I was told someone would call back about my prescription and nobody did",
            "my prescription wasn't at the pharmacy and it took two days to sort out",
        ),
    },
    "booking": {
        "pos": (
            "booking online took two minutes",
            "it was so easy to find a time that works around my job",
            "I loved being able to book at night without calling",
            "booking on my phone was quick and simple",
            "I could see all the open times at once, which made it easy",
            "booking online was so much easier than calling during my lunch break",
            "I found an opening for the next week in less than a minute",
            "it was easy to book my son and me back to back",
            "the confirmation text came right away with everything I needed",
            "I liked seeing which providers had openings at each office",
            "scheduling my skin check online was painless",
            "I booked from the parking lot at work in two minutes",
        ),
        "neg": (
            "the online booking didn't show any evening times",
            "I couldn't pick the provider I wanted online",
            "it wouldn't let me book a procedure online so I had to call anyway",
            "the site kept timing out on my phone",
            "I had to enter my insurance information twice",
            "there were no openings for a month at the office closest to me",
            "I wasn't sure which visit type to pick for a mole check",
            "the calendar was hard to read on my phone",
        ),
    },
    "saturday": {
        "neg": (
            "I couldn't find a Saturday appointment, and calling the front desk didn't help",
            "there were no Saturday slots online, so I had to call the front desk instead, annoying",
            "the earliest Saturday appointment was two months out, way too long to wait",
            "no Saturday or evening appointments at all, and a long wait for anything else",
            "I couldn't find a Saturday time and the website only showed weekday mornings, disappointing",
            "the Saturday appointments were all taken and the website doesn't say when new ones open, frustrating",
            "it was hard to get an appointment after work or on a Saturday",
            "there were no Saturday appointments for weeks, so I had to take an unpaid morning off work, not happy",
            "frustrating that every Saturday morning appointment is always booked",
            "no Saturday appointments, so I lost a day's pay to come in on a weekday",
        ),
    },
}

EN_WORDS = {
    "open_pos": (
        "Great experience.",
        "Very happy with my visit.",
        "Excellent care as always.",
        "Best dermatology office I've been to.",
        "Wonderful visit.",
        "Everyone was great.",
    ),
    "open_neg": (
        "Very disappointed.",
        "Not a good experience this time.",
        "Frustrating visit.",
        "I expected better from this office.",
    ),
    "close_pos": (
        "Highly recommend!",
        "I will definitely be back.",
        "Thank you!",
        "I've already recommended you to my sister.",
        "Five stars.",
        "Thanks to the whole team.",
    ),
    "close_neg": (
        "I'm looking for a new dermatologist.",
        "Please respect people's time.",
        "I won't be coming back.",
        "Very disappointing.",
    ),
    "suggest": (
        "It would be nice to get a text when the doctor is running late.",
        "More evening appointments would help.",
        "A heads-up about costs before a procedure would help.",
        "Please add more Saturday hours.",
        "It would help to have the visit summary sent by email too.",
        "Please let us know the copay before the visit, not at checkout.",
        "A reminder the day before with parking directions would be great.",
        "It would help if the front desk told you how far behind the doctor is.",
        "Maybe add a second person at check-in on Monday mornings.",
        "It would be great to book procedures online too.",
        "Please show which insurance plans you take when booking online.",
    ),
    "but": (" but ", ", but ", ". However, ", ". The only thing: ", ". My only complaint: "),
    "but_good": (", but ", ". On the plus side, ", ". That said, ", " but "),
    "also": (". Also, ", ". ", " and "),
}

ES: dict[str, dict[str, tuple[str, ...]]] = {
    "provider": {
        "pos": (
            "{doctor} se tomó el tiempo de explicarme los resultados de mi biopsia",
            "{doctor} me escuchó con paciencia y contestó todas mis preguntas",
            "{doctor} fue muy amable y me revisó con mucho cuidado",
            "{doctor} me explicó todo muy claro y en español",
            "{doctor} por fin le ayudó a mi hijo con el acné",
            "{doctor} es muy profesional y trata a los pacientes con mucho respeto",
            "{doctor} me explicó qué hacer después del procedimiento",
            "{doctor} me revisó todos los lunares que me preocupaban",
        ),
        "neg": (
            "{doctor} me atendió muy rápido y casi no me revisó",
            "sentí que {doctor} no me escuchó",
            "nadie me explicó para qué era la biopsia ni cuándo me darían los resultados",
            "{doctor} solo me dio otra receta sin explicarme nada",
        ),
    },
    "wait": {
        "pos": (
            "me atendieron a tiempo",
            "casi no tuve que esperar",
            "entré y salí en menos de una hora",
        ),
        "neg": (
            "esperé {wait} minutos después de la hora de mi cita",
            "estuve {wait} minutos en la sala de espera y nadie me dijo nada",
            "pedí permiso en el trabajo y aun así esperé {wait} minutos",
            "la espera fue muy larga, más de {wait} minutos",
        ),
    },
    "desk": {
        "pos": (
            "las muchachas de la recepción fueron muy amables",
            "el personal de la recepción me ayudó con mi seguro",
            "me registraron rápido y con mucha amabilidad",
            "en la recepción me atendieron en español",
        ),
        "neg": (
            "la recepcionista fue grosera conmigo",
            "en la recepción no había nadie que hablara español",
            "en la recepción me trataron con poca paciencia",
            "tardaron mucho en registrarme porque no encontraban mi seguro",
        ),
    },
    "new_desk": {
        "pos": ("me registraron rápido y con mucha amabilidad",),
        "neg": (
            "la nueva recepcionista no sabía cómo registrarme",
            "en la recepción se equivocaron con los datos de mi seguro",
            "en la recepción parece que les falta personal y se nota",
            "perdieron mis papeles en la recepción y tuve que llenarlos otra vez",
        ),
    },
    "desk_named": {
        "pos": (
            "{desk} en la recepción fue muy amable conmigo",
            "{desk} en la recepción me ayudó mucho con mi seguro",
            "{desk} fue muy amable y me hizo sentir en confianza",
        ),
    },
    "access": {
        "pos": (
            "me dieron cita muy rápido",
            "conseguí cita la misma semana",
            "me regresaron la llamada el mismo día",
        ),
        "neg": (
            "tardaron {weeks} semanas en darme cita",
            "nadie contesta el teléfono para hacer una cita",
            "me dejaron esperando en la línea más de 20 minutos",
        ),
    },
    "billing": {
        "pos": (
            "me dijeron cuánto era el copago desde el principio",
            "revisaron mi seguro antes del procedimiento y no hubo sorpresas",
        ),
        "neg": (
            "el copago fue más alto de lo que me dijeron",
            "me llegó una factura que no esperaba",
            "le cobraron mal a mi seguro y tuve que llamar tres veces",
        ),
    },
    "facility": {
        "pos": (
            "la clínica está muy limpia",
            "es fácil estacionarse y la sala de espera es tranquila",
        ),
        "neg": (
            "es muy difícil encontrar estacionamiento en la oficina de {location}",
            "la sala de espera estaba llena y un poco sucia",
            "hacía mucho frío en el consultorio",
        ),
    },
    "portal": {
        "pos": (
            "vi mis resultados en el portal al día siguiente",
            "el registro en línea me ahorró mucho tiempo",
        ),
        "neg": (
            "no puedo entrar al portal de pacientes",
            "mis resultados nunca aparecieron en el portal",
            "llené los formularios en línea y aun así me los pidieron en papel",
        ),
    },
    "followup": {
        "pos": (
            "la enfermera me llamó con mis resultados en una semana",
            "me llamaron al día siguiente para ver cómo seguía",
        ),
        "neg": (
            "nadie me llamó con los resultados de la biopsia",
            "dijeron que me iban a llamar por la receta y nunca llamaron",
        ),
    },
    "booking": {
        "pos": (
            "fue muy fácil hacer la cita en línea",
            "pude hacer mi cita en la noche sin tener que llamar",
            "hice la cita desde mi celular en dos minutos",
            "me gustó poder ver todos los horarios disponibles",
            "encontré cita para la semana siguiente muy rápido",
            "me llegó la confirmación por mensaje enseguida",
        ),
        "neg": (
            "no había citas en la tarde en la página",
            "no pude escoger al doctor que quería",
            "la página se trababa en mi celular",
        ),
    },
    "saturday": {
        "neg": (
            "no había citas los sábados y no puedo faltar al trabajo",
            "todas las citas de los sábados estaban llenas, qué frustrante",
            "no había horarios en la tarde ni los sábados, tuve que llamar",
            "fue difícil encontrar cita en sábado",
            "qué mal que no haya citas en sábado, tuve que faltar al trabajo",
        ),
    },
}

ES_WORDS = {
    "open_pos": ("Muy buena atención.", "Excelente servicio.", "Todo muy bien.", "Excelente atención, como siempre."),
    "open_neg": ("Mala experiencia.", "Esta vez no fue una buena experiencia.", "Qué decepción."),
    "close_pos": ("¡Muchas gracias!", "Los recomiendo mucho.", "Definitivamente voy a regresar.", "Gracias por todo."),
    "close_neg": (
        "Voy a buscar otro dermatólogo.",
        "Deberían respetar el tiempo de los pacientes.",
        "Esperaba algo mejor.",
        "No pienso regresar.",
    ),
    "suggest": (
        "Sería bueno que avisaran por mensaje cuando el doctor va atrasado.",
        "Necesitan más citas en la tarde.",
        "Sería bueno saber el costo antes del procedimiento.",
        "Deberían tener más personal que hable español.",
        "Sería bueno que dijeran el copago antes de la consulta.",
        "Sería bueno poder hacer citas para procedimientos en línea.",
        "Ojalá tuvieran citas los sábados en todas las oficinas.",
    ),
    "but": (", pero ", ". Lo único: ", ". Lo malo: "),
    "but_good": (", pero ", ". Eso sí, ", ". Lo bueno: "),
    "also": (". Además, ", ". "),
}

BANKS = {"en": (EN, EN_WORDS), "es": (ES, ES_WORDS)}


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def _join(joiner: str, clause: str) -> str:
    return joiner + (_sentence(clause) if joiner.endswith(". ") else clause)


def _end(text: str, rng: random.Random, language: str) -> str:
    if language == "es" or rng.random() >= 0.15:  # Spanish would need the opening "¡"
        return text + "."
    return text + "!"


def compose(
    rng: random.Random,
    *,
    language: str,
    tone: str,
    good: list[str],
    bad: list[str],
    values: dict[str, object],
) -> str:
    """One comment. ``tone``: positive, negative, mixed_good (praise first, a complaint after),
    mixed_bad (complaint first, the praise after, a negative close) or suggest. ``good`` and ``bad``
    are topics from ``TOPICS``, the most important first (at least one of each the tone needs)."""
    clauses, words = BANKS["es" if language == "es" else "en"]
    choice = rng.choice

    def clause(topic: str, side: str) -> str:
        return choice(clauses[topic][side]).format(**values)

    parts: list[str] = []
    if tone == "positive":
        if rng.random() < 0.35:
            parts.append(choice(words["open_pos"]))
        body = clause(good[0], "pos")
        if len(good) > 1 and rng.random() < 0.4:
            body += _join(choice(words["also"]), clause(good[1], "pos"))
        parts.append(_end(_sentence(body), rng, language))
        if rng.random() < 0.4:
            parts.append(choice(words["close_pos"]))
    elif tone == "negative":
        if rng.random() < 0.3:
            parts.append(choice(words["open_neg"]))
        body = clause(bad[0], "neg")
        if len(bad) > 1 and rng.random() < 0.45:
            body += _join(choice(words["also"]), clause(bad[1], "neg"))
        parts.append(_end(_sentence(body), rng, language))
        if rng.random() < 0.35:
            parts.append(choice(words["close_neg"]))
    elif tone in ("mixed_good", "mixed_bad"):
        if tone == "mixed_good":
            head, tail = clause(good[0], "pos"), clause(bad[0], "neg")
        else:
            head, tail = clause(bad[0], "neg"), clause(good[0], "pos")
        joiner = choice(words["but" if tone == "mixed_good" else "but_good"])
        parts.append(_sentence(head) + _join(joiner, tail) + ".")
        if tone == "mixed_bad" and rng.random() < 0.4:
            parts.append(choice(words["close_neg"]))
        elif tone == "mixed_good" and rng.random() < 0.25:
            parts.append(choice(words["suggest"]))
    else:  # suggest
        if good and rng.random() < 0.6:
            parts.append(_sentence(clause(good[0], "pos")) + ".")
        parts.append(choice(words["suggest"]))
    return " ".join(parts)


# What the experience lead wrote on closed recovery cases: what was done, never the patient's health.
CASE_NOTES = {
    "wait": (
        "Called the patient and apologized for the wait. Explained that the schedule ran behind that morning "
        "and that we now text patients when the provider is running late.",
        "Apologized for the long wait. Shared the feedback with the provider and the clinic manager.",
    ),
    "desk": (
        "Apologized for how check-in went. Talked with the front desk team about greeting every patient.",
        "Called the patient, listened and apologized. Front desk coaching scheduled for the team.",
    ),
    "new_desk": (
        "Apologized; the new receptionist was still in training. Fixed the insurance details in the chart.",
        "Called and apologized. Paired the new front desk hire with a senior receptionist for check-in.",
    ),
    "access": (
        "Apologized for the delay getting an appointment. Added the patient to the waitlist for an earlier time.",
        "Called back, apologized for the missed messages and booked the follow-up while on the phone.",
    ),
    "billing": (
        "Reviewed the bill with the billing manager, corrected the charge and called the patient back.",
        "Explained the copay and the plan's deductible. Offered a payment plan; patient accepted.",
    ),
    "provider": (
        "Shared the feedback with the provider. Offered a follow-up visit with a longer slot.",
        "Called the patient, listened, and offered a visit with another provider of their choice.",
    ),
    "saturday": (
        "Called back and offered the waitlist for Saturday mornings; a Saturday opened the next week and the "
        "patient took it.",
        "Apologized; explained that Saturday mornings fill about two weeks out and booked a Wednesday evening instead.",
    ),
    "other": (
        "Called the patient, listened and thanked them for telling us.",
        "Left a voicemail and sent an email with the office manager's direct line.",
    ),
}
UNREACHABLE_NOTES = (
    "Called twice and left voicemails; sent an email with a direct number. No answer.",
    "No answer by phone or email after three tries.",
)
