"""Which team members a patient's comment mentions (pure, no Django).

``find_mentions(text, team=..., on_duty=..., patient_names=...)`` returns one ``Mention`` per person
(or per ambiguous group) the comment speaks of, in the order they first appear:

- **By name**: first name, last name, full name ("Maria Lopez" picks the Maria whose surname is Lopez),
  a title and a name ("Dr. Lee", "Dr Lee", "Doctor Lee", "la doctora Lee", "Nurse Kim", "Sra. Ruiz"),
  the member's own nicknames and the common nicknames in ``NICKNAMES`` (Liz/Beth -> Elizabeth,
  Mike -> Michael, Pepe -> José, Lupe -> Guadalupe...), spelling variants (Sara/Sarah,
  Stefanie/Stephanie, Catherine/Katherine: see ``_variant``) and, for names of six letters or more,
  one typo (edit distance 1, a swap of two neighbouring letters counting as one) in a capitalised word
  with the same first letter that is not an ordinary word (``cx.redaction.ordinary_word``: Carer is
  not Karen) nor a known surname (Davis is not Davies); a word that is itself a first name only differs
  by a vowel or an "h" (Rachael/Rachel). A name counts only when written with a capital, unless the
  comment does not use capitals (all lower case, all capitals, or a lower-case "i"); then it counts
  unless it is also an ordinary word ("will", "walker"). "Will", "May"... at the start of a sentence
  are names when a verb in the past or a surname follows ("Will was great"). A possessive is a mention
  ("Dr. Chen's office"). "Maria S." picks the Maria whose surname starts with S. Two members who share
  the name give one ambiguous mention with both ids; nothing is ever chosen between them.
- **A role beside a name** narrows it: "Nurse Maria", "Maria (receptionist)", "Dave the therapist",
  "nurses Karen", "Lynda CPN" credit only members who may hold that role (the title's holders and
  members without a known job title; ``OTHER_ROLES`` such as midwife, therapist, support worker only
  members whose job title is "other" or unknown). A role word beside someone else's name ("Sharon the
  receptionist", "Mandy (receptionist)", "Sarah at the front desk") credits nobody.
- **By role**: role words in English and Spanish (``ROLE_WORDS``: "the receptionist", "front desk lady",
  "the nurse", "the MA", "the doctor", "the PA", "billing", "la recepcionista", "la enfermera",
  "el doctor", "la doctora", "la asistente"...) are matched to job titles (cx.models.JobTitle values).
  A role word credits the on-duty member with that title when there is exactly one; otherwise the only
  team member with that title; otherwise it is ambiguous (all of them). Providers count as holding
  "provider" whatever their job title (``is_provider``), so "the doctor" credits the visit's provider
  when the caller puts that provider in ``on_duty``.
- **Never a mention**: the patient's own names (``patient_names``); a name right after "my husband",
  "my wife, Joy", "my friend", "mi esposo", "mi hija"... (``RELATIONS``); a title with a name that is not
  on the team ("Dr. Smith" is someone else's doctor); our first name with another surname ("Kim
  Kardashian") or our surname after another first name ("Jen Thompson"); a firm ("Johnson & Johnson");
  a name after "los"/"las" ("Todos los Santos"); roles no team has ("bed manager", "healthcare
  assistant"); a place ("the front desk was closed"); "médico"/"médica" without an article before it
  (an adjective: "la asistente médica", "seguro médico"); names and role words in a clause about another
  practice ("at my old dermatologist", "at another clinic", "otra clínica", "than my last doctor"),
  which runs until a comma-clause that comes back here ("but here", "pero aquí") or the sentence ends;
  "the doctor's office".

Mentions of the same person are merged; an ambiguous mention is dropped when one of its people is also
named on their own in the comment ("the nurse ... Kim"), and a role word right before or after a name
("the receptionist, Maria") yields only the name. Negative mentions ("Maria was rude") are mentions too: the
caller decides which comments to scan. ``language`` is a hint only: English and Spanish words are
always both looked for, because patients mix them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from cx.redaction import CALENDAR_WORDS, EVERYDAY_WORDS, FIRST_NAMES, LAST_NAMES, fold, ordinary_word, spaced_words

NAME = "name"
ROLE = "role"

RECEPTIONIST = "receptionist"
NURSE = "nurse"
MEDICAL_ASSISTANT = "medical_assistant"
PROVIDER = "provider"
BILLING = "billing"
MANAGER = "manager"


@dataclass(frozen=True)
class TeamMember:
    user_id: int
    first_name: str
    last_name: str
    job_title: str  # cx.models.JobTitle values or ""
    nicknames: tuple[str, ...] = ()
    is_provider: bool = False


@dataclass(frozen=True)
class Mention:
    text: str  # the words in the comment ("Dr. Lee", "the receptionist")
    kind: str  # "name" | "role"
    user_ids: tuple[int, ...]  # one = a candidate; several = ambiguous; never empty


# Common nicknames: full name -> the short forms patients write. Matching goes both ways (a member called
# "Liz" is found by "Elizabeth"), and two short forms of the same name match each other.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "betsy", "eliza", "libby"),
    "michael": ("mike", "mikey", "mick"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "katherine": ("kate", "katie", "kathy", "kat", "kay"),
    "catherine": ("kate", "katie", "cathy", "cat"),
    "kathryn": ("kate", "katie", "kathy"),
    "jennifer": ("jen", "jenn", "jenny"),
    "christopher": ("chris",),
    "christina": ("chris", "tina", "chrissy"),
    "christine": ("chris", "chrissy"),
    "alexander": ("alex", "xander"),
    "alexandra": ("alex", "lexi", "sandra"),
    "alejandro": ("alex", "ale"),
    "alejandra": ("alex", "ale"),
    "daniel": ("dan", "danny"),
    "daniela": ("dani",),
    "thomas": ("tom", "tommy"),
    "margaret": ("maggie", "meg", "peggy", "marge"),
    "jose": ("pepe", "chepe"),
    "guadalupe": ("lupe", "lupita"),
    "william": ("will", "bill", "billy", "liam"),
    "james": ("jim", "jimmy", "jamie"),
    "joseph": ("joe", "joey"),
    "samantha": ("sam", "sammy"),
    "samuel": ("sam", "sammy"),
    "nicholas": ("nick", "nicky"),
    "anthony": ("tony",),
    "steven": ("steve",),
    "stephen": ("steve",),
    "david": ("dave", "davey"),
    "matthew": ("matt",),
    "andrew": ("andy", "drew"),
    "benjamin": ("ben", "benny"),
    "susan": ("sue", "susie", "suzy"),
    "pamela": ("pam",),
    "rebecca": ("becky", "becca"),
    "victoria": ("vicky", "tori"),
    "abigail": ("abby",),
    "deborah": ("deb", "debbie"),
    "patricia": ("pat", "patty", "trish", "paty"),
    "patrick": ("pat",),
    "francisco": ("paco", "pancho", "frank"),
    "ignacio": ("nacho",),
    "eduardo": ("lalo",),
    "guillermo": ("memo",),
    "jesus": ("chuy", "chucho"),
    "antonio": ("tono", "tony"),
    "dolores": ("lola",),
    "concepcion": ("concha", "conchi", "conchita"),
    "maria": ("mari",),
    "consuelo": ("chelo",),
    "rosario": ("charo",),
    "leticia": ("lety", "leti"),
    "gabriela": ("gaby", "gabi"),
    "gabriel": ("gabe",),
    "jonathan": ("jon",),
    "timothy": ("tim",),
    "kimberly": ("kim",),
    "richard": ("rick", "rich", "dick"),
    "edward": ("ed", "eddie", "ted"),
    "charles": ("charlie", "chuck"),
    "jacqueline": ("jackie",),
    "amanda": ("mandy",),
    "melissa": ("mel", "missy"),
    "natalie": ("nat",),
}

# The same name in English and Spanish: a patient may write either.
EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    ("michael", "miguel"),
    ("robert", "roberto"),
    ("joseph", "jose"),
    ("john", "juan"),
    ("william", "guillermo"),
    ("peter", "pedro"),
    ("thomas", "tomas"),
    ("james", "jaime", "diego"),
    ("stephen", "esteban"),
    ("steven", "esteban"),
    ("andrew", "andres"),
    ("charles", "carlos"),
    ("henry", "enrique"),
    ("george", "jorge"),
    ("louis", "luis"),
    ("richard", "ricardo"),
    ("edward", "eduardo"),
    ("anthony", "antonio"),
    ("alexander", "alejandro"),
    ("alexandra", "alejandra"),
    ("christopher", "cristobal"),
    ("nicholas", "nicolas"),
    ("paul", "pablo"),
    ("matthew", "mateo"),
    ("elizabeth", "isabel"),
    ("margaret", "margarita"),
    ("katherine", "catalina"),
    ("catherine", "catalina"),
    ("susan", "susana"),
    ("helen", "elena"),
    ("theresa", "teresa"),
    ("mary", "maria"),
    ("joanna", "juana"),
)

# Role words (folded: lower case, no accents) -> job title. Longest first when matching.
ROLE_WORDS: dict[str, str] = {
    # receptionist
    "receptionist": RECEPTIONIST,
    "receptionists": RECEPTIONIST,
    "front desk": RECEPTIONIST,
    "front-desk": RECEPTIONIST,
    "front desk girl": RECEPTIONIST,
    "front desk lady": RECEPTIONIST,
    "front desk ladies": RECEPTIONIST,
    "front desk person": RECEPTIONIST,
    "front desk staff": RECEPTIONIST,
    "front desk guy": RECEPTIONIST,
    "front desk woman": RECEPTIONIST,
    "front desk team": RECEPTIONIST,
    "front office": RECEPTIONIST,
    "girl at the front desk": RECEPTIONIST,
    "lady at the front desk": RECEPTIONIST,
    "woman at the front desk": RECEPTIONIST,
    "guy at the front desk": RECEPTIONIST,
    "person at the front desk": RECEPTIONIST,
    "girl at the desk": RECEPTIONIST,
    "lady at the desk": RECEPTIONIST,
    "check-in lady": RECEPTIONIST,
    "check in lady": RECEPTIONIST,
    "secretary": RECEPTIONIST,
    "recepcionista": RECEPTIONIST,
    "recepcion": RECEPTIONIST,
    "secretaria": RECEPTIONIST,
    "chica de la recepcion": RECEPTIONIST,
    "senora de la recepcion": RECEPTIONIST,
    "muchacha de la recepcion": RECEPTIONIST,
    # nurse
    "nurse": NURSE,
    "nurses": NURSE,
    "enfermera": NURSE,
    "enfermero": NURSE,
    "enfermeras": NURSE,
    # medical assistant
    "medical assistant": MEDICAL_ASSISTANT,
    "medical assistants": MEDICAL_ASSISTANT,
    "ma": MEDICAL_ASSISTANT,  # upper case only, see _CASE_SENSITIVE
    "assistant": MEDICAL_ASSISTANT,
    "asistente": MEDICAL_ASSISTANT,
    "asistente medica": MEDICAL_ASSISTANT,
    "asistente medico": MEDICAL_ASSISTANT,
    "la asistente": MEDICAL_ASSISTANT,
    # provider
    "doctor": PROVIDER,
    "doc": PROVIDER,
    "doctora": PROVIDER,
    "dermatologist": PROVIDER,
    "derm": PROVIDER,
    "provider": PROVIDER,
    "physician": PROVIDER,
    "physician assistant": PROVIDER,
    "physician's assistant": PROVIDER,
    "physician associate": PROVIDER,
    "pa": PROVIDER,  # upper case only
    "np": PROVIDER,  # upper case only
    "nurse practitioner": PROVIDER,
    "medico": PROVIDER,
    "medica": PROVIDER,
    "dermatologo": PROVIDER,
    "dermatologa": PROVIDER,
    # billing
    "billing": BILLING,
    "billing office": BILLING,
    "billing department": BILLING,
    "billing lady": BILLING,
    "billing person": BILLING,
    "facturacion": BILLING,
    "cobros": BILLING,
    # manager
    "office manager": MANAGER,
    "practice manager": MANAGER,
    "manager": MANAGER,
    "gerente": MANAGER,
    "encargada": MANAGER,
    "encargado": MANAGER,
}
_CASE_SENSITIVE = {"ma": "MA", "pa": "PA", "np": "NP"}

_SHORT_TO_FULL: dict[str, set[str]] = {}
for _full, _shorts in NICKNAMES.items():
    for _short in _shorts:
        _SHORT_TO_FULL.setdefault(_short, set()).add(_full)
_EQUIVALENT: dict[str, set[str]] = {}
for _group in EQUIVALENTS:
    for _name in _group:
        _EQUIVALENT.setdefault(_name, set()).update(n for n in _group if n != _name)

# Titles before a name: "Dr. Lee", "la doctora Lee", "Nurse Kim".
TITLES = spaced_words(
    "dr dra doc doctor doctora nurse enfermera enfermero mr mrs ms miss mx sr sra srta senor senora senorita don dona"
)
TITLE_ROLE = {
    "dr": PROVIDER,
    "dra": PROVIDER,
    "doc": PROVIDER,
    "doctor": PROVIDER,
    "doctora": PROVIDER,
    "nurse": NURSE,
    "enfermera": NURSE,
    "enfermero": NURSE,
}

# Roles nobody in a clinic's team list has: "Emma (midwife)", "Dave the therapist" is someone else's
# Emma or Dave, unless our member's job title is unknown or "other".
OTHER_ROLES: tuple[str, ...] = (
    *spaced_words(
        "midwife midwives therapist therapists physio physios physiotherapist physiotherapists cpn hca "
        "counsellor counselor psychologist psychiatrist pharmacist dentist paramedic student trainee carer "
        "volunteer porter cleaner surgeon consultant matron sonographer radiographer optician chaplain "
        "dietitian dietician phlebotomist partera terapeuta fisioterapeuta psicologa psicologo "
        "estudiante farmaceutica farmaceutico dentista cuidadora cuidador"
    ),
    *("support worker", "social worker", "key worker", "care coordinator", "mental health worker"),
    *("health visitor", "occupational therapist", "care assistant", "healthcare assistant"),
    *("health care assistant", "trabajadora social", "trabajador social", "bed manager", "ward manager"),
)

RELATIONS = spaced_words(
    "husband wife son daughter friend friends boyfriend girlfriend partner fiance fiancee mom mum mother "
    "dad father sister brother aunt uncle cousin niece nephew grandson granddaughter grandma grandpa "
    "grandmother grandfather kid kids child baby neighbour neighbor coworker colleague boss roommate "
    "esposo esposa marido hijo hija amigo amiga mama madre papa padre hermano hermana tia tio primo prima "
    "sobrino sobrina nieto nieta abuela abuelo vecino vecina novio novia suegra suegro companero companera"
)

# Clauses about another practice: their names and role words are not this team's.
_OTHER_PRACTICE = re.compile(
    r"\b(?:(?:another|other|different|previous|prior|former|old|last|past|regular|usual)\s+"
    r"(?:clinic|clinics|office|offices|practice|practices|dermatologist|dermatologists|derm|doctor|doctors|"
    r"provider|providers|place|places|location|practice's|dermatology|dr|doc|pcp)"
    r"|used to (?:go|see)|before i (?:came|switched|found|started)|elsewhere|urgent care|emergency room|the er\b"
    r"|otra clinica|otras clinicas|otro consultorio|otra oficina|otro lugar|otro doctor|otra doctora"
    r"|otro dermatologo|otra dermatologa|otro medico|mi antiguo|mi antigua|mi anterior|anterior (?:doctor|doctora|"
    r"dermatologo|dermatologa|clinica|consultorio)|urgencias|antes iba)\b"
)
_HERE = re.compile(
    r"\b(?:here|this (?:office|clinic|practice|place|team)|your (?:office|clinic|practice|team)|aqui|aca|"
    r"este consultorio|esta clinica|esta oficina|ustedes)\b"
)
_CONTRAST = re.compile(r"\b(?:but|however|whereas|pero|sin embargo|mientras que|now|ahora)\b")
_COMPARE = re.compile(r"^\s*(?:than|unlike|compared to|compared with|que|a diferencia de|comparado con)\b")

_COMPARE_ANYWHERE = re.compile(r"\b(?:than|unlike|compared to|compared with|a diferencia de|comparado con)\b")

# Words, hyphenated names ("Brennan-Walsh") kept whole: a double-barrelled name is not its halves.
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?;\n]+(?:\s|$)|\s+-\s+")


@dataclass
class _Found:
    start: int
    end: int
    text: str
    kind: str
    user_ids: tuple[int, ...]


@dataclass(frozen=True)
class _Token:
    start: int
    end: int  # without a possessive "'s"
    raw: str  # the word as written, without a possessive "'s"
    key: str  # folded
    possessive: bool  # "Brown's"

    @property
    def capitalised(self) -> bool:
        return self.raw[:1].isupper()


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _WORD.finditer(text):
        raw = match.group()
        possessive = False
        for suffix in ("'s", "’s", "'S", "’S"):
            if raw.endswith(suffix) and len(raw) > len(suffix):
                raw, possessive = raw[: -len(suffix)], True
                break
        tokens.append(_Token(match.start(), match.start() + len(raw), raw, fold(raw), possessive))
    return tokens


def _variant(name: str) -> str:
    """A spelling key: Sarah/Sara, Stephanie/Stefanie, Catherine/Katherine, Christina/Cristina,
    Jennifer/Jenifer share one."""
    key = fold(name).replace("'", "")
    key = key.replace("chr", "kr").replace("ph", "f").replace("th", "t").replace("y", "i").replace("z", "s")
    if key.startswith(("ca", "co", "cu", "cr", "cl")):
        key = "k" + key[1:]
    key = re.sub(r"(.)\1+", r"\1", key)
    if len(key) > 3 and key.endswith("h"):
        key = key[:-1]
    return key


def _one_edit(a: str, b: str) -> str:
    """How ``a`` and ``b`` differ when they differ by one edit: "same", "indel:<letter>", "swap", "sub",
    or "" when they are further apart (optimal string alignment, a neighbour swap counting as one)."""
    if a == b:
        return "same"
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return ""
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return "sub"
        if i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]:
            return "swap"
        return ""
    if la > lb:
        return f"indel:{a[i]}" if a[i + 1 :] == b[i:] else ""
    return f"indel:{b[i]}" if a[i:] == b[i + 1 :] else ""


OTHER = "other"
_SAFE_EDITS = frozenset({"indel:a", "indel:e", "indel:i", "indel:o", "indel:u", "indel:h"})
MIN_FUZZY_LENGTH = 6


class _Team:
    """Lookups from folded words to members."""

    def __init__(self, team: Sequence[TeamMember]) -> None:
        self.members = list(team)
        self.first: dict[str, set[int]] = {}
        self.last: dict[str, set[int]] = {}
        self.first_variant: dict[str, set[int]] = {}
        self.last_variant: dict[str, set[int]] = {}
        for member in team:
            aliases: set[str] = set()
            for word in _WORD.findall(member.first_name):
                aliases |= name_aliases(word)
            for nickname in member.nicknames:
                for word in _WORD.findall(nickname):
                    aliases.add(fold(word))
            for alias in aliases:
                self.first.setdefault(alias, set()).add(member.user_id)
                self.first_variant.setdefault(_variant(alias), set()).add(member.user_id)
            for word in _WORD.findall(member.last_name):
                # A member's double-barrelled surname is found whole or by either half.
                for key in {fold(word), *(fold(part) for part in word.split("-"))}:
                    if len(key) > 1:
                        self.last.setdefault(key, set()).add(member.user_id)
                        self.last_variant.setdefault(_variant(key), set()).add(member.user_id)

    def exact(self, key: str) -> set[int]:
        return self.first.get(key, set()) | self.last.get(key, set())

    def only_surname(self, key: str) -> bool:
        return key not in self.first and _variant(key) not in self.first_variant

    def variant(self, key: str) -> set[int]:
        v = _variant(key)
        return self.first_variant.get(v, set()) | self.last_variant.get(v, set())

    def fuzzy(self, key: str, *, known_name: bool) -> set[int]:
        """Members one typo away from ``key``: the longer of the two six letters or more, the shorter
        five, starting with the same letter as ``key`` (Carer is not Karen); for a word that is itself a
        first name, only a first name with a vowel or an "h" more or less."""
        found: set[int] = set()
        if len(key) < 5:
            return found
        v = _variant(key)
        for table in (self.first,) if known_name else (self.first, self.last):
            for name, ids in table.items():
                if max(len(name), len(key)) < MIN_FUZZY_LENGTH or min(len(name), len(key)) < 5 or name[0] != key[0]:
                    continue
                edit = _one_edit(v, _variant(name))
                if edit and edit != "same" and (not known_name or edit in _SAFE_EDITS):
                    found |= ids
        return found

    def could_hold(self, ids: set[int], role: str) -> set[int]:
        """Those of ``ids`` who may be called ``role`` (a job title, or OTHER for a role no team list has):
        the holders of that title, and members whose job title is not known."""
        allowed = {"", "other"} if role == OTHER else {"", role}
        return {
            m.user_id
            for m in self.members
            if m.user_id in ids and (m.job_title in allowed or (role == PROVIDER and m.is_provider))
        }

    def surname(self, key: str, ids: set[int]) -> set[int]:
        """Those of ``ids`` whose last name is ``key`` (or a spelling variant of it)."""
        return (self.last.get(key, set()) | self.last_variant.get(_variant(key), set())) & ids

    def holders(self, title: str) -> list[TeamMember]:
        return [m for m in self.members if m.job_title == title or (title == PROVIDER and m.is_provider)]


def name_aliases(first_name: str) -> set[str]:
    """The folded forms a patient may write for ``first_name``: itself, its nicknames, its full form
    when it is a nickname, and its English/Spanish equivalent (Michael/Miguel)."""
    key = fold(first_name)
    fulls = {key} | _SHORT_TO_FULL.get(key, set())
    fulls |= {e for f in fulls for e in _EQUIVALENT.get(f, ())}
    aliases = set(fulls)
    for full in fulls:
        aliases.update(NICKNAMES.get(full, ()))
    return aliases


def _excluded_ranges(text: str, folded: str) -> list[tuple[int, int]]:
    """Character ranges of clauses about another practice (see the module docstring)."""
    ranges: list[tuple[int, int]] = []
    pos = 0
    for end_match in [*_SENTENCE_END.finditer(folded), None]:
        end = end_match.start() if end_match else len(folded)
        sentence_start = pos
        pos = end_match.end() if end_match else len(folded)
        # Parts: split at commas and at contrast words (which also bring the clause back here).
        segment = folded[sentence_start:end]
        relative = (
            {0, len(segment)}
            | {m.start() for m in re.finditer(r",", segment)}
            | {m.start() for m in _CONTRAST.finditer(segment)}
            | {m.start() for m in _COMPARE_ANYWHERE.finditer(segment)}
        )
        cuts = sorted(sentence_start + c for c in relative)
        elsewhere = False
        for a, b in zip(cuts, cuts[1:], strict=False):
            part = folded[a:b].lstrip(", ")
            if _CONTRAST.match(part):
                elsewhere = False
            comparing = _COMPARE.match(part) is not None
            if _HERE.search(part) and not _OTHER_PRACTICE.search(part):
                elsewhere = False
                continue
            if _OTHER_PRACTICE.search(part):
                ranges.append((a, b))
                elsewhere = not comparing
            elif elsewhere:
                ranges.append((a, b))
    return ranges


def _inside(ranges: list[tuple[int, int]], start: int) -> bool:
    return any(a <= start < b for a, b in ranges)


_ROLE_PATTERN = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(ROLE_WORDS, key=len, reverse=True))
    + r")(?![\w])"
)
_NOT_A_PERSON_AFTER = re.compile(
    r"^(?:'s|’s|s'|\s+(?:office|appointment|appointments|visit|visits|note|notes|orders?))\b"
)
_GENERIC_BEFORE = re.compile(
    r"\b(?:another|other|any|every|all|some|no|new|old|previous|former|otro|otra|otros|otras|cualquier|"
    r"ningun|ninguna|nuevo|nueva)\s+$"
)


def find_mentions(
    text: str,
    *,
    team: Sequence[TeamMember],
    on_duty: Collection[int] = (),
    patient_names: Sequence[str] = (),
    language: str | None = None,
) -> list[Mention]:
    """The team members ``text`` mentions, by name or by role (see the module docstring)."""
    del language  # both languages are always looked for
    index = _Team(team)
    folded = _fold_keep_offsets(text)
    excluded = _excluded_ranges(text, folded)
    patient = {fold(w) for name in patient_names for w in _WORD.findall(name or "") if len(w) > 1}
    tokens = _tokens(text)
    cased = _uses_case(text)
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []

    i = 0
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        # Title + name: "Dr. Lee", "la doctora Lee", "Nurse Kim". A title with someone else's name is nobody.
        if (
            token.key in TITLES
            and nxt is not None
            and _gap_ok(text, token, nxt, allow_dot=True)
            and (nxt.capitalised or nxt.key in index.first or nxt.key in index.last)
        ):
            end, ids, used = _resolve_name(index, tokens, i + 1, text, patient, titled=True)
            if ids and token.key in TITLE_ROLE:
                # "Dr. Ruiz" is a provider: never the medical assistant called Ruiz; "Nurse Maria" a nurse.
                ids = index.could_hold(ids, TITLE_ROLE[token.key])
            ids = _restrict_by_role(index, ids, folded, text, token.start, end, taken)
            if ids and not _inside(excluded, token.start):
                begin = _with_article(folded, token.start, titles_only=True)
                found.append(_Found(begin, end, text[begin:end], NAME, _ids(ids)))
            taken.append((token.start, end))
            i += 1 + used
            continue
        if i > 0 and tokens[i - 1].key in RELATIONS and _gap_ok(text, tokens[i - 1], token, allow_comma=True):
            # "my husband Mike", "my wife, Joy", "mi hija Sofía": a relative, and their surname with them.
            skip = 2 if nxt is not None and nxt.capitalised and _gap_ok(text, token, nxt) else 1
            if token.capitalised or token.key in FIRST_NAMES:
                taken.append((token.start, tokens[i + skip - 1].end))
                i += skip
                continue
        if token.key in patient:
            end = token.end
            if nxt is not None and nxt.key in patient and _gap_ok(text, token, nxt):
                end = nxt.end
                i += 1
            taken.append((token.start, end))
            i += 1
            continue
        if _is_name_candidate(token, nxt, text, cased=cased):
            end, ids, used = _resolve_name(index, tokens, i, text, patient, titled=False)
            if ids and _not_a_person_here(tokens, i, used, text, folded, index, cased=cased):
                ids = set()
            ids = _restrict_by_role(index, ids, folded, text, token.start, end, taken)
            if ids and not _inside(excluded, token.start):
                found.append(_Found(token.start, end, text[token.start : end], NAME, _ids(ids)))
            if ids or used > 1:
                taken.append((token.start, end))
            i += max(used, 1)
            continue
        i += 1

    other_roles = [(m.start(), m.end()) for m in _OTHER_ROLE_PATTERN.finditer(folded)]
    for role in _ROLE_PATTERN.finditer(folded):
        start, end = role.start(), role.end()
        word = re.sub(r"\s+", " ", role.group())
        if word in _CASE_SENSITIVE and text[start:end] != _CASE_SENSITIVE[word]:
            continue
        if any(a < end and start < b for a, b in [*taken, *other_roles]) or _inside(excluded, start):
            continue  # part of a name, or of a role no team has ("bed manager", "healthcare assistant")
        if _NOT_A_PERSON_AFTER.match(folded[end:]) or _GENERIC_BEFORE.search(folded[max(0, start - 20) : start]):
            continue
        if word in _PLACE_ROLES and _PLACE_AFTER.match(folded[end:]):
            continue  # "the front desk was closed": the desk, not a person
        if word in _ADJECTIVE_ROLES and not _DETERMINER_BEFORE.search(folded[max(0, start - 12) : start]):
            continue  # "la asistente médica", "atención médica": an adjective
        begin = _with_article(folded, start)
        if _apposed_name(tokens, text, begin, end, index, cased=cased):
            continue  # "Sharon the receptionist", "Mandy (receptionist)": the name says who, and it's not ours
        holders = _role_holders(index, ROLE_WORDS[word], on_duty)
        if not holders:
            continue
        found.append(_Found(begin, end, text[begin:end], ROLE, holders))

    return _merge(found, text)


def _uses_case(text: str) -> bool:
    """Whether the writer capitalises names: not when the comment is all lower case or all capitals."""
    letters = [ch for ch in text if ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters)
    if not upper or upper > 0.6 * len(letters):
        return False
    return re.search(r"(?:^|\s)i(?:'m|'ve|’m)?\s", text) is None  # a lower-case "i": a writer who doesn't


_ARTICLES = r"(?:the|our|my|your|a|an|la|el|mi|su|nuestra|nuestro|una|un)"
_ROLE_ALTERNATIVES = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted((*ROLE_WORDS, *OTHER_ROLES), key=len, reverse=True)
)
_OTHER_ROLE_PATTERN = re.compile(
    r"(?<![\w'])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in OTHER_ROLES) + r")(?!\w)"
)
# A role right after a name: "Emma (midwife)", "Dave the therapist", "Maria, our receptionist", "Lynda CPN",
# "Emma, who is a student", "Maria at the front desk".
_ROLE_AFTER_NAME = re.compile(
    rf"(?:[ \t]*[,(][ \t]*|[ \t]+)(?:who is[ \t]+|who's[ \t]+|que es[ \t]+|at[ \t]+)?(?:{_ARTICLES}[ \t]+)?"
    rf"({_ROLE_ALTERNATIVES})(?!\w)"
)
# ...or right before it: "nurses Karen", "my support worker Karen", "the receptionist, Maria".
_ROLE_BEFORE_NAME = re.compile(rf"(?<![\w'])({_ROLE_ALTERNATIVES})[ \t]*[,(:]?[ \t]*$")
_PLACE_ROLES = frozenset({"front desk", "front-desk", "front office", "recepcion", "billing", "billing office"})
_PLACE_AFTER = re.compile(
    r"^(?:\s+(?:was|is|were|are|estaba|esta)\s+(?:closed|open|shut|empty|unmanned|unattended|busy|cerrada|"
    r"cerrado|abierta|abierto|vacia|vacio)|\s+(?:area|window|counter|line|queue|phone|number|hours|desk))\b"
)
_ADJECTIVE_ROLES = frozenset({"medico", "medica"})
_DETERMINER_BEFORE = re.compile(
    r"(?:^|\b)(?:el|la|un|una|mi|su|del|al|este|esta|nuestro|nuestra|otro|otra|los|las)\s+$|^\s*$"
)


def _restrict_by_role(
    index: _Team, ids: set[int], folded: str, text: str, start: int, end: int, taken: list[tuple[int, int]]
) -> set[int]:
    """``ids`` narrowed by a role said right next to the name ("Emma (midwife)", "nurses Karen"); that role
    word is then part of the name's mention (added to ``taken``)."""
    if not ids:
        return ids
    after = _ROLE_AFTER_NAME.match(folded, end)
    before = _ROLE_BEFORE_NAME.search(folded[max(0, start - 40) : start])
    for match, offset in ((after, 0), (before, max(0, start - 40))):
        if match is None:
            continue
        word = re.sub(r"\s+", " ", match.group(1))
        if word in _CASE_SENSITIVE and text[offset + match.start(1) : offset + match.end(1)] != _CASE_SENSITIVE[word]:
            continue
        taken.append((offset + match.start(1), offset + match.end(1)))
        ids = index.could_hold(ids, ROLE_WORDS.get(word, OTHER))
    return ids


