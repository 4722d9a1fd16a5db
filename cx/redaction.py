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
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?)?\(?\d(?:[\s.()/-]{0,2}\d)+(?:\s?(?:x|ext\.?|extension|extensión|ext)\s?\d{1,6})?(?!\w)",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"\s?(?:x|ext\.?|extension|extensión|ext)\s?\d{1,6}$", re.IGNORECASE)
_YEAR_RANGE = re.compile(rf"{_YEAR}\s?[-–]\s?{_YEAR}")


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
    """Runs of 7 to 15 digits (an extension aside) joined by spaces, dots, dashes, slashes or brackets."""

    def repl(match: re.Match[str]) -> str:
        number = _EXTENSION.sub("", match.group())
        digits = sum(ch.isdigit() for ch in number)
        if 7 <= digits <= 15 and not _YEAR_RANGE.fullmatch(number.strip()):
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
    if key in _NOT_NAMES_AFTER_RELATION or not (_is_capitalised(words[i].group()) or key in FIRST_NAMES):
        return False
    for back in (1, 2):
        if i - back < 0 or not _adjacent(text, words[i - back], words[i - back + 1]):
            return False
        previous = fold(words[i - back].group())
        if previous in RELATIONS:
            return True
        if previous not in FIRST_NAMES or previous in _NOT_NAMES_AFTER_RELATION:
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
        first_name = key in FIRST_NAMES and not (key in EVERYDAY_WORDS and (at_start or key in _NEVER_ALONE))
        # An everyday word that starts the sentence is still a first name when a surname follows: "Mark Hill".
        last_name = not at_start and key in LAST_NAMES and key not in EVERYDAY_WORDS
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
        flags[i] = after_title or first_name or last_name or surname or pair
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
