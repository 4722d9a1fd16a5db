"""Redact what a patient wrote before the team sees it in a moment, a map or an email (pure, no Django).

``redact(text, staff_names=..., patient_names=...)`` replaces, in this order:

- email addresses -> ``[email]``;
- dates (``3/14/1980``, ``1980-03-14``, ``March 14, 1980``, ``14 March 1980``, ``14 de marzo de 1980``,
  ``marzo de 1980``, ``born in 1980``) -> ``[date]``; a month name alone ("in March") is kept;
- phone numbers (US ``(555) 123-4567``, ``555.123.4567``, ``+1 555 123 4567``, seven-digit ``555-1234``;
  Spanish/Mexican ``+34 612 34 56 78``, ``612 345 678``, ``55 1234 5678``): a run of 7 to 15 digits
  joined by spaces, dots, dashes or brackets -> ``[phone]``;
- clinical detail -> ``[health detail]``: the documented lexicon below (``DIAGNOSES``, ``MEDICATIONS``,
  ``RESULTS``), English and Spanish. Named diagnoses (acne, eczema and psoriasis included: they are
  diagnoses a reader could attach to the patient), named drugs (plus common drug-name endings such as
  -mab, -cycline, -sone), procedures that reveal a suspicion (biopsy, Mohs) and test results
  ("came back benign", "salió negativo") go. Everyday symptom words that make a story understandable
  stay: rash, itch, spot, mole, bump, dry skin, redness, pain, swelling, scar, sarpullido, picazón,
  mancha, lunar, granito, dolor, and generic words such as cream, pills, antibiotic, pomada;
- names of people -> ``[name]``, except staff names (they are who is being recognised):
  * any word of ``patient_names`` (any case; the patient's own name wins over a staff name that is
    spelled the same, so an anonymous quote stays anonymous);
  * a capitalised word after an honorific (Mr./Mrs./Ms./Miss/Dr./Dra./Sr./Sra./Srta./Don/Doña,
    "doctor"/"doctora"/"nurse"/"enfermera");
  * a capitalised word that is a first name in Faker's en_US, es_MX and es_ES person providers (read at
    import), unless it is also an everyday word (``EVERYDAY_WORDS``: Grace, Joy, Hope, Will, Rosa, Luz...)
    at the start of a sentence, or a month, a weekday or a holiday;
  * a capitalised word inside a sentence that is a Faker last name and not an everyday word;
  * a capitalised word that follows one of those (the surname in "Sarah Jones");
  * any word, capitalised or not, that is a known first name right after "my neighbour", "my husband",
    "mi esposa", "mi vecina"... and any capitalised word there.
  Capitalised ordinary words ("Great", "Saturday", "Thank") are not names.

``shown_patient(first_name, mode=...)`` is how the patient is named beside the quote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

NAME = "[name]"
PHONE = "[phone]"
EMAIL = "[email]"
DATE = "[date]"
HEALTH = "[health detail]"

SHOW_FIRST_NAME = "first_name"
SHOW_ANONYMOUS = "anonymous"


def spaced_words(spaced: str) -> frozenset[str]:
    """The words of a space-separated literal, as a set."""
    return frozenset(spaced.split())


def fold(word: str) -> str:
    """Lower case without accents: "José" -> "jose" (names are compared this way)."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().replace("’", "'")


def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    """First and last names from Faker's en_US, es_MX and es_ES person providers, folded."""
    from faker.providers.person.en_US import Provider as EnglishUS
    from faker.providers.person.es_ES import Provider as SpanishES
    from faker.providers.person.es_MX import Provider as SpanishMX

    first: set[str] = set()
    last: set[str] = set()
    for provider in (EnglishUS, SpanishMX, SpanishES):
        for attr, into in (("first_names", first), ("last_names", last)):
            names: Iterable[str] = getattr(provider, attr, ())
            for name in names:
                for part in re.split(r"[\s-]+", name):
                    if len(part) > 1:
                        into.add(fold(part))
    return frozenset(first), frozenset(last)


FIRST_NAMES, LAST_NAMES = _faker_names()