def _not_a_person_here(
    tokens: list[_Token], i: int, used: int, text: str, folded: str, index: _Team, *, cased: bool
) -> bool:
    """The name at ``tokens[i]`` is not one of ours here: part of a brand ("Johnson & Johnson"), a holiday
    or place after a plural article ("Todos los Santos"), or our surname after another first name
    ("Jen Thompson" when ours is Sarah Thompson)."""
    token = tokens[i]
    last = tokens[i + used - 1]
    after = re.match(r"\s*&\s*([^\W\d_]+)", text[last.end :])
    before = re.search(r"([^\W\d_]+)\s*&\s*$", text[: token.start])
    for partner in (after, before):
        # "Johnson & Johnson", "Procter & Gamble": a firm; "Hayley & Michael" are two people.
        if partner and fold(partner.group(1)) not in FIRST_NAMES and token.key not in FIRST_NAMES:
            return True
    if re.search(r"(?:^|\s)(?:los|las)\s+$", folded[: token.start]):
        return True
    if used == 1 and i > 0 and token.key in index.last and token.key not in index.first:
        previous = tokens[i - 1]
        if (
            _gap_ok(text, previous, token)
            and previous.key not in index.first
            and previous.key not in TITLES
            and previous.key not in RELATIONS
            and (previous.capitalised or not cased)
            and not (cased and previous.raw.isupper())  # "MA Johnson": a role, not a first name
            and (previous.key in FIRST_NAMES or (cased and not ordinary_word(previous.raw)))
            and len(previous.key) > 1
        ):
            return True
    return False


