"""Redact what a patient wrote before the team sees it in a moment, a map or an email (pure, no Django).

``redact(text, staff_names=..., patient_names=...)`` replaces, in this order:

- email addresses -> ``[email]``, also spelled out ("ana dot perez at gmail dot com", "ana arroba
  hotmail punto es");
- dates (``3/14/1980``, ``1980-03-14``, ``March 14, 1980``, ``14 March 1980``, ``14 de marzo de 1980``,
  ``marzo de 1980``, ``born in 1980``) -> ``[date]``; a month name alone ("in March") is kept;
- phone numbers (US ``(555) 123-4567``, ``555.123.4567``, ``+1 555 123 4567``, seven-digit ``555-1234``;
  Spanish/Mexican ``+34 612 34 56 78``, ``612 345 678``, ``55 1234 5678``): a run of 7 to 15 digits
  joined by spaces, dots, dashes or brackets -> ``[phone]``;
- clinical detail -> ``[health detail]``: the documented lexicon below (``DIAGNOSES``, ``MEDICATIONS``,
  ``RESULTS``), English and Spanish. Named diagnoses (acne, eczema and psoriasis included: they are
  diagnoses a reader could attach to the patient), named drugs (plus common drug-name endings such as
  -mab, -cycline, -sone), procedures that reveal a suspicion (biopsy, Mohs) and test results
  ("came back benign", "salió negativo"), test results with their number ("my A1c was 9.2", "BP 150/95"),
  "AIDS" in capitals only ("hearing aids" stay), a cancer stage only in a sentence that names a cancer
  ("at this stage I" stays), "tiña" only with its ñ ("Tina" is a name) go. Everyday symptom words that
  make a story understandable stay: rash, itch, spot, mole, bump, dry skin, redness, pain, swelling, scar,
  sarpullido, picazón, mancha, lunar, granito, dolor, and generic words such as cream, pills, antibiotic, pomada;
- names of people -> ``[name]``, except staff names (they are who is being recognised):
  * any word of ``patient_names`` (any case; the patient's own name wins over a staff name that is
    spelled the same, so an anonymous quote stays anonymous);
  * a capitalised word after a title: "Mr. Patel", "Dr Smith" (abbreviations, with or without a full
    stop) or "doctora Ruiz", "nurse Kim" (whole words, no full stop: "my doctor. Six weeks" is two
    sentences); the title stays ("Mrs. [name]"); particles go with the name ("Sra. de la Cruz");
  * a capitalised word that is a first name in Faker's en_US, es_MX and es_ES person providers (read at
    import), unless it is also an everyday word (``EVERYDAY_WORDS``: Grace, Joy, Hope, Will, Rosa, Luz...)
    at the start of a sentence, or one of a few words that are hardly ever a name alone (``_NEVER_ALONE``);
  * a month that is also a first name only where a person fits ("with April", "Mr. Mayo");
  * a capitalised word inside a sentence that is a Faker last name and not an ordinary word
    (``ordinary_word``: the English word list cx/data/common_words_en.txt, built from TextBlob's lexicon by
    scripts/build_cx_common_words.py, Faker's lorem words, a few hand lists; "Small", "Walker" stay);
  * names no list has: two capitalised words together, neither an ordinary word nor a staff name ("Aisha
    Okafor", also places such as "Melton Mowbray": over-redacting beats a name left), one such word where
    only a person fits ("thanks to Siobhan", "ask for Kwame", "with Priya"), a lower-case first name and
    surname together ("jose rivera") and an unfamiliar lower-case name after a relation ("my carer wei
    kowalski");
  * never alone: nationalities, languages and religions (``CAPITALISED_ADJECTIVES``: English, Christian);
  * a first name and a surname together, even two everyday words ("Jade Ward");
  * a capitalised word next to one of those (the surname in "Sarah Jones", "Mark" in "Mark Hill");
  * a relative's name, capitalised or not, one or two words: "my neighbour Sarah", "mi vecina ana luisa"
    (not "my son will...");
  * a staff word used as part of someone else's name: "Maria Sanchez" when the staff member is Maria
    Lopez (the pairs of words in ``staff_names`` are the only two-word names kept).
  Capitalised ordinary words ("Great", "Saturday", "Thank", "I've") and acronyms ("MA", "MAs", "HIV")
  are not names. Known limit: a staff member's surname used for somebody else with a title ("Mr. Lopez
  from the pharmacy", when Lopez works here) is kept; so is a staff first name alone.

``shown_patient(first_name, mode=...)`` is how the patient is named beside the quote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

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

# Spanish words that are also names somewhere but are ordinary words far more often (the Faker lorem list
# below has the rest of the everyday Spanish vocabulary).
_SPANISH_COMMON = (
    "todos los santos dia dias muertos reyes magos semana santa navidad pascua virgen san santa senor senora "
    "muy bien gracias doctor doctora enfermera clinica consultorio cita citas atencion servicio personal "
    "excelente buena bueno buenas buenos mala malo amable amables rapido rapida lugar equipo gente todo toda "
    "nada siempre nunca hoy ayer manana tarde noche hora horas minutos espera sala recepcion "
    "de la del mas le real cabeza mercado amor puerta campo camino bueno nino cabo diez fuentes domingo "
    "blanco iglesia grande plaza amigo rio carrera sola camara armas"
)
# Everyday words of a clinic that the (older) English lexicon lacks.
_MODERN_COMMON = (
    "info ok okay email emails online app apps website websites wifi covid coronavirus lockdown pandemic "
    "mindfulness pilates yoga hub grange physio physiotherapy gp gps echocardiogram ultrasound scan scans "
    "xray x-ray mri ct ecg ekg telehealth telemedicine zoom skype whatsapp facebook google text texts "
    "voicemail carer carers counsellor counselling counselor walker walkers wheelchair zimmer crutches"
)


def _common_words() -> frozenset[str]:
    """Ordinary words, folded: English from cx/data/common_words_en.txt (see scripts/build_cx_common_words.py),
    Spanish and English from Faker's lorem word lists, and ``_SPANISH_COMMON``."""
    from faker.providers.lorem.en_US import Provider as LoremEnglish
    from faker.providers.lorem.es_ES import Provider as LoremSpanish

    path = Path(__file__).resolve().parent / "data" / "common_words_en.txt"
    words = {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"}
    lorem: Iterable[str] = (*LoremEnglish.word_list, *LoremSpanish.word_list)
    # The Spanish lorem list comes from news text and has names in it (garcía, lópez, juan): names go, and
    # the everyday words among them are in _SPANISH_COMMON.
    words |= {fold(w) for w in lorem if fold(w) not in FIRST_NAMES and fold(w) not in LAST_NAMES}
    words |= set(_SPANISH_COMMON.split()) | set(_MODERN_COMMON.split())
    return frozenset(words)


COMMON_WORDS = _common_words()
_CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'ll", "'d", "'m", "s'", "'")


def ordinary_word(word: str) -> bool:
    """An ordinary (dictionary) word in English or Spanish, in any case and with its usual endings:
    "walker", "Nurses", "informed", "Let's", "X-ray". Never true for a word in ``FIRST_NAMES`` unless it is
    in ``EVERYDAY_WORDS`` (the lexicon has "john")."""
    key = fold(word)
    for suffix in _CONTRACTIONS:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
            break
    if "-" in key:
        return all(ordinary_word(part) for part in key.split("-") if part)
    if key in COMMON_WORDS or key in EVERYDAY_WORDS:
        return True
    stems = [key[:-1]] if key.endswith("s") else []
    if key.endswith(("es", "ed")):
        stems += [key[:-2], key[:-1]]
    if key.endswith("ing"):
        stems += [key[:-3], key[:-3] + "e"]
    if key.endswith("ly"):
        stems += [key[:-2]]
    return any(len(stem) > 2 and stem in COMMON_WORDS for stem in stems)


# Capitalised by convention, not names: nationalities, languages, religions ("English language", "a
# Christian lady"). Never a name alone; with a title, a relation word or a surname they still are.
CAPITALISED_ADJECTIVES = spaced_words(
    "english british american spanish mexican welsh scottish irish polish indian chinese african caribbean "
    "european asian french german italian portuguese christian catholic muslim jewish hindu sikh buddhist "
    "protestant latino latina hispanic espanol espanola ingles inglesa mexicano mexicana corona covid"
)

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

ABBREVIATED_HONORIFICS = spaced_words("mr mrs ms miss mx dr dra sr sra srta")
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
    "abuela abuelo suegra suegro companero companera jefe jefa carer caregiver cuidador cuidadora"
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
    "leukaemia",
    "myeloma",
    "sarcoma",
    "mesothelioma",
    "metastasis",
    "metastatic",
    "dementia",
    "alzheimer's",
    "parkinson's",
    "epilepsy",
    "multiple sclerosis",
    "heart attack",
    "stroke",
    "hiv",
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
    "diabetics",
    "autism",
    "autistic",
    "adhd",
    "asthma",
    "copd",
    "schizophrenia",
    "ptsd",
    "anorexia",
    "bulimia",
    "eating disorder",
    "personality disorder",
    "bipolar disorder",
    "arthritis",
    "rheumatoid arthritis",
    "osteoporosis",
    "hypertension",
    "heart failure",
    "kidney disease",
    "dialysis",
    "cirrhosis",
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
    "mieloma",
    "sarcoma",
    "metástasis",
    "demencia",
    "epilepsia",
    "esclerosis múltiple",
    "infarto",
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
    "autismo",
    "autista",
    "asma",
    "esquizofrenia",
    "artritis",
    "hipertensión",
    "diálisis",
    "diabéticos",
    "diabéticas",
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
# An address spelled out: "ana dot perez at gmail dot com", "ana (at) gmail [dot] com", "ana arroba gmail punto com".
_DOT = r"\s*[\[(]?\s*(?:dot|punto)\s*[\])]?\s*"
_EMAIL_SPOKEN = re.compile(
    rf"(?<![\w.+-])[\w.+-]+(?:{_DOT}[\w+-]+)*\s*[\[(]?\s*(?:at|arroba)\s*[\])]?\s*[\w-]+(?:{_DOT}[\w-]+)*"
    rf"{_DOT}(?:com|org|net|edu|gov|es|mx|co|uk|us|info|io)(?!\w)",
    re.IGNORECASE | re.UNICODE,
)

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
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?)?\(?\d(?:[\s.()/-]{0,2}\d)+(?:\s?(?:x|ext\.?|extension|extensión|ext)\s?\d{1,6})?(?!\w)",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"\s?(?:x|ext\.?|extension|extensión|ext)\s?\d{1,6}$", re.IGNORECASE)
_YEAR_RANGE = re.compile(rf"{_YEAR}\s?[-–]\s?{_YEAR}")


def _fold_clinical(term: str) -> str:
    """fold() that keeps "ñ": "tiña" (ringworm) is not "Tina"."""
    return "ñ".join(fold(part) for part in term.replace("Ñ", "ñ").split("ñ"))


def _lexicon_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted({_fold_clinical(t) for t in terms}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in ordered) + r")(?!\w)")