MONTHS_EN = sorted(
    spaced_words(
        "january february march april may june july august september october november december "
        "jan feb mar apr jun jul aug sep sept oct nov dec"
    )
)
MONTHS_ES = sorted(
    spaced_words("enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre")
)
WEEKDAYS = sorted(
    spaced_words(
        "monday tuesday wednesday thursday friday saturday sunday lunes martes miercoles jueves viernes sabado domingo"
    )
)

# Words that are first or last names in the Faker lists but are far more often ordinary words. At the start
# of a sentence they are kept; inside a sentence a capitalised one is still taken for a name, except
# calendar words, which never are.
EVERYDAY_WORDS = (
    spaced_words(
        "grace joy hope faith dawn summer april june may rose will bill mark frank guy art pat sue rob jack "
        "chase hunter love best day park long young green white brown black gray grey king hall rice church "
        "ward bell wood banks golden rich law page star sky angel sol luz paz rosa blanca flor mar pilar "
        "amparo consuelo dolores mercedes victoria esperanza milagros rocio gloria cruz santos flores mesa "
        "bueno campo luna parra nieto leon rey reyes caballero iglesias castillo montes prado valle "
        "lee christian major gay sharp cash price lane story field fields holly ivy iris ruby jade amber "
        "precious happy sunny honey candy crystal melody harmony justice trinity destiny heaven noel "
        "thank thanks great good nice very super wonderful excellent amazing friendly "
        "dios gracias muy todo todos bien excelente"
    )
    | frozenset(MONTHS_EN)
    | frozenset(MONTHS_ES)
    | frozenset(WEEKDAYS)
)

CALENDAR_WORDS = (
    frozenset(MONTHS_EN)
    | frozenset(MONTHS_ES)
    | frozenset(WEEKDAYS)
    | spaced_words("christmas easter thanksgiving navidad pascua god dios")
)

HONORIFICS = spaced_words(
    "mr mrs ms miss mx dr dra doc doctor doctora sr sra srta don dona nurse enfermera enfermero "
    "senor senora senorita profesor profesora"
)

RELATIONS = spaced_words(
    "neighbour neighbor neighbours neighbors husband wife son daughter friend friends boyfriend girlfriend "
    "partner fiance fiancee mom mum mother dad father sister brother aunt uncle cousin niece nephew "
    "grandson granddaughter grandma grandpa grandmother grandfather kid kids child baby coworker "
    "colleague boss roommate esposo esposa marido mujer hijo hija hijos amigo amiga amigos vecino vecina "
    "novio novia mama madre papa padre hermano hermana tia tio primo prima sobrino sobrina nieto nieta "
    "abuela abuelo suegra suegro companero companera jefe jefa"
)