def _apposed_name(tokens: list[_Token], text: str, begin: int, end: int, index: _Team, *, cased: bool) -> bool:
    """A name stands right next to the role word at ``begin:end`` ("Sharon the receptionist", "the nurse,
    Kim", "Sarah at the front desk"), so the role word is about that person."""
    for token in tokens:
        if (
            token.end <= begin
            and re.fullmatch(r"[ \t]*[,(]?[ \t]*(?:at[ \t]+)?", text[token.end : begin])
            and not token.possessive
            and _name_like(token, text, index, cased=cased, apposed=bool(re.search(r"[,(]", text[token.end : end])))
        ):
            return True
        if token.start >= end and re.fullmatch(
            r"[ \t]*(?:[,(:][ \t]*|[ \t]+(?:named|called|llamad[ao])[ \t]+)?", text[end : token.start], re.IGNORECASE
        ):
            return _name_like(token, text, index, cased=cased)
    return False


def _name_like(token: _Token, text: str, index: _Team, *, cased: bool, apposed: bool = False) -> bool:
    """``token`` looks like a person's name; a first name that is also an ordinary word ("Gloria", "Will")
    at the start of a sentence only when ``apposed`` (set off by a comma or a bracket)."""
    key = token.key
    if len(key) < 2 or key in TITLES or key in ROLE_WORDS or key in CALENDAR_WORDS or key in RELATIONS:
        return False
    known = key in FIRST_NAMES or key in index.first or key in index.last
    if not cased:
        return known and not ordinary_word(token.raw)
    if not token.capitalised or (token.raw.isupper() and len(token.raw) <= 3):
        return False
    if _sentence_start(text, token.start) and ordinary_word(token.raw) and not (apposed and known):
        return False  # "Young lady at the desk"
    return known or not ordinary_word(token.raw)