_CLINICAL = _lexicon_pattern((*DIAGNOSES, *MEDICATIONS, *RESULTS))
_DRUG = re.compile(r"(?<!\w)[a-z]{4,}(?:" + "|".join(DRUG_SUFFIXES) + r")(?!\w)")
# Written in capitals only: "hearing aids" and "aids to memory" are not the diagnosis.
_AIDS = re.compile(r"(?<!\w)AIDS(?!\w)")
# A cancer stage, only in a sentence that speaks of cancer ("at this stage I" is not one).
_STAGE = re.compile(r"(?<!\w)(?:stage|estadio|etapa|grade|grado)\s+(?:[0-4][abc]?|IV|III|II|I)(?![\w])", re.IGNORECASE)
_CANCER = re.compile(
    r"(?<!\w)(?:cancer|cancerous|carcinoma|melanoma|tumou?r|lymphoma|leuka?emia|sarcoma|myeloma|metasta\w*|"
    r"oncolog\w*|c[aá]ncer|linfoma|leucemia|tumores)(?!\w)",
    re.IGNORECASE,
)
# A test result with its number: "my A1c was 9.2", "cholesterol of 240", "BP 150/95", "glucosa en 180".
_LAB_VALUE = re.compile(
    r"(?<!\w)(?:hb\s?a1c|a1c|blood sugars?|blood glucose|glucose|sugar levels?|sugars|cholesterol|ldl|hdl|"
    r"triglycerides|blood pressure|bp|psa|inr|tsh|creatinine|egfr|ha?emoglobin|ferritin|vitamin d|platelets|"
    r"viral load|cd4(?: count)?|bmi|glucosa|az[uú]car|colesterol|presi[oó]n(?: arterial)?|tensi[oó]n(?: arterial)?|"
    r"hemoglobina|triglic[eé]ridos)"
    r"(?:\s+(?:level|levels|reading|readings|count|nivel|niveles))?"
    r"(?:\s*[:=]\s*|\s+(?:was|is|were|are|at|of|came back at|went up to|went down to|went to|dropped to|now|"
    r"de|en|es|era|estaba|est[aá]|sali[oó]|me sali[oó]|a)\s+|\s+){1,3}"
    r"\d+(?:[.,]\d+)?(?:\s?/\s?\d+)?(?:\s?(?:%|mg/dl|mmol/l|mmol|mg|ng/ml|u/l))?",
    re.IGNORECASE,
)

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def _folded_same_length(text: str, *, keep_enye: bool = False) -> str:
    """fold() character by character so that offsets in the result are offsets in ``text``."""
    out = []
    for ch in text:
        f = "ñ" if keep_enye and ch in "ñÑ" else fold(ch)
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
    """Runs of 7 to 15 digits (an extension aside) joined by spaces, dots, dashes, slashes or brackets."""

    def repl(match: re.Match[str]) -> str:
        number = _EXTENSION.sub("", match.group())
        digits = sum(ch.isdigit() for ch in number)
        if 7 <= digits <= 15 and not _YEAR_RANGE.fullmatch(number.strip()):
            return PHONE
        return match.group()

    return _PHONE.sub(repl, text)