# ---- clinical lexicon (documented in the module docstring) ---------------------------------------------
DIAGNOSES = (
    # English
    "basal cell carcinoma",
    "squamous cell carcinoma",
    "skin cancer",
    "melanoma",
    "carcinoma",
    "cancer",
    "cancerous",
    "precancerous",
    "pre-cancerous",
    "actinic keratosis",
    "keratosis",
    "tumor",
    "tumour",
    "malignancy",
    "lymphoma",
    "leukemia",
    "hiv",
    "aids",
    "hpv",
    "herpes",
    "cold sores",
    "shingles",
    "genital warts",
    "std",
    "stds",
    "sti",
    "stis",
    "chlamydia",
    "syphilis",
    "gonorrhea",
    "hepatitis",
    "lupus",
    "psoriasis",
    "psoriatic arthritis",
    "eczema",
    "atopic dermatitis",
    "dermatitis",
    "rosacea",
    "acne",
    "cystic acne",
    "vitiligo",
    "alopecia",
    "hidradenitis",
    "hidradenitis suppurativa",
    "scabies",
    "ringworm",
    "impetigo",
    "cellulitis",
    "mrsa",
    "diabetes",
    "diabetic",
    "depression",
    "anxiety",
    "bipolar",
    "pregnant",
    "pregnancy",
    "miscarriage",
    # Spanish
    "carcinoma basocelular",
    "carcinoma espinocelular",
    "cáncer de piel",
    "cáncer",
    "canceroso",
    "cancerosa",
    "precanceroso",
    "precancerosa",
    "queratosis actínica",
    "queratosis",
    "tumor maligno",
    "linfoma",
    "leucemia",
    "vih",
    "sida",
    "vph",
    "herpes zóster",
    "culebrilla",
    "verrugas genitales",
    "ets",
    "clamidia",
    "sífilis",
    "gonorrea",
    "hepatitis",
    "lupus",
    "psoriasis",
    "eccema",
    "dermatitis atópica",
    "rosácea",
    "acné",
    "vitíligo",
    "alopecia",
    "sarna",
    "tiña",
    "celulitis",
    "diabetes",
    "diabética",
    "diabético",
    "depresión",
    "ansiedad",
    "embarazada",
    "embarazo",
    "aborto",
)
MEDICATIONS = (
    "isotretinoin",
    "accutane",
    "tretinoin",
    "retin-a",
    "adapalene",
    "differin",
    "benzoyl peroxide",
    "methotrexate",
    "metotrexato",
    "humira",
    "adalimumab",
    "dupixent",
    "dupilumab",
    "stelara",
    "ustekinumab",
    "otezla",
    "apremilast",
    "skyrizi",
    "cosentyx",
    "taltz",
    "tremfya",
    "enbrel",
    "etanercept",
    "rinvoq",
    "cibinqo",
    "opzelura",
    "prednisone",
    "prednisona",
    "prednisolone",
    "hydrocortisone",
    "hidrocortisona",
    "triamcinolone",
    "clobetasol",
    "betamethasone",
    "betametasona",
    "doxycycline",
    "doxiciclina",
    "minocycline",
    "minociclina",
    "spironolactone",
    "espironolactona",
    "valtrex",
    "valacyclovir",
    "valaciclovir",
    "acyclovir",
    "aciclovir",
    "ivermectin",
    "ivermectina",
    "permethrin",
    "permetrina",
    "fluconazole",
    "ketoconazole",
    "ketoconazol",
    "terbinafine",
    "terbinafina",
    "lamisil",
    "elidel",
    "protopic",
    "tacrolimus",
    "metformin",
    "metformina",
    "insulin",
    "insulina",
    "ozempic",
    "semaglutide",
    "botox",
    "juvederm",
    "restylane",
    "efudex",
    "fluorouracil",
    "imiquimod",
    "aldara",
    "bactrim",
    "keflex",
    "cephalexin",
    "amoxicillin",
    "amoxicilina",
    "penicillin",
    "penicilina",
    "mupirocin",
    "mupirocina",
    "chemotherapy",
    "chemo",
    "quimioterapia",
    "quimio",
    "radiation therapy",
    "radioterapia",
)
RESULTS = (
    "biopsy results",
    "biopsy result",
    "biopsies",
    "biopsy",
    "resultados de la biopsia",
    "resultado de la biopsia",
    "biopsia",
    "biopsias",
    "mohs surgery",
    "mohs",
    "cirugía de mohs",
    "pathology report",
    "pathology",
    "patología",
    "came back positive",
    "came back negative",
    "came back benign",
    "came back malignant",
    "came back clear",
    "came back normal",
    "tested positive",
    "tested negative",
    "positive for",
    "negative for",
    "benign",
    "malignant",
    "salió positivo",
    "salió positiva",
    "salió negativo",
    "salió negativa",
    "salió benigno",
    "salió benigna",
    "salió maligno",
    "salió maligna",
    "dio positivo",
    "dio negativo",
    "benigno",
    "benigna",
    "maligno",
    "maligna",
    "stage 1",
    "stage 2",
    "stage 3",
    "stage 4",
    "stage i",
    "stage ii",
    "stage iii",
    "stage iv",
    "etapa 1",
    "etapa 2",
    "etapa 3",
    "etapa 4",
)
# Drug-name endings (whole word of 7+ letters): adalimumab, doxycycline, prednisone, fluconazole...
DRUG_SUFFIXES = (
    "mab",
    "cycline",
    "ciclina",
    "cillin",
    "cilina",
    "azole",
    "azol",
    "olone",
    "isone",
    "isona",
    "tinib",
    "vir",
)

# ---- patterns ------------------------------------------------------------------------------------------
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