def _fold_keep_offsets(text: str) -> str:
    out = []
    for ch in text:
        f = fold(ch)
        out.append(f if len(f) == 1 else ch.lower() if len(ch.lower()) == 1 else " ")
    return "".join(out)


def _with_article(folded: str, start: int, *, titles_only: bool = False) -> int:
    """Where the mention starts with its article: "the receptionist", "la doctora Lee" (a title takes
    only the Spanish article: "the Dr. Lee" is not written)."""
    if titles_only:
        before = re.search(r"\b(?:la|el)\s+$", folded[:start])
        return before.start() if before else start
    before = re.search(r"(?:\b(?:the|our|my|your|a|la|el|los|las|una|un|mi|su|nuestra|nuestro)\s+)$", folded[:start])
    return before.start() if before else start


def _is_name_candidate(token: _Token, nxt: _Token | None, text: str, *, cased: bool) -> bool:
    if len(token.key) < 2:
        return False
    if token.key in _MODALS and _sentence_start(text, token.start) and not _modal_is_a_name(token, nxt, text):
        return False  # "Will definitely come back", "May I say..."
    if cased:
        # A name is written with a capital: "walker" (a walking aid) is not Mr Walker.
        return token.capitalised and not (token.raw.isupper() and len(token.raw) <= 3)  # not "MA", "OK"
    return token.key not in EVERYDAY_WORDS and token.key not in _LOWER_COMMON and not ordinary_word(token.raw)