def _sub_clinical(text: str) -> str:
    folded = _folded_same_length(text, keep_enye=True)
    spans = [(m.start(), m.end(), HEALTH) for m in _CLINICAL.finditer(folded)]
    spans += [(m.start(), m.end(), HEALTH) for m in _DRUG.finditer(folded)]
    spans += [(m.start(), m.end(), HEALTH) for m in _AIDS.finditer(text)]
    spans += [(m.start(), m.end(), HEALTH) for m in _LAB_VALUE.finditer(text)]
    for sentence in re.finditer(r"[^.!?\n]+", text):
        if _CANCER.search(sentence.group()):
            spans += [
                (sentence.start() + m.start(), sentence.start() + m.end(), HEALTH)
                for m in _STAGE.finditer(sentence.group())
            ]
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
    """Capitalised like a name: "Sarah", "O'Brien"; not "HIV", "MAs" (an acronym's plural) or "I"."""
    if not word[:1].isupper() or len(word) < 2:
        return False
    rest = word[1:].replace("'", "").replace("’", "")
    if rest.isupper() or (len(word) >= 3 and word[:-1].isupper() and word.endswith("s")):
        return False
    return fold(word) not in _CAPITALISED_FUNCTION_WORDS


# Capitalised words that are never a name after a title or before a surname ("any doctor I've ever had").
_CAPITALISED_FUNCTION_WORDS = spaced_words(
    "i'm i've i'd i'll the a an and but or so he she they we you it its my her his our their is was were are "
    "this that there then when if also just not no yes ok y la el los las que mi su sus es fue pero con"
)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'“‘(¡¿*-–—")
    return not before or before[-1] in ".!?\n:;"


