"""What a patient's SMS reply means: pure functions, no Django.

A reply is a keyword only when the whole message, once normalised, is the keyword: case, accents,
spaces and punctuation do not count ("Stop.", " stop ", "S T O P", "Sí!" all match), but a sentence
that merely contains a keyword ("please don't stop my visit") is for a person to read.

Keywords, in English and Spanish:

- confirm the next upcoming visit: C, CONFIRM, CONFIRMAR, CONFIRMO, YES, Y, SI, SÍ
  (our reminders say "reply C to confirm, R to reschedule");
- ask to reschedule it: R, RESCHEDULE, CHANGE, CAMBIAR, REPROGRAMAR;
- opt out of text messages at once: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, ALTO, PARAR,
  BAJA, CANCELAR. **CANCEL is an opt-out**, following the CTIA / carrier convention that carriers
  themselves enforce, not a request to cancel the visit: a patient who wants to cancel a visit uses
  the link in the reminder, or the front desk (anything we cannot act on lands in the inbox);
- opt back in: START, UNSTOP, SUBSCRIBE, and YES / SI / SÍ when the number's last keyword was an
  opt-out (``opted_out=True``): after STOP there is no reminder left to confirm.

Anything else is ``NONE``: a person answers it from the inbox.
"""

import unicodedata

CONFIRM = "confirm"
RESCHEDULE = "reschedule"
STOP = "stop"
START = "start"
NONE = "none"

_YES = frozenset({"yes", "y", "si"})
_CONFIRM = frozenset({"c", "confirm", "confirmed", "confirmar", "confirmo", "confirmado"}) | _YES
_RESCHEDULE = frozenset({"r", "reschedule", "change", "cambiar", "reprogramar"})
_STOP = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "alto", "parar", "baja", "cancelar", "optout"}
)
_START = frozenset({"start", "unstop", "subscribe", "optin"})


def normalise_text(body: str) -> str:
    """Lower case, accents removed, only letters and digits kept: "  Sí! " -> "si"."""
    decomposed = unicodedata.normalize("NFKD", body or "")
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in without_accents.casefold() if ch.isalnum())


def parse_reply(body: str, *, opted_out: bool = False) -> str:
    """One of CONFIRM, RESCHEDULE, STOP, START, NONE. ``opted_out``: the number's last keyword was STOP."""
    word = normalise_text(body)
    if not word:
        return NONE
    if word in _STOP:
        return STOP
    if word in _START or (opted_out and word in _YES):
        return START
    if word in _CONFIRM:
        return CONFIRM
    if word in _RESCHEDULE:
        return RESCHEDULE
    return NONE


def normalise_phone(value: str) -> str:
    """E.164-ish digits: "+1 (512) 555-0199", "512.555.0199" and "15125550199" all give "15125550199".

    Ten digits are taken as a North American number (country code 1 added); anything else keeps
    its digits as given. Empty when there are no digits.
    """
    digits = "".join(ch for ch in value or "" if ch.isascii() and ch.isdigit())
    if len(digits) == 10:
        return "1" + digits
    return digits


def same_phone(a: str, b: str) -> bool:
    a, b = normalise_phone(a), normalise_phone(b)
    return bool(a) and a == b