_FINITE_AFTER_A_NAME = spaced_words(
    "was is has had did does were and said says told took gave made helped explained listened called"
)


def _modal_is_a_name(token: _Token, nxt: _Token | None, text: str) -> bool:
    """ "Will was great", "Will Turner helped", "Will, thank you": a name, not the verb."""
    gap = text[token.end : nxt.start] if nxt else text[token.end :]
    if gap.strip()[:1] in (",", "!", ")"):
        return True
    if nxt is None or gap != " ":
        return False
    if nxt.capitalised and nxt.raw != "I":
        return True
    return nxt.key in _FINITE_AFTER_A_NAME or (nxt.key.endswith("ed") and not nxt.key.endswith("eed"))


_MODALS = spaced_words("will may might can could would should must")

# Lower-case words that are also names of people somewhere; a lower-case one is the word, not the name.
_LOWER_COMMON = spaced_words(
    "will may bill mark frank guy art pat sue rob jack chase hunter love best day park long young king hall "
    "dawn grace joy hope faith rose ivy iris ruby amber dean drew gene grant jean lane max miles price "
    "rich ray sky sol wade win lee kim con sin mar paz luz flor angel angeles dolores mercedes santos cruz "
    "blanca rosa victoria esperanza consuelo amparo pilar rocio gloria reyes leon rey brooks stein wood"
)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'“‘(¡¿*-–—")
    return not before or before[-1] in ".!?\n:;"