def _staff_pairs(names: Iterable[str]) -> set[tuple[str, str]]:
    """Neighbouring words of each staff name ("maria", "lopez"): the only two-word names kept."""
    pairs: set[tuple[str, str]] = set()
    for name in names:
        words = [fold(w) for w in _WORD.findall(name or "")]
        pairs.update(zip(words, words[1:], strict=False))
    return pairs


def _name_like(word: str) -> bool:
    key = fold(word)
    return _is_capitalised(word) and (key in FIRST_NAMES or key in LAST_NAMES) and key not in CALENDAR_WORDS


def _someone_else(text: str, words: list[re.Match[str]], i: int, pairs: set[tuple[str, str]]) -> bool:
    """A staff word paired with a name that is not that staffer's: "Maria Sanchez" when ours is Maria Lopez."""
    key = fold(words[i].group())
    if i + 1 < len(words) and _adjacent(text, words[i], words[i + 1]):
        following = words[i + 1].group()
        if _name_like(following) and (key, fold(following)) not in pairs and fold(following) not in EVERYDAY_WORDS:
            return True
    if i > 0 and _adjacent(text, words[i - 1], words[i]):
        preceding = words[i - 1].group()
        previous = fold(preceding)
        if (
            _name_like(preceding)
            and (previous, key) not in pairs
            and previous not in EVERYDAY_WORDS
            and previous not in HONORIFICS
            and previous not in _SENTENCE_OPENERS
        ):
            return True
    return False