_MONTH_EN = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_ES = r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|º|°)?"
_YEAR = r"(?:19|20)\d\d"
_DATES = [
    re.compile(r"(?<![\w/.-])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\w/-])"),  # 3/14/1980, 14.03.80
    re.compile(r"(?<![\w/.-])\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?![\w/-])"),  # 1980-03-14
    re.compile(rf"(?<!\w){_MONTH_EN}\s+{_DAY}(?:,?\s+{_YEAR})?(?!\w)", re.IGNORECASE),  # March 14, 1980
    re.compile(rf"(?<!\w){_DAY}\s+(?:of\s+)?{_MONTH_EN}(?:,?\s+{_YEAR})?(?!\w)", re.IGNORECASE),  # 14 March 1980
    re.compile(rf"(?<!\w){_MONTH_EN},?\s+{_YEAR}(?!\w)", re.IGNORECASE),  # March 1980
    re.compile(rf"(?<!\w){_DAY}\s+de\s+{_MONTH_ES}(?:\s+(?:de|del)\s+{_YEAR})?(?!\w)", re.IGNORECASE),
    re.compile(rf"(?<!\w){_MONTH_ES}\s+(?:de|del)\s+{_YEAR}(?!\w)", re.IGNORECASE),
    re.compile(rf"(?<!\w)(?:{_MONTH_ES})\s+{_DAY}(?:,?\s+{_YEAR})?(?!\w)", re.IGNORECASE),
]
# "born in 1980", "DOB: 1980", "nací en 1980": the year alone is a date of birth here (the words stay).
_BIRTH_YEAR = re.compile(
    rf"(?<!\w)(born in|born on|born|dob:?|d\.o\.b\.?:?|birthday:?|nací en|naci en|nacido en|nacida en|"
    rf"fecha de nacimiento:?)(\s+){_YEAR}(?!\w)",
    re.IGNORECASE,
)
# 7 to 15 digits in groups joined by one separator; an optional + country code; brackets allowed.
_PHONE = re.compile(r"(?<![\w+])(?:\+\s?\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]\d{1,4}){0,5}(?![\w])")
_YEAR_RANGE = re.compile(rf"{_YEAR}\s?[-–]\s?{_YEAR}")
_PHONE_SEPARATED = re.compile(r"\d{1,4}(?:[\s.-]+\d{1,4}){1,5}")


def _lexicon_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted({fold(t) for t in terms}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in ordered) + r")(?!\w)")


_CLINICAL = _lexicon_pattern((*DIAGNOSES, *MEDICATIONS, *RESULTS))
_DRUG = re.compile(r"(?<!\w)[a-z]{4,}(?:" + "|".join(DRUG_SUFFIXES) + r")(?!\w)")

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def _folded_same_length(text: str) -> str:
    """fold() character by character so that offsets in the result are offsets in ``text``."""
    out = []
    for ch in text:
        f = fold(ch)
        out.append(f if len(f) == 1 else ch.lower() if len(ch.lower()) == 1 else " ")
    return "".join(out)


def _replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end, repl in spans:
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(repl)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _sub_phones(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        digits = sum(ch.isdigit() for ch in match.group())
        plain = match.group().strip()
        if _YEAR_RANGE.fullmatch(plain):
            return match.group()
        # A bare run of digits (an amount, a reference) is a phone only when long; grouped runs from 7.
        if 7 <= digits <= 15 and (plain.startswith(("+", "(")) or _PHONE_SEPARATED.fullmatch(plain) or digits >= 10):
            return PHONE
        return match.group()

    return _PHONE.sub(repl, text)


def _sub_clinical(text: str) -> str:
    folded = _folded_same_length(text)
    spans = [(m.start(), m.end(), HEALTH) for m in _CLINICAL.finditer(folded)]
    spans += [(m.start(), m.end(), HEALTH) for m in _DRUG.finditer(folded)]
    return _replace_spans(text, _merge(spans))


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    spans = sorted(spans)
    merged: list[tuple[int, int, str]] = []
    for start, end, repl in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, repl))
    return merged


