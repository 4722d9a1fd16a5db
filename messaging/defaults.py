"""The shipped wording of every message, in English and Spanish: (kind, channel, language) -> (subject, body).

Plain language, no clinical detail: the practice's name, the date and time, and a link. Staff can
override any of them per practice (``MessageTemplate``).
"""

E, S = "email", "sms"

DEFAULTS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("confirmation", E, "en"): (
        "Your appointment at {{ practice }}",
        "You're booked at {{ practice }} on {{ date }} at {{ time }}.\n\n"
        "The calendar file attached adds it to your calendar. See the details or change it: {{ link }}\n\n"
        "Questions? Call us at {{ phone }}.",
    ),
    ("confirmation", E, "es"): (
        "Su cita en {{ practice }}",
        "Su cita en {{ practice }} es el {{ date }} a las {{ time }}.\n\n"
        "El archivo de calendario adjunto la agrega a su calendario. Vea los detalles o cámbiela: {{ link }}\n\n"
        "¿Preguntas? Llámenos al {{ phone }}.",
    ),
    ("confirmation", S, "en"): ("", "{{ practice }}: you're booked for {{ date }} at {{ time }}. Details: {{ link }}"),
    ("confirmation", S, "es"): ("", "{{ practice }}: su cita es el {{ date }} a las {{ time }}. Detalles: {{ link }}"),
    # Reschedule and cancellation: sent by email with a calendar file (messaging/notices.py);
    # the place is added below the text from the appointment's location.
    ("reschedule", E, "en"): (
        "Your appointment at {{ practice }} has a new time",
        "Your appointment at {{ practice }} has been moved to {{ date }} at {{ time }}.\n\n"
        "The calendar file attached updates it in your calendar. See the details or change it: {{ link }}\n\n"
        "Questions? Call us at {{ phone }}.",
    ),
    ("reschedule", E, "es"): (
        "Su cita en {{ practice }} tiene una nueva hora",
        "Su cita en {{ practice }} se cambió al {{ date }} a las {{ time }}.\n\n"
        "El archivo de calendario adjunto la actualiza en su calendario. Vea los detalles o cámbiela: "
        "{{ link }}\n\n"
        "¿Preguntas? Llámenos al {{ phone }}.",
    ),
    ("reschedule", S, "en"): (
        "",
        "{{ practice }}: your appointment is now {{ date }} at {{ time }}. Details: {{ link }}",
    ),
    ("reschedule", S, "es"): (
        "",
        "{{ practice }}: su cita ahora es el {{ date }} a las {{ time }}. Detalles: {{ link }}",
    ),
    ("cancellation", E, "en"): (
        "Your appointment at {{ practice }} is cancelled",
        "Your appointment at {{ practice }} on {{ date }} at {{ time }} is cancelled.\n\n"
        "The calendar file attached removes it from your calendar. To book again: {{ link }}\n\n"
        "Questions? Call us at {{ phone }}.",
    ),
    ("cancellation", E, "es"): (
        "Su cita en {{ practice }} está cancelada",
        "Su cita en {{ practice }} del {{ date }} a las {{ time }} está cancelada.\n\n"
        "El archivo de calendario adjunto la quita de su calendario. Para reservar otra vez: {{ link }}\n\n"
        "¿Preguntas? Llámenos al {{ phone }}.",
    ),
    ("cancellation", S, "en"): (
        "",
        "{{ practice }}: your appointment {{ date }} at {{ time }} is cancelled. Book again: {{ link }}",
    ),
    ("cancellation", S, "es"): (
        "",
        "{{ practice }}: su cita del {{ date }} a las {{ time }} está cancelada. Reserve otra vez: {{ link }}",
    ),
    ("reminder", E, "en"): (
        "Reminder: your appointment on {{ date }}",
        "This is a reminder of your appointment at {{ practice }} on {{ date }} at {{ time }}.\n\n"
        "Please confirm, or tell us if you need to cancel or change it: {{ link }}\n\n"
        "Questions? Call us at {{ phone }}.",
    ),
    ("reminder", E, "es"): (
        "Recordatorio: su cita del {{ date }}",
        "Le recordamos su cita en {{ practice }} el {{ date }} a las {{ time }}.\n\n"
        "Por favor confírmela, o díganos si necesita cancelarla o cambiarla: {{ link }}\n\n"
        "¿Preguntas? Llámenos al {{ phone }}.",
    ),
    ("reminder", S, "en"): (
        "",
        "{{ practice }}: reminder of your appointment {{ date }} at {{ time }}. "
        "Reply C to confirm, R to reschedule, or open {{ link }}. Reply STOP to opt out.",
    ),
    ("reminder", S, "es"): (
        "",
        "{{ practice }}: le recordamos su cita el {{ date }} a las {{ time }}. "
        "Responda C para confirmar, R para cambiarla, o abra {{ link }}. Responda STOP para no recibir más.",
    ),
    ("running_late", E, "en"): (
        "We're running about {{ minutes }} minutes late",
        "We're sorry: {{ practice }} is running about {{ minutes }} minutes behind today. Your appointment "
        "is at {{ time }}. You can come a little later, or choose another time: {{ link }}",
    ),
    ("running_late", E, "es"): (
        "Vamos unos {{ minutes }} minutos atrasados",
        "Lo sentimos: en {{ practice }} vamos unos {{ minutes }} minutos atrasados hoy. Su cita es a las "
        "{{ time }}. Puede llegar un poco más tarde o elegir otra hora: {{ link }}",
    ),
    ("running_late", S, "en"): (
        "",
        "{{ practice }}: we're running about {{ minutes }} min late today. You may come a little later than "
        "{{ time }}, or pick another time: {{ link }}",
    ),
    ("running_late", S, "es"): (
        "",
        "{{ practice }}: vamos unos {{ minutes }} min atrasados hoy. Puede llegar un poco después de las "
        "{{ time }} o elegir otra hora: {{ link }}",
    ),
    ("recall", E, "en"): (
        "Time for your next visit at {{ practice }}",
        "It's time to book your next visit at {{ practice }}. Choose a time that suits you: {{ link }}\n\n"
        "Or call us at {{ phone }}.",
    ),
    ("recall", E, "es"): (
        "Es hora de su próxima visita en {{ practice }}",
        "Es hora de programar su próxima visita en {{ practice }}. Elija la hora que le convenga: {{ link }}\n\n"
        "O llámenos al {{ phone }}.",
    ),
    ("recall", S, "en"): (
        "",
        "{{ practice }}: it's time for your next visit. Book here: {{ link }} Reply STOP to opt out.",
    ),
    ("recall", S, "es"): (
        "",
        "{{ practice }}: es hora de su próxima visita. Reserve aquí: {{ link }} Responda STOP para no recibir más.",
    ),
    ("reactivation", E, "en"): (
        "We'd love to see you again at {{ practice }}",
        "It's been a while since your last visit to {{ practice }}. Whenever you're ready, book a time "
        "here: {{ link }}\n\nOr call us at {{ phone }}.",
    ),
    ("reactivation", E, "es"): (
        "Nos encantaría volver a verle en {{ practice }}",
        "Ha pasado un tiempo desde su última visita a {{ practice }}. Cuando quiera, reserve una hora "
        "aquí: {{ link }}\n\nO llámenos al {{ phone }}.",
    ),
    ("reactivation", S, "en"): (
        "",
        "{{ practice }}: it's been a while! Book your next visit: {{ link }} Reply STOP to opt out.",
    ),
    ("reactivation", S, "es"): (
        "",
        "{{ practice }}: ¡hace tiempo que no nos visita! Reserve su próxima cita: {{ link }} "
        "Responda STOP para no recibir más.",
    ),
    ("thank_you", E, "en"): (
        "Thank you for visiting {{ practice }}",
        "Thank you for coming to {{ practice }} today. If you have a moment, tell us how it went: {{ link }}",
    ),
    ("thank_you", E, "es"): (
        "Gracias por visitar {{ practice }}",
        "Gracias por venir hoy a {{ practice }}. Si tiene un momento, cuéntenos cómo le fue: {{ link }}",
    ),
    ("thank_you", S, "en"): ("", "{{ practice }}: thank you for your visit today. Tell us how it went: {{ link }}"),
    ("thank_you", S, "es"): ("", "{{ practice }}: gracias por su visita de hoy. Cuéntenos cómo le fue: {{ link }}"),
    # Waitlist: email only (messaging/notices.py); the provider and the place are added below
    # the first paragraph of the offer. {{ minutes }} is how long the offer stays open.
    ("waitlist_offer", E, "en"): (
        "An earlier time has opened at {{ practice }}",
        "Hello from {{ practice }}. A time you asked about has opened: {{ date }} at {{ time }}.\n\n"
        "We offered it to a few people on the waitlist; the first to accept gets it. "
        "The offer is open for {{ minutes }} minutes: {{ link }}\n\n"
        "If it does not suit you, do nothing: you stay on the waitlist.\n\n"
        "Questions? Call us at {{ phone }}.",
    ),
    ("waitlist_offer", E, "es"): (
        "Se liberó un horario más pronto en {{ practice }}",
        "Saludos de {{ practice }}. Se liberó un horario como el que pidió: el {{ date }} a las {{ time }}.\n\n"
        "Se lo ofrecimos a algunas personas de la lista de espera; será para la primera persona que lo "
        "acepte. La oferta está abierta durante {{ minutes }} minutos: {{ link }}\n\n"
        "Si no le conviene, no tiene que hacer nada: seguirá en la lista de espera.\n\n"
        "¿Preguntas? Llámenos al {{ phone }}.",
    ),
    ("waitlist_taken", E, "en"): (
        "That time at {{ practice }} has been taken",
        "Hello from {{ practice }}. Someone else took the time on {{ date }} at {{ time }} a moment earlier; "
        "you're still on the waitlist.\n\n"
        "We will email you when the next time that suits you opens.\n\n"
        "Questions? Call us at {{ phone }}.",
    ),
    ("waitlist_taken", E, "es"): (
        "Ya se tomó ese horario en {{ practice }}",
        "Saludos de {{ practice }}. Otra persona tomó el horario del {{ date }} a las {{ time }} un momento "
        "antes; usted sigue en la lista de espera.\n\n"
        "Le enviaremos un correo cuando se libere el próximo horario que le convenga.\n\n"
        "¿Preguntas? Llámenos al {{ phone }}.",
    ),
    # Confirming a returning patient's online booking (messaging/notices.py): sent to the contact
    # details on file, never to those typed on the booking pages. {{ minutes }}: how long the link works.
    # The provider and the place are added below the first paragraph of the email.
    ("booking_link", E, "en"): (
        "Confirm your appointment at {{ practice }}",
        "We received a request to book an appointment for you at {{ practice }} on {{ date }} at {{ time }}.\n\n"
        "To book it, confirm within {{ minutes }} minutes: {{ link }}\n\n"
        "If you did not ask for this, do nothing: nothing will be booked.\n\n"
        "Questions? Call us at {{ phone }}.",
    ),
    ("booking_link", E, "es"): (
        "Confirme su cita en {{ practice }}",
        "Recibimos una solicitud para reservarle una cita en {{ practice }} el {{ date }} a las {{ time }}.\n\n"
        "Para reservarla, confírmela en los próximos {{ minutes }} minutos: {{ link }}\n\n"
        "Si usted no la pidió, no haga nada: no se reservará ninguna cita.\n\n"
        "¿Preguntas? Llámenos al {{ phone }}.",
    ),
    ("booking_link", S, "en"): (
        "",
        "{{ practice }}: to book {{ date }} at {{ time }} as requested, confirm within {{ minutes }} minutes: "
        "{{ link }} Did not ask? Ignore this text.",
    ),
    ("booking_link", S, "es"): (
        "",
        "{{ practice }}: para reservar el {{ date }} a las {{ time }} como se pidió, confirme en {{ minutes }} "
        "minutos: {{ link }} ¿No lo pidió? Ignore este mensaje.",
    ),
    # Surveys (feedback/invitations.py): {{ link }} is the patient's single-use survey link. Never the
    # visit's reason or anything about their care: only the practice and the link.
    ("survey", E, "en"): (
        "How was your experience with {{ practice }}?",
        "Thank you for choosing {{ practice }}. Would you tell us how it went? It takes about two "
        "minutes, and you can skip any question: {{ link }}\n\n"
        "Your answers help us improve. The link is just for you and works once.",
    ),
    ("survey", E, "es"): (
        "¿Cómo fue su experiencia con {{ practice }}?",
        "Gracias por elegir {{ practice }}. ¿Nos cuenta cómo le fue? Toma unos dos minutos y puede "
        "saltar cualquier pregunta: {{ link }}\n\n"
        "Sus respuestas nos ayudan a mejorar. El enlace es solo para usted y funciona una vez.",
    ),
    ("survey", S, "en"): (
        "",
        "{{ practice }}: how did we do? 2-minute survey: {{ link }} Reply STOP to opt out.",
    ),
    ("survey", S, "es"): (
        "",
        "{{ practice }}: ¿cómo lo hicimos? Encuesta de 2 minutos: {{ link }} Responda STOP para no recibir más.",
    ),
    # Review invitations (every patient who answered a survey, when the practice offers it; never chosen by
    # score: feedback/services/listening.py). {{ link }} is the practice's page of review sites.
    ("review_invitation", E, "en"): (
        "Share your experience with {{ practice }}",
        "Thank you for answering our survey. If you would like, you can also share your experience, good or "
        "bad, in a short public review; it helps other patients choose: {{ link }}\n\n"
        "There is no need to reply if you would rather not.",
    ),
    ("review_invitation", E, "es"): (
        "Comparta su experiencia con {{ practice }}",
        "Gracias por responder a nuestra encuesta. Si lo desea, también puede compartir su experiencia, buena o "
        "mala, en una breve reseña pública; ayuda a otros pacientes a elegir: {{ link }}\n\n"
        "No tiene que responder si prefiere no hacerlo.",
    ),
    ("review_invitation", S, "en"): (
        "",
        "{{ practice }}: thank you for answering our survey. If you'd like, share your experience in a public "
        "review: {{ link }} Reply STOP to opt out.",
    ),
    ("review_invitation", S, "es"): (
        "",
        "{{ practice }}: gracias por responder a nuestra encuesta. Si lo desea, comparta su experiencia en una "
        "reseña pública: {{ link }} Responda STOP para no recibir más.",
    ),
    ("opt_out", S, "en"): ("", "{{ practice }}: you won't get more texts from us. Reply START to subscribe again."),
    ("opt_out", S, "es"): (
        "",
        "{{ practice }}: no recibirá más mensajes de texto. Responda START para volver a suscribirse.",
    ),
}