# Words after a relation that are verbs, not names: "my son will", "my wife may".
_NOT_NAMES_AFTER_RELATION = spaced_words(
    "will may might can could did does said and who was is had has also too was were would should must "
    "and y que es fue era tambien ya"
)
_SENTENCE_OPENERS = spaced_words("thank thanks gracias")
# Words after which a capitalised month is a person: "with April", "thanks Julio", "con Abril".
_BEFORE_A_PERSON = spaced_words("with and thank thanks told asked saw met con y gracias")
_PARTICLES = spaced_words("de del la las los van von der den di da dos das le")


def _after_relation(text: str, words: list[re.Match[str]], i: int) -> bool:
    """``words[i]`` names a relative: "my neighbour Sarah", "mi vecina ana luisa" (two words at most)."""
    key = fold(words[i].group())
    if key in _NOT_NAMES_AFTER_RELATION or not (
        _is_capitalised(words[i].group()) or key in FIRST_NAMES or not ordinary_word(key)
    ):
        return False
    for back in (1, 2):
        if i - back < 0 or not _adjacent(text, words[i - back], words[i - back + 1]):
            return False
        previous = fold(words[i - back].group())
        if previous in RELATIONS:
            return True
        if (previous not in FIRST_NAMES and ordinary_word(previous)) or previous in _NOT_NAMES_AFTER_RELATION:
            return False
    return False