def _gap_ok(text: str, first: _Token, second: _Token, *, allow_dot: bool = False, allow_comma: bool = False) -> bool:
    gap = text[first.end : second.start]
    if first.possessive:
        return False
    if allow_dot:
        return gap in (" ", ". ", ".", "\u00a0")
    if allow_comma:
        return gap in (" ", ", ")
    return gap == " "


def _resolve_name(
    index: _Team, tokens: list[_Token], i: int, text: str, patient: set[str], *, titled: bool
) -> tuple[int, set[int], int]:
    """(end of the name, members it names, tokens used) for the name starting at ``tokens[i]``."""
    token = tokens[i]
    key = token.key
    if key in patient:
        return token.end, set(), 1
    ids = index.exact(key)
    if not ids:
        ids = index.variant(key)
    if not ids and token.capitalised and not ordinary_word(token.raw) and key not in LAST_NAMES:
        # A typo in a capitalised word that is not an ordinary word; a word that is itself a first name
        # only differs from ours by a vowel or an "h" (Rachael/Rachel, never Mario/Maria nor Davis/Davies).
        ids = index.fuzzy(key, known_name=key in FIRST_NAMES)
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if ids and nxt is not None and len(nxt.raw) == 1 and nxt.raw.isupper() and _gap_ok(text, token, nxt):
        # "Maria S.": the initial of the surname says which Maria, when it does.
        initial = {m.user_id for m in index.members if m.user_id in ids and fold(m.last_name)[:1] == nxt.key}
        return nxt.end, initial or ids, 2
    if nxt is not None and (nxt.capitalised or not token.capitalised) and _gap_ok(text, token, nxt):
        if ids and nxt.key in patient:
            return token.end, ids, 1  # "Daniel Lee" from a patient called Lee: Daniel, and Lee is theirs
        if ids:
            both = index.surname(nxt.key, ids)
            if both:
                return nxt.end, both, 2
            if (
                (nxt.key in LAST_NAMES or not ordinary_word(nxt.raw))
                and nxt.key not in EVERYDAY_WORDS
                and nxt.key not in CALENDAR_WORDS
                and nxt.key not in index.first
                and nxt.key not in TITLES
                and nxt.key not in ROLE_WORDS
                and not nxt.raw.isupper()
            ):
                # "Sarah Jones" when our Sarah is Sarah Kim, "Kim Kardashian": someone else.
                return nxt.end, set(), 2
        elif nxt.key in patient:
            return nxt.end, set(), 2
    if ids and not titled and key in EVERYDAY_WORDS and index.only_surname(key) and _sentence_start(text, token.start):
        # A surname that is also an everyday word, capitalised only because it starts the sentence ("Hall
        # was clean"), needs a title or a first name.
        return token.end, set(), 1
    return token.end, ids, 1