def _name_words(names: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for name in names:
        for word in _WORD.findall(name or ""):
            if len(word) > 1:
                words.add(fold(word))
    return words


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or not word[1:].replace("'", "").replace("’", "").isupper())


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'“‘(¡¿*-–—")
    return not before or before[-1] in ".!?\n:;"


def _find_names(text: str, staff: set[str], patient: set[str]) -> list[tuple[int, int, str]]:
    words = list(_WORD.finditer(text))
    flags = [False] * len(words)
    for i, match in enumerate(words):
        word = match.group()
        key = fold(word)
        if key in staff and key not in patient:
            continue
        if key in patient:
            flags[i] = True
            continue
        if not _is_capitalised(word):
            # A lower-case known first name right after "my neighbour" / "mi vecina".
            if i and fold(words[i - 1].group()) in RELATIONS and key in FIRST_NAMES and key not in EVERYDAY_WORDS:
                flags[i] = _adjacent(text, words[i - 1], match)
            continue
        if key in CALENDAR_WORDS or len(word) < 2:
            continue
        at_start = _sentence_start(text, match.start())
        previous = fold(words[i - 1].group()) if i else ""
        adjacent = i > 0 and _adjacent(text, words[i - 1], match, allow_dot=True)
        after_title = adjacent and (previous in HONORIFICS or previous in RELATIONS)
        first_name = key in FIRST_NAMES and not (key in EVERYDAY_WORDS and (at_start or key in _NEVER_ALONE))
        last_name = not at_start and key in LAST_NAMES and key not in EVERYDAY_WORDS
        # the surname after a first name: "Sarah Jones"
        surname = i > 0 and flags[i - 1] and _adjacent(text, words[i - 1], match) and key not in EVERYDAY_WORDS
        flags[i] = after_title or first_name or last_name or surname
    # A capitalised word after a flagged one (surname) even when it is an everyday word: "Sarah Love".
    for i in range(1, len(words)):
        if (
            flags[i - 1]
            and not flags[i]
            and _is_capitalised(words[i].group())
            and _adjacent(text, words[i - 1], words[i])
            and fold(words[i].group()) not in CALENDAR_WORDS
            and not (fold(words[i].group()) in staff and fold(words[i].group()) not in patient)
        ):
            flags[i] = True
    spans: list[tuple[int, int, str]] = []
    for i, match in enumerate(words):
        if not flags[i]:
            continue
        if spans and flags[i - 1] and _adjacent(text, words[i - 1], match):
            spans[-1] = (spans[-1][0], match.end(), NAME)
        else:
            spans.append((match.start(), match.end(), NAME))
    return spans


# Everyday words never taken for a name on their own, even mid-sentence (they need an honorific or a
# relation word before them): "the Best", "God's Grace", "Will".
_NEVER_ALONE = spaced_words(
    "will bill mark frank guy art pat sue rob jack chase hunter love best day park long young king hall "
    "thank thanks great good nice very super wonderful excellent amazing friendly dios gracias muy todo "
    "todos bien excelente star sky happy sunny honey christian major"
)


def _adjacent(text: str, first: re.Match[str], second: re.Match[str], *, allow_dot: bool = False) -> bool:
    gap = text[first.end() : second.start()]
    return gap in (" ", ". ", ".") if allow_dot else gap == " "


def redact(text: str, *, staff_names: Iterable[str] = (), patient_names: Iterable[str] = ()) -> str:
    """The comment with other people's names, phones, emails, dates and clinical detail replaced."""
    staff = _name_words(staff_names)
    patient = _name_words(patient_names)
    out = _EMAIL.sub(EMAIL, text)
    for pattern in _DATES:
        out = pattern.sub(DATE, out)
    out = _BIRTH_YEAR.sub(lambda m: m.group(1) + m.group(2) + DATE, out)
    out = _sub_phones(out)
    out = _sub_clinical(out)
    out = _replace_spans(out, _find_names(out, staff, patient))
    return out


def shown_patient(first_name: str, *, mode: str) -> str:
    """How the patient is named beside their words: "Ana" (``first_name``) or "" (``anonymous``: the
    template then says "a patient"). Only the first word of the first name, never the surname."""
    if mode != SHOW_FIRST_NAME:
        return ""
    words = _WORD.findall(first_name or "")
    return words[0] if words else ""