def _find_names(
    text: str, staff: set[str], patient: set[str], pairs: set[tuple[str, str]]
) -> list[tuple[int, int, str]]:
    words = list(_WORD.finditer(text))
    flags = [False] * len(words)
    for i, match in enumerate(words):
        word = match.group()
        key = fold(word)
        if key in patient or _after_relation(text, words, i):
            flags[i] = True
            continue
        if key in staff:
            flags[i] = _is_capitalised(word) and _someone_else(text, words, i, pairs)
            continue
        if not _is_capitalised(word) or len(word) < 2:
            continue
        previous = fold(words[i - 1].group()) if i else ""
        after_title = i > 0 and _after_title(text, words[i - 1], match)
        if key in CALENDAR_WORDS:
            # "Mr. Mayo", "I came with April": a month that is also a name, where only a person fits.
            flags[i] = after_title or (
                key in FIRST_NAMES and previous in _BEFORE_A_PERSON and _adjacent(text, words[i - 1], match)
            )
            continue
        at_start = _sentence_start(text, match.start())
        ordinary = ordinary_word(word) or key in CAPITALISED_ADJECTIVES
        first_name = (
            key in FIRST_NAMES
            and key not in CAPITALISED_ADJECTIVES
            and not (key in EVERYDAY_WORDS and (at_start or key in _NEVER_ALONE))
        )
        # An everyday word that starts the sentence is still a first name when a surname follows: "Mark Hill".
        last_name = not at_start and key in LAST_NAMES and key not in EVERYDAY_WORDS and not ordinary
        # Two capitalised words that are neither ordinary words nor staff names: a person we have no list
        # for ("Thanks to Aisha Okafor"). Places go too ("Melton Mowbray"): better than a name left.
        unknown_pair = (
            not ordinary
            and key not in HONORIFICS
            and i + 1 < len(words)
            and _adjacent(text, match, words[i + 1])
            and _unlisted(words[i + 1].group(), staff)
        )
        # One such word where only a person fits: "thanks to Siobhan", "ask for Kwame", "with Priya".
        unknown_person = (
            not ordinary
            and key not in HONORIFICS
            and not at_start
            and i > 0
            and _adjacent(text, words[i - 1], match)
            and _person_slot(words, i, flags)
        )
        # the surname after a first name: "Sarah Jones"
        surname = i > 0 and flags[i - 1] and _adjacent(text, words[i - 1], match) and key not in EVERYDAY_WORDS
        # A first name and a surname together, even two everyday words: "Jade Ward", "Crystal Black".
        pair = (
            i + 1 < len(words)
            and key in FIRST_NAMES
            and key not in _NEVER_ALONE
            and _is_capitalised(words[i + 1].group())
            and fold(words[i + 1].group()) in LAST_NAMES
            and _adjacent(text, match, words[i + 1])
        )
        flags[i] = after_title or first_name or last_name or surname or pair or unknown_pair or unknown_person
    # A lower-case first name and surname together, neither an ordinary word: "my carer jose rivera".
    for i in range(len(words) - 1):
        first, second = fold(words[i].group()), fold(words[i + 1].group())
        if (
            first in FIRST_NAMES
            and second in LAST_NAMES
            and not ordinary_word(first)
            and not ordinary_word(second)
            and not {first, second} & (staff | CALENDAR_WORDS)
            and _adjacent(text, words[i], words[i + 1])
        ):
            flags[i] = flags[i + 1] = True
    # A capitalised word after a flagged one (surname) even when it is an everyday word: "Sarah Love".
    for i in range(1, len(words)):
        if (
            flags[i - 1]
            and not flags[i]
            and _is_capitalised(words[i].group())
            and _adjacent(text, words[i - 1], words[i])
            and (fold(words[i].group()) not in CALENDAR_WORDS or fold(words[i].group()) in LAST_NAMES)
            and not (fold(words[i].group()) in staff and fold(words[i].group()) not in patient)
        ):
            flags[i] = True
    # A staff word next to someone else's name is part of that name: "María [Pilar Blanca]".
    for _ in range(2):
        for i, match in enumerate(words):
            key = fold(match.group())
            if flags[i] or key not in staff or not _is_capitalised(match.group()):
                continue
            after = i + 1 < len(words) and flags[i + 1] and _adjacent(text, match, words[i + 1])
            before = i > 0 and flags[i - 1] and _adjacent(text, words[i - 1], match)
            if (after and (key, fold(words[i + 1].group())) not in pairs) or (
                before and (fold(words[i - 1].group()), key) not in pairs
            ):
                flags[i] = True
    # Surname particles: "[name] del Valle", "Mr. de la Cruz", "van der Berg".
    for i in range(1, len(words) - 1):
        if fold(words[i].group()) not in _PARTICLES or not _adjacent(text, words[i - 1], words[i], allow_dot=True):
            continue
        if not (flags[i - 1] or _after_title(text, words[i - 1], words[i])):
            continue
        j = i
        while j + 1 < len(words) and fold(words[j].group()) in _PARTICLES and _adjacent(text, words[j], words[j + 1]):
            j += 1
        if j > i - 1 and _is_capitalised(words[j].group()) and fold(words[j].group()) not in _PARTICLES:
            for k in range(i, j + 1):
                flags[k] = True
    for i in range(len(words) - 2, -1, -1):
        key = fold(words[i].group())
        if (
            flags[i + 1]
            and not flags[i]
            and _is_capitalised(words[i].group())
            and key in FIRST_NAMES
            and not (key in staff and key not in patient)
            and _adjacent(text, words[i], words[i + 1])
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


# Everyday words never taken for a name on their own, even mid-sentence (they need an honorific, a
# relation word or a surname with them): "the Best", "Park", "Happy".
_NEVER_ALONE = spaced_words(
    "love best day park long young king hall thank thanks great good nice very super wonderful excellent amazing "
    "friendly dios gracias muy todo todos bien excelente star sky happy sunny golden rich major"
)


# Words after which a capitalised word that is not an ordinary word is a person.
_BEFORE_A_NAME = spaced_words(
    "with by thanks thank named called for saw see seen met told asked con gracias llamada llamado"
)
# "to" is followed by a person after these ("thanks to Aisha", "spoke to Priya"), else by a place ("went to
# Hinckley"); "for" only after "ask" or "thanks"/"thank you".
_BEFORE_TO_A_NAME = spaced_words(
    "thanks thank you spoke speak spoken speaking talk talked talking said explained chatted introduced "
    "grateful listened"
)
_BEFORE_FOR_A_NAME = spaced_words("ask asked asking thanks you")


def _person_slot(words: list[re.Match[str]], i: int, flags: list[bool]) -> bool:
    """Only a person fits after the word(s) before ``words[i]``: "thanks to _", "with _", "Zoe and _"."""
    previous = fold(words[i - 1].group())
    before = fold(words[i - 2].group()) if i > 1 else ""
    if previous == "to":
        return before in _BEFORE_TO_A_NAME
    if previous == "for":
        return before in _BEFORE_FOR_A_NAME
    if previous in ("and", "y"):
        return i > 1 and flags[i - 2]
    return previous in _BEFORE_A_NAME


def _unlisted(word: str, staff: set[str]) -> bool:
    """A capitalised word that is no ordinary word, month or staff name (part of an unknown name)."""
    key = fold(word)
    return (
        _is_capitalised(word)
        and not ordinary_word(word)
        and key not in CAPITALISED_ADJECTIVES
        and key not in CALENDAR_WORDS
        and key not in staff
        and key not in HONORIFICS
    )


def _after_title(text: str, title: re.Match[str], word: re.Match[str]) -> bool:
    """``word`` follows a title: "Mr. Patel", "Dr Lee", "doctora Ruiz" (a full word takes no full stop:
    "my new doctor. Six weeks" is two sentences)."""
    key = fold(title.group())
    if key in ABBREVIATED_HONORIFICS:
        return _adjacent(text, title, word, allow_dot=True)
    return key in HONORIFICS and _adjacent(text, title, word) and fold(word.group()) not in CALENDAR_WORDS


def _adjacent(text: str, first: re.Match[str], second: re.Match[str], *, allow_dot: bool = False) -> bool:
    gap = text[first.end() : second.start()]
    return gap in (" ", ". ", ".") if allow_dot else gap == " "


def redact(text: str, *, staff_names: Iterable[str] = (), patient_names: Iterable[str] = ()) -> str:
    """The comment with other people's names, phones, emails, dates and clinical detail replaced."""
    staff_names = list(staff_names)
    staff = _name_words(staff_names)
    patient = _name_words(patient_names)
    out = _EMAIL.sub(EMAIL, text)
    out = _EMAIL_SPOKEN.sub(EMAIL, out)
    for pattern in _DATES:
        out = pattern.sub(DATE, out)
    out = _BIRTH_YEAR.sub(lambda m: m.group(1) + m.group(2) + DATE, out)
    out = _sub_phones(out)
    out = _sub_clinical(out)
    out = _replace_spans(out, _find_names(out, staff, patient, _staff_pairs(staff_names)))
    return out


def shown_patient(first_name: str, *, mode: str) -> str:
    """How the patient is named beside their words: "Ana" (``first_name``) or "" (``anonymous``: the
    template then says "a patient"). Only the first word of the first name, never the surname."""
    if mode != SHOW_FIRST_NAME:
        return ""
    words = _WORD.findall(first_name or "")
    return words[0] if words else ""