def _role_holders(index: _Team, title: str, on_duty: Collection[int]) -> tuple[int, ...]:
    holders = index.holders(title)
    duty = [m for m in holders if m.user_id in on_duty]
    if len(duty) == 1:
        return (duty[0].user_id,)
    if len(duty) > 1:
        return _ids(m.user_id for m in duty)
    return _ids(m.user_id for m in holders)


def _ids(ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(set(ids)))


def _merge(found: list[_Found], text: str) -> list[Mention]:
    found.sort(key=lambda f: f.start)
    # A role word right before a name ("the receptionist, Maria"): the name says who.
    kept: list[_Found] = []
    for n, item in enumerate(found):
        following = found[n + 1] if n + 1 < len(found) else None
        if (
            item.kind == ROLE
            and following is not None
            and following.kind == NAME
            and re.fullmatch(r"[\s,:(-]*(?:named|called|llamad[ao])?[\s,:(-]*", text[item.end : following.start])
        ):
            continue
        kept.append(item)
    singles = {f.user_ids[0] for f in kept if len(f.user_ids) == 1}
    mentions: list[Mention] = []
    seen: set[tuple[int, ...]] = set()
    for item in kept:
        ids = item.user_ids
        if len(ids) > 1 and singles & set(ids):
            continue
        if ids in seen:
            continue
        seen.add(ids)
        mentions.append(Mention(text=item.text, kind=item.kind, user_ids=ids))
    return mentions
