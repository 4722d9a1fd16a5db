"""Spanish patient comments: a hand-written lexicon, negation, intensifiers and touch points (pure Python, no Django).

The English analyser (``lexicon.py`` + the trained model) knows no Spanish, and no labelled Spanish patient comments
ship with the repository, so the Spanish path is a lexicon method in the manner of VADER, needing no training:

1. **Clauses**: ``clauses.split_clauses(text, "es")`` (sentences, then "pero", "sin embargo", "aunque", "excepto",
   "menos"..., see ``clauses.py``).
2. **Words and phrases** (``WORDS``, ``PHRASES``): each clause is lower-cased and *folded* (accents and tildes
   dropped: "esperé" and "espere", "atención" and "atencion", "Dra. Núñez" and "dra. nunez" read the same), then
   phrases are matched first (the longest at each place wins, and their words are not counted again), then single
   words. Valences use VADER's -4..4 scale. ``WORDS`` keys ending in ``*`` are adjectives whose other forms are
   generated: "-o" gives -o/-a/-os/-as, "-e" gives -e/-es, "-z" gives -ces, another consonant gives -es. A word
   ending in "-ísimo" that is not listed takes its base word's valence, boosted ("rapidísimo", "carísimo").
3. **Intensifiers** (``BOOSTERS``): "muy", "súper", "bastante", "demasiado", "mucho", "tan", "totalmente"... up to
   three words before a sentiment word add VADER's 0.293 (less with distance); "un poco", "algo", "medio", "casi"
   take it away; "mucho"/"muchísimo"/"demasiado"/"bastante" right after the word boost it too ("me gustó mucho",
   "tardaron demasiado"); "bien" right before a sentiment word is an intensifier, not praise ("bien grosera").
4. **Negation** (``NEGATORS``): "no", "nunca", "jamás", "ni", "tampoco", "sin", "nadie", "ningún/ninguna",
   "nada", "poco" (but "un poco" is a diminisher), "falta/faltó" within three words before a word or phrase (object
   pronouns such as "me", "lo", "le" are not counted, so "no me lo explicaron" reaches "explicaron"; a comma ends
   the window) flips and dampens it (x -0.74, as VADER). "Nada" right before a word also intensifies
   ("nada amable"). "Sin embargo", "sin duda", "no obstante", "no solo" do not negate. A phrase that contains its
   own negation ("nunca me llamaron", "no lo recomiendo") carries its own valence and is not flipped again.
5. **Scores**: a clause's raw sum ``s`` becomes ``s / sqrt(s*s + 15)`` (VADER's normalisation, -1..1). The comment's
   raw sum weights its clauses as VADER weights words around "but": a clause opened by an adversative ("pero",
   "sin embargo", "lo malo", ...) counts 1.5 and the clauses before it in the same sentence 0.5; a clause opened by
   a concession ("aunque", "a pesar de", "si bien") counts 0.5.
6. **Touch points** (``TOUCHPOINTS``): Spanish keywords for the same eight touch points as ``touchpoints.py``,
   matched per clause on folded text at word boundaries.

``detect_language`` guesses "es" or "en" from common function words and Spanish-only marks (English when unsure).

Limits: the lexicon was written by the team for US outpatient comments in Spanish (Mexican and Central American
wording included: "aseguranza", "la muchacha de la entrada", "tardado"); it has not been evaluated on real
labelled Spanish comments because none ship. Sarcasm, irony and long-range references are not resolved; words
for what the patient *has* (dolor, cáncer, enfermo) are left out on purpose. To extend it, add a word to
``WORDS`` or a phrase to ``PHRASES`` (with accents or without: both are folded) and a case to
``feedback/comments/tests/test_spanish.py``.
"""

import math
import re
from bisect import bisect_left
from dataclasses import dataclass

from .clauses import split_clauses
from .touchpoints import NAMES

_FOLD = str.maketrans("áéíóúüñàèìòùâêîôûäëïö", "aeiouunaeiouaeiouaeio")
_TOKEN_RE = re.compile(r"[a-z0-9]+")
_ALPHA = 15.0  # VADER's normalisation constant
_B = 0.293  # VADER's booster increment
_NEGATION = -0.74  # VADER's negation scalar


def fold(text: str) -> str:
    """Lower-cased text without accents or tildes ("Atención" -> "atencion", "año" -> "ano")."""
    return text.lower().translate(_FOLD)


# --- words ---------------------------------------------------------------------------------------------------------
# Valence on VADER's -4..4 scale. Written with accents for reading; keys are folded when the module loads. A key
# ending in "*" also gives the other forms of the adjective (see the module docstring).
# fmt: off
WORDS = {
    # overall judgement
    "excelente*": 3.0, "excelencia": 2.5, "excepcional*": 3.0, "bueno*": 1.9, "buen": 1.9, "bien": 1.6,
    "mejor*": 2.0, "genial*": 3.0, "maravilloso*": 3.2, "maravilla": 3.0, "fantástico*": 3.0, "increíble*": 2.2,
    "estupendo*": 3.0, "perfecto*": 2.8, "perfectamente": 2.4, "extraordinario*": 3.0, "magnífico*": 3.0,
    "espectacular*": 2.8, "impecable*": 2.8, "óptimo*": 2.2, "satisfactorio*": 1.6, "correcto*": 0.8,
    "malo*": -2.2, "mal": -1.8, "pésimo*": -3.0, "terrible*": -2.8, "horrible*": -2.8, "espantoso*": -2.8,
    "fatal*": -2.5, "desastre": -2.8, "desastroso*": -2.8, "deficiente*": -2.0, "lamentable*": -2.3,
    "peor*": -2.5, "mediocre*": -1.8, "regular*": -0.6, "vergüenza": -2.3, "vergonzoso*": -2.5,
    "inaceptable*": -2.5, "inadmisible*": -2.5, "ridículo*": -2.0, "absurdo*": -1.8, "injusto*": -2.0,
    "indignante*": -2.5,
    # feelings about the visit
    "gracias": 1.8, "agradecido*": 2.0, "agradezco": 2.0, "agradecemos": 2.0, "feliz*": 2.2, "contento*": 2.2,
    "satisfecho*": 2.0, "encantado*": 2.4, "encanta": 2.4, "encantó": 2.4, "encantaron": 2.4, "gusta": 1.5,
    "gustó": 1.6, "gustaron": 1.6, "tranquilo*": 1.0, "tranquilidad": 1.4, "confianza": 1.6, "alivio": 1.2,
    "seguridad": 1.0, "calma": 1.0, "recomiendo": 2.0, "recomendaría": 2.0, "recomendamos": 2.0,
    "recomendado*": 1.8, "recomendable*": 1.8, "recomendar": 1.5, "volveré": 1.5, "regresaré": 1.5,
    "decepción": -2.2, "decepcionado*": -2.2, "decepcionante*": -2.2, "decepcionó": -2.2, "desilusión": -2.0,
    "frustrante*": -2.0, "frustrado*": -2.0, "frustración": -1.8, "molesto*": -1.6, "molestó": -1.6,
    "enojado*": -1.8, "enojo": -1.6, "coraje": -1.5, "indignado*": -2.3, "insatisfecho*": -2.0, "triste*": -1.2,
    "incómodo*": -1.5, "incomodidad": -1.3, "preocupado*": -0.6, "nervioso*": -0.4, "desesperante*": -2.2,
    "humillante*": -2.5, "humillado*": -2.5, "ignorado*": -2.2, "abandonado*": -2.0, "olvidado*": -1.6,
    # how staff and providers treated the patient
    "amable*": 2.4, "amabilidad": 2.4, "amablemente": 2.2, "atento*": 2.2, "atenciones": 1.5, "cordial*": 2.0,
    "cortés*": 2.0, "educado*": 1.8, "respetuoso*": 2.0, "respeto": 1.5, "cariñoso*": 2.3, "cariño": 1.8,
    "cálido*": 2.0, "calidez": 2.2, "gentil*": 2.2, "simpático*": 2.2, "agradable*": 2.2, "acogedor*": 2.0,
    "comprensivo*": 2.0, "humano*": 1.2, "empático*": 2.2, "empatía": 2.0, "servicial*": 2.2, "dispuesto*": 1.2,
    "paciencia": 1.6, "dedicación": 1.8, "dedicado*": 1.6, "profesional*": 1.8, "profesionalismo": 2.0,
    "profesionalmente": 1.6, "eficiente*": 2.0, "eficiencia": 1.8, "eficaz*": 1.8, "organizado*": 1.4,
    "minucioso*": 2.0, "detallado*": 1.5, "cuidadoso*": 1.8, "cuidado": 1.0, "capacitado*": 1.8,
    "competente*": 1.6, "experto*": 1.5, "conocedor*": 1.6, "claro*": 1.2, "claramente": 1.2, "útil*": 1.5,
    "ayuda": 1.0, "ayudó": 1.5, "ayudaron": 1.5, "ayudar": 0.8, "ayudarme": 1.2, "resolvió": 1.5,
    "resolvieron": 1.5, "solucionaron": 1.5, "solucionó": 1.5, "explicó": 1.0, "explicaron": 1.0,
    "explicación": 0.8, "explicaciones": 0.8, "explicarme": 0.8, "escuchó": 1.2, "escucharon": 1.2,
    "escucha": 0.8, "bendición": 2.0, "ángel*": 2.5, "joya": 2.2, "lindo*": 1.8, "bello*": 1.5,
    "grosero*": -2.5, "grosería": -2.5, "groserías": -2.5, "maleducado*": -2.5, "descortés*": -2.2,
    "irrespetuoso*": -2.5, "prepotente*": -2.4, "prepotencia": -2.4, "arrogante*": -2.2, "déspota*": -2.5,
    "altanero*": -2.2, "antipático*": -2.0, "pedante*": -1.8, "seco*": -1.0, "cortante*": -1.6, "gritó": -2.0,
    "gritaron": -2.0, "regañó": -2.0, "regañaron": -2.0, "humilló": -2.5, "ignoró": -2.2, "ignoraron": -2.2,
    "negligente*": -2.8, "negligencia": -2.8, "incompetente*": -2.5, "incompetencia": -2.5, "inútil*": -2.2,
    "descuidado*": -2.0, "desinteresado*": -1.8, "indiferente*": -1.8, "frío*": -1.0, "apurado*": -1.8,
    "apresurado*": -1.8, "prisa": -1.0, "impaciente*": -1.6, "malhumorado*": -2.0, "mentira": -2.0,
    "mintieron": -2.2, "engañaron": -2.5, "equivocaron": -1.8, "equivocó": -1.8, "equivocado*": -1.5,
    "error": -1.5, "errores": -1.5, "perdieron": -1.8, "perdió": -1.6, "olvidaron": -1.6,
    # organisation, speed, access
    "puntual*": 1.6, "puntualidad": 1.6, "rápido*": 1.0, "rápidamente": 1.0, "pronto": 0.8, "enseguida": 1.0,
    "ágil*": 1.4, "fácil*": 1.5, "fácilmente": 1.2, "sencillo*": 1.2, "práctico*": 1.2, "cómodo*": 1.5,
    "conveniente*": 1.2, "accesible*": 1.2, "disponible*": 0.5, "ahorró": 1.0,
    "lento*": -1.5, "lentitud": -1.5, "tardado*": -1.5, "tardísimo": -2.0, "demora": -1.5, "demoraron": -1.5,
    "demoró": -1.5, "retraso": -1.5, "retrasado*": -1.3, "atrasado*": -1.3, "tardaron": -1.5, "tardó": -1.5,
    "tardan": -1.4, "tarda": -1.3, "esperé": -1.0, "esperamos": -0.6, "esperando": -0.8, "esperar": -0.6,
    "desorganizado*": -2.0, "desorganización": -2.0, "caos": -2.0, "caótico*": -2.0, "problema": -1.2,
    "problemas": -1.2, "complicado*": -1.3, "difícil*": -1.5, "imposible*": -2.0, "confuso*": -1.2,
    "confusión": -1.2, "confundido*": -1.2, "cancelaron": -1.2, "colgaron": -2.0,
    "falla": -1.2, "fallas": -1.2, "fallaba": -1.2, "traba": -1.2, "trababa": -1.2, "sorpresa": -1.0,
    "sorpresas": -1.0, "pérdida": -1.2, "falta": -0.8, "faltó": -0.8, "faltaba": -0.8, "faltan": -0.8,
    # cost and billing
    "caro*": -1.5, "costoso*": -1.2, "barato*": 0.8, "económico*": 0.8, "razonable*": 1.2,
    "justo*": 1.0, "abuso": -2.5, "abusivo*": -2.5, "robo": -2.8, "estafa": -3.0, "fraude": -3.0,
    "cobranza": -2.0, "cobranzas": -2.0, "colecciones": -2.0, "rechazaron": -1.5, "negaron": -1.5,
    # the building
    "limpio*": 1.8, "limpieza": 1.2, "ordenado*": 1.2, "impecablemente": 2.0, "higiénico*": 1.5,
    "moderno*": 1.0, "bonito*": 1.5, "amplio*": 1.0, "iluminado*": 0.8, "sucio*": -2.3, "suciedad": -2.2,
    "asqueroso*": -3.0, "cochino*": -2.3, "apestaba": -2.2, "apesta": -2.2, "roto*": -1.2, "descompuesto*": -1.2,
    "feo*": -1.5, "ruidoso*": -1.2, "estrecho*": -0.8, "helado*": -0.8, "caluroso*": -0.8,
}
# fmt: on

# Words that strengthen (or, negative, weaken) the next sentiment word within three words.
BOOSTERS = {
    "muy": _B, "super": _B, "súper": _B, "bastante": 0.2, "demasiado": _B, "demasiada": _B, "demasiados": _B,
    "demasiadas": _B, "mucho": 0.25, "mucha": 0.25, "muchos": 0.25, "muchas": 0.25, "muchísimo": 0.35,
    "muchísima": 0.35, "tan": 0.25, "tanto": 0.2, "sumamente": 0.35, "extremadamente": 0.35,
    "increíblemente": 0.35, "realmente": 0.25, "verdaderamente": 0.25, "totalmente": _B, "completamente": _B,
    "absolutamente": _B, "altamente": 0.25, "siempre": 0.1, "excesivamente": 0.35, "especialmente": 0.15,
    "algo": -0.2, "medio": -0.2, "casi": -0.2, "ligeramente": -0.2, "apenas": -0.2,
}  # fmt: skip
# After a sentiment word: "me gustó mucho", "tardaron demasiado", "esperé bastante".
AFTER_BOOSTERS = frozenset({"mucho", "muchisimo", "demasiado", "bastante", "tanto"})
NEGATORS = frozenset(
    {"no", "nunca", "jamás", "ni", "tampoco", "sin", "nadie", "ningún", "ninguna", "ninguno", "nada", "poco",
     "poca", "pocos", "pocas", "falta", "faltó", "faltaba", "faltan", "carece", "carecen"}
)  # fmt: skip
# A negator followed by one of these does not negate ("sin embargo", "sin duda", "no obstante", "no solo").
NOT_NEGATING = {"sin": frozenset({"embargo", "duda"}), "no": frozenset({"obstante", "solo", "sólo"})}
# Object pronouns between a negator and the word do not count towards the three-word window.
CLITICS = frozenset({"me", "te", "se", "lo", "la", "le", "les", "los", "las", "nos"})

# --- phrases -------------------------------------------------------------------------------------------------------
# (regular expression on the folded clause, valence). A phrase hides its words from the word look-up; valence 0
# masks words that mean nothing here ("buenas tardes", "sería bueno que..." is a suggestion, not praise).
_N = r"(?:\d+|una|un|dos|tres|cuatro|cinco|seis|media|varias|muchas)"
_MIN = r"(?:\d+|veinte|treinta|cuarenta|cincuenta|sesenta|noventa|quince|cuarenta y cinco)"
_CALL = r"(?:llamaron|llamo|llamó|regresaron la llamada|devolvieron la llamada|devolvieron las llamadas|regresaron)"
# fmt: off
PHRASES = [
    # masks and greetings
    (r"\bbuen(?:o|a)s (?:dias|días|tardes|noches)\b", 0.0), (r"^bueno\b(?=,)", 0.0), (r"\bpor favor\b", 0.0),
    (r"\b(?:seria|sería|fuera|seria muy|sería muy) (?:bueno|bien|mejor|excelente|genial)\b", -0.4),
    (r"\bme (?:gustaria|gustaría) que\b", -0.4), (r"\bojal[aá]\b", -0.6), (r"\b(?:deberian|deberían|deben)\b", -0.8),
    (r"\b(?:necesitan|hace falta|hacen falta|les falta|le falta) (?:mas|más|mejor|mejorar|personal)\b", -1.0),
    (r"\bpodr[ií]a (?:ser|estar) mejor\b", -1.2), (r"\b(?:hay que|tienen que) mejorar\b", -1.0),
    (r"\bgracias a (?:dios|diosito)\b", 0.5),
    # overall
    (r"\bde maravilla\b", 3.0), (r"\bde primera\b", 2.5), (r"\bvale la pena\b", 2.0),
    (r"\b(?:cinco|5) estrellas\b", 2.5), (r"\b(?:10|diez) de (?:10|diez)\b", 2.5), (r"\blo m[aá]ximo\b", 3.0),
    (r"\ben buenas manos\b", 2.2), (r"\bcomo en casa\b", 2.0), (r"\bmil gracias\b", 2.5),
    (r"\b(?:al|el) (?:cien|100) por ciento\b", 1.0), (r"\bsin (?:ningun |ningún )?problemas?\b", 1.5),
    (r"\bdeja(?:n|ba)? mucho que desear\b", -2.2), (r"\bque decepci[oó]n\b", -2.4), (r"\bqu[eé] verg[uü]enza\b", -2.5),
    (r"\b(?:que|qué|da) pena\b", -1.5),
    (r"\bmala (?:experiencia|atencion|atención|actitud|cara|gana|onda)\b", -2.5), (r"\bde mala gana\b", -2.2),
    (r"\bmal educad[oa]s?\b", -2.5),
    (r"\bfalta de (?:respeto|educacion|educación|profesionalismo|etica|ética)\b", -2.8),
    (r"\bfalta de (?:limpieza|higiene)\b", -2.2), (r"\bp[eé]rdida de tiempo\b", -2.5),
    (r"\bperd[ií] (?:mi |el |todo el )?(?:tiempo|dia|día)\b", -2.0),
    (r"\b(?:esperaba|esperabamos|esperábamos) (?:algo |mucho )?(?:mas|más|mejor)\b", -1.8),
    (r"\bque no esperaba\b", -1.5),
    # recommending and coming back
    (r"\b(?:lo|la|los|las|se lo|se la|se los|se las) (?:recomiendo|recomendaria|recomendaría)\b", 2.2),
    (r"\bno (?:lo |la |los |las |se lo |se la |se los |se las )?(?:recomiendo|recomendaria|recomendaría)\b", -2.5),
    (r"\bno (?:se |)(?:los |las |lo |la )?(?:puedo|podria|podría) recomendar\b", -2.5),
    (r"\b(?:voy a|vamos a|pienso|volvere a|volveré a|seguire|seguiré) (?:regresar|volver|viniendo)\b", 1.5),
    (r"\b(?:no|nunca|jamas|jamás) (?:mas |más )?(?:pienso |voy a |vuelvo a |volvere a |volveré a )?"
     r"(?:regresar|volver|vuelvo|volvere|volveré|regreso|regresare|regresaré|regresamos|volvemos)\b", -2.5),
    (r"\b(?:buscar|buscare|buscaré|busco|buscando|cambiar de|cambiare de|cambiaré de|me cambio de) "
     r"(?:otr[oa] |nuev[oa] |un nuevo |una nueva )?(?:doctor|doctora|medico|médico|dermatologo|dermatólogo|"
     r"clinica|clínica|consultorio|oficina|lugar|proveedor)\b", -2.2),
    (r"\b(?:deberian|deberían|deben) respetar\b", -1.8),
    # provider communication
    (r"\bse (?:tomo|tomó|tomaron) (?:el |su )?tiempo\b", 1.8),
    (r"\b(?:contesto|contestó|contestaron|respondio|respondió|respondieron|resolvio|resolvió|aclaro|aclaró) "
     r"(?:a )?todas mis (?:preguntas|dudas)\b", 1.8),
    (r"\bme (?:lo |la |los |las )?(?:explico|explicó|explicaron|explicaba) (?:todo|muy bien|todo muy bien|con calma|"
     r"con paciencia)\b", 2.0),
    (r"\bme (?:lo |la |los |las )?(?:explico|explicó|explicaron|explicaba|explican)\b", 1.6),
    (r"\bme (?:escucho|escuchó|escucharon|escucha|escuchan)\b", 1.6),
    (r"\bme (?:reviso|revisó|revisaron|examino|examinó) (?:con (?:mucho )?cuidado|muy bien|tod[oa]s?)\b", 1.8),
    (r"\b(?:no|nunca|jamas|jamás) (?:me|nos|le|les|se) (?:lo |la |los |las )?(?:explico|explicó|explicaron|"
     r"explican|explica|dijo|dijeron|dicen|informo|informó|informaron|avisaron|aviso|avisó)\b", -2.0),
    (r"\bnadie me (?:explico|explicó|dijo|aviso|avisó|informo|informó|llamo|llamó|atendio|atendió|ayudo|ayudó|"
     r"contesto|contestó|hizo caso)\b", -2.2),
    (r"\b(?:no|nunca) me (?:escucho|escuchó|escucharon|escucha|escuchan)\b", -2.2),
    (r"\b(?:no|nunca|ni) me (?:hizo|hicieron|hacen) caso\b", -2.2), (r"\bni caso\b", -2.0),
    (r"\b(?:casi no|no|ni) me (?:reviso|revisó|revisaron|examino|examinó|vio|vieron|toco|tocó)\b", -2.2),
    (r"\bsin (?:ninguna |una )?explicaci[oó]n\b", -2.0), (r"\bsin explicarme(?: nada)?\b", -2.0),
    (r"\b(?:no|nunca) (?:me )?(?:hizo|hicieron|hace|hacen) nada\b", -2.0),
    (r"\b(?:no|nunca) (?:me )?(?:ayudaron|ayudo|ayudó|resolvieron|resolvio|resolvió|resuelven|resuelve)\b", -2.0),
    (r"\bme (?:trato|trató|trataron|tratan) (?:como (?:un numero|un número|ganado|un animal|basura|un objeto)|mal)\b",
     -2.8), (r"\bcomo un (?:numero|número)\b", -2.0),
    (r"\bme (?:grito|gritó|gritaron|rego|regañó|regañaron|humillo|humilló|humillaron)\b", -2.5),
    (r"\bno (?:sabia|sabía|sabian|sabían|sabe|saben) (?:como|cómo|que|qué|nada|lo que)\b", -1.5),
    (r"\b(?:no (?:habia|había|hay) nadie|nadie) que (?:hable|hablara|hablaba) (?:espanol|español)\b", -1.5),
    (r"\bno (?:hablan|hablaban|habla|hablaba) (?:espanol|español)\b", -1.5),
    (r"\ben (?:mi idioma|espanol|español)\b", 1.2),
    # waiting
    (rf"\b(?:espere|esperé|esperamos|esperando|esperar|espera|estuve|estuvimos)\b.{{0,25}}?\b"
     rf"(?:mas de |más de |casi |como |cerca de |alrededor de )?{_N} (?:y media )?(?:horas?|hrs?)\b", -2.2),
    (rf"\b(?:espere|esperé|esperamos|esperando|esperar|estuve|estuvimos)\b.{{0,25}}?\b(?:mas de |más de )"
     rf"{_MIN} (?:minutos|min)\b", -1.8),
    (rf"\b(?:espere|esperé|esperamos|esperando|esperar|estuve|estuvimos)\b.{{0,25}}?\b{_MIN} (?:minutos|min)\b", -1.2),
    (r"\b(?:una |la )?espera (?:fue |es |era |estuvo )?(?:muy |demasiado |super |súper |bien )?"
     r"(?:larga|eterna|interminable|excesiva)\b", -2.0),
    (r"\b(?:una |la )?espera (?:fue |es |era |estuvo )?(?:un poco|algo) (?:larga|lenta)\b", -1.2),
    (r"\b(?:larga|eterna|interminable) espera\b", -2.0), (r"\b(?:mucho|demasiado) tiempo\b", -1.0),
    (r"\bme (?:dejaron|tuvieron|tienen) esperando\b", -2.0), (r"\ben espera\b", -1.2), (r"\ben la linea\b", -0.8),
    (r"\b(?:no|casi no|ni) (?:tuve|tuvimos|tuvo) que esperar\b", 1.6),
    (r"\b(?:no|casi no) (?:me |nos )?(?:hicieron|hacen) esperar\b", 1.6), (r"\bsin esperar\b", 1.6),
    (r"\b(?:espere|esperé|esperamos) (?:muy )?poco\b", 1.2), (r"\b(?:poca|corta|breve) espera\b", 1.4),
    (r"\ba tiempo\b", 1.3), (r"\ba la hora\b", 1.0), (r"\bde inmediato\b", 1.2),
    (r"\bentr[eé] y sal[ií]\b", 1.0), (r"\ba la carrera\b", -1.8), (r"\b(?:de|con) prisa\b", -1.5),
    (r"\bahorr(?:o|ó|e|é|a|aron|amos) (?:mucho |bastante )?tiempo\b", 1.8),
    # booking and phones
    (r"\b(?:nadie|no|nunca) (?:me |nos )?(?:contesta|contestan|contesto|contestó|contestaron|responde|responden|"
     r"respondio|respondió|respondieron)(?: el telefono| el teléfono| las llamadas| los mensajes| mis mensajes)?\b",
     -2.3),
    (r"\bme (?:colgaron|colgo|colgó)\b", -2.2),
    (r"\b(?:no|nunca) (?:habia|había|hay|tienen|tenian|tenían) (?:citas|cita|disponibilidad|espacio|lugar)\b", -1.2),
    (r"\bsin (?:citas|disponibilidad)\b", -1.2),
    (r"\bno (?:pude|puedo|pudimos|podia|podía|pueden|podemos) (?:entrar|escoger|hacer|conseguir|agendar|sacar|"
     r"comunicarme|hablar|ver|encontrar|pagar|registrarme|usar)\b", -1.5),
    (r"\b(?:no funciona|no funcionaba|no sirve|no servia|no servía|se traba|se trababa|se cae|se caia|se caía)\b",
     -1.8),
    (r"\b(?:me |nos )?(?:cancelaron|cambiaron) (?:la |mi |nuestra )?cita\b", -1.6),
    (r"\b(?:facil|fácil|rapido|rápido|sencillo) (?:de |para )?(?:hacer|sacar|agendar|conseguir|programar|usar)\b", 1.8),
    (r"\bme (?:dieron|consiguieron|dan) (?:la )?cita (?:rapido|rápido|pronto|enseguida|el mismo dia|el mismo día|"
     r"la misma semana)\b", 1.8),
    (r"\b(?:la misma semana|el mismo dia|el mismo día)\b", 0.8), (r"\bconsegu(?:i|í|imos) (?:una |la )?cita\b", 0.8),
    (r"\bsin tener que (?:llamar|esperar|ir|salir)\b", 1.2),
    # billing and cost
    (r"\b(?:me |le |les |nos )?(?:cobraron|cobro|cobró|cobran|facturaron)\b.{0,30}?\b(?:dos veces|doble|de mas|"
     r"de más)\b", -2.5),
    (r"\bme (?:cobraron|cobro|cobró|cobran) (?:de mas|de más|dos veces|doble|mal|demasiado|algo que|por algo|"
     r"una consulta que|lo que)\b", -2.5),
    (r"\b(?:le |les )?(?:cobraron|cobro|cobró) mal\b", -2.2), (r"\bme (?:cobraron|cobro|cobró|cobran)\b", -0.8),
    (r"\bcobro (?:indebido|excesivo|injusto|doble|de mas|de más)\b", -2.5),
    (r"\bfactura (?:sorpresa|inesperada|equivocada|incorrecta)\b", -2.5),
    (r"\b(?:mas|más) (?:alto|alta|caro|cara|elevado) de lo que\b", -1.8),
    (r"\b(?:seguro|aseguranza)\b.{0,30}?\b(?:no cubre|no cubrio|no cubrió|no cubrieron|rechazo|rechazó|nego|negó)\b",
     -2.0),
    (r"\bno (?:cubre|cubrio|cubrió|cubrieron|pasaron|mandaron|enviaron) (?:al seguro|a la aseguranza|el reclamo)?\b",
     -1.5),
    (r"\b(?:me |nos )?mandaron a (?:cobranza|cobranzas|colecciones)\b", -2.8),
    (r"\bno (?:hubo|hay|tuve) sorpresas\b", 1.5), (r"\bsin sorpresas\b", 1.5),
    (r"\b(?:precios?|costos?|cobros?) (?:justos?|razonables?|accesibles?|claros?)\b", 1.5),
    (r"\b(?:me dijeron|me explicaron|me informaron) (?:cuanto|cuánto|el costo|el precio|el copago)\b", 1.5),
    # records and the portal
    (r"\b(?:perdieron|perdio|perdió|extraviaron) (?:mis|mi|los|las|el|la) "
     r"(?:papeles|expediente|resultados|documentos|formularios|muestras?|receta|orden)\b", -2.3),
    (r"\b(?:nunca|no) (?:llegaron|llego|llegó|aparecieron|aparecio|apareció|mandaron|enviaron|subieron)\b", -2.0),
    (r"\botra vez\b", -0.5), (r"\b(?:tuve|tuvimos) que (?:llamar|ir|volver|llenar|repetir)\b", -1.0),
    # follow-up
    (r"\b(?:nunca|no|jamas|jamás) (?:me |nos )?(?:llamaron|llamo|llamó|hablaron|marcaron)\b", -2.4),
    (r"\b(?:nunca|no|jamas|jamás) (?:me |nos )?(?:devolvieron|regresaron) (?:la |las |mi |mis )?(?:llamadas?)?\b",
     -2.5),
    (r"\b(?:nunca|no) (?:me |nos )?(?:dieron|dio) (?:seguimiento|los resultados|mis resultados)\b", -2.2),
    (r"\b(?:sin|ningun|ningún|nada de) seguimiento\b", -2.0),
    (r"\bme iban a llamar\b", -0.8), (r"\b(?:dijeron|quedaron en) que (?:me )?(?:iban a )?llamar\b", -0.8),
    (rf"\bme {_CALL} (?:al dia siguiente|al día siguiente|el mismo dia|el mismo día|para ver como|para ver cómo|"
     r"para saber como|para saber cómo|para preguntar)\b", 1.8),
    (r"\bme (?:devolvieron|regresaron) la llamada\b", 1.2), (r"\bme llamaron\b", 0.5),
    (r"\bbuen seguimiento\b", 2.0),
    # emoticons and emoji
    (r"(?::\)|:-\)|:d|\u263a|\U0001f600|\U0001f60a|\U0001f642|\U0001f44d|\u2764|\U0001f64f)", 1.5),
    (r"(?::\(|:-\(|\U0001f620|\U0001f621|\U0001f61e|\U0001f44e|\U0001f612)", -1.5),
]
# fmt: on

# --- touch points ---------------------------------------------------------------------------------------------------
# The eight touch points of ``touchpoints.py``, in Spanish; regular expressions on folded clause text, each matched
# as a whole word or phrase.
# fmt: off
TOUCHPOINTS = {
    "booking and access": [
        r"citas?", r"turnos?", r"agend\w*", r"program(?:ar|e|é|aron|o|ó) (?:la |una |mi )?cita", r"reprogram\w*",
        r"disponibilidad", r"horarios?", r"telefonos?", r"teléfonos?", r"(?:nadie|no|nunca) (?:me |nos )?contest\w*",
        r"en la linea", r"en espera",
        r"cancel\w*", r"referencias?", r"referido", r"sacar (?:una |la )?cita", r"hacer (?:una |la |mi )?cita",
        r"consegu\w+ cita", r"pacientes? nuevos?", r"nuevos? pacientes?", r"ubicacion(?:es)?", r"ubicación",
        r"como llegar", r"cómo llegar", r"sin cita",
    ],
    "waiting": [
        r"espera", r"esper(?:e|é|amos|ando|ar|aron|o|ó)", r"(?<!la )tarde", r"tardaron", r"tardo", r"tardó", r"tardan",
        r"tarda", r"tardado\w*", r"tardisimo", r"demor\w*", r"retras\w*", r"atrasad\w*", r"a tiempo", r"puntual\w*",
        r"rapid\w*", r"rápid\w*", r"enseguida", r"de inmediato", r"entr[eé] y sal[ií]",
        r"fila", r"cola", r"mucho tiempo", r"demasiado tiempo",
    ],
    "front desk and staff": [
        r"recepci[oó]n", r"recepcionistas?", r"personal", r"(?:la |las )?(?:muchachas?|chicas?|senoritas?|señoritas?|"
        r"senoras?|señoras?|muchachos?|chicos?) (?:de|en) (?:la )?(?:entrada|recepcion|recepción|ventanilla|"
        r"oficina|mostrador)", r"(?:la |las )?(?:muchachas?|chicas?|senoritas?|señoritas?)", r"ventanilla",
        r"mostrador", r"enfermer[oa]s?", r"asistentes?", r"equipo", r"empleados?", r"secretari[oa]s?",
        r"administraci[oó]n", r"administrativ\w+", r"me registraron", r"registrarme", r"registrarnos",
        r"en la entrada", r"tecnic[oa]s?", r"técnic[oa]s?", r"staff",
    ],
    "provider communication": [
        r"doctor(?:a|es|as)?", r"dr", r"dra", r"dres", r"medic[oa]s?", r"médic[oa]s?", r"especialistas?",
        r"dermatolog[oa]s?", r"dermatólog[oa]s?", r"cirujan[oa]s?", r"pediatras?", r"proveedor(?:a|es)?",
        r"asistente medico", r"me explic\w*", r"explic\w+", r"escuch\w*", r"preguntas", r"dudas", r"diagnostic\w*",
        r"diagnóstic\w*", r"tratamientos?", r"se tom[oó] el tiempo", r"se tomaron el tiempo",
        r"me revis\w*", r"revis[oó]", r"me examin\w*", r"me atendi[oó] (?:el|la) (?:doctor|doctora|dr|dra)",
        r"consejos?", r"opciones", r"comunicacion", r"comunicación",
    ],
    "records and information": [
        r"resultados?", r"expedientes?", r"historial", r"portal", r"recetas?", r"medicamentos?", r"medicinas?",
        r"farmacia", r"laboratorio", r"analisis", r"análisis", r"estudios", r"papeles", r"papeleo",
        r"formularios?", r"documentos?", r"informacion", r"información", r"informes?", r"correos?",
        r"mensajes?", r"pagina", r"página", r"sitio web", r"aplicacion", r"aplicación", r"app", r"recordatorios?",
        r"registro en linea", r"registro en línea", r"ordenes", r"órdenes",
    ],
    "billing and cost": [
        r"facturas?", r"factura\w+", r"cobr\w*", r"copagos?", r"co-?pagos?", r"coaseguro", r"deducibles?",
        r"(?:mi|el|su|del|al|tu|nuestro|de|con|un|otro|sin) seguro", r"seguro medico", r"seguro médico",
        r"aseguranza", r"aseguradora", r"(?:la|una|mi|su) cuenta(?! de que)", r"costos?", r"cost[oó]",
        r"precios?", r"caro\w*", r"car[ií]simo\w*", r"barato\w*", r"pag(?:o|os|ar|ue|ué|amos|aron|ado|ada)",
        r"cargos?", r"reembolso\w*", r"saldo", r"dinero", r"dolares", r"dólares", r"\$\s?\d+", r"autorizaci[oó]n",
        r"cubr(?:e|io|ió|ieron|ir)", r"cobertura", r"reclamos?", r"estados? de cuenta", r"colecciones", r"tarifas?",
    ],
    "facility and cleanliness": [
        r"limpi\w*", r"sucio\w*", r"sucia\w*", r"suciedad", r"higien\w*", r"estacionamiento", r"estacionar\w*",
        r"parqueo", r"parking", r"banos?", r"baños?", r"sanitarios?", r"instalaciones", r"edificio", r"consultorios?",
        r"(?:la clinica|la clínica|la oficina|el lugar|el edificio) (?:esta|está|estaba|es|era|se ve|se veia|"
        r"se veía|huele|olia|olía)", r"sala de espera esta\w*", r"sillas?", r"ruido\w*", r"frio", r"frío",
        r"calor", r"aire acondicionado", r"olor\w*", r"huele", r"olia", r"olía", r"apest\w*", r"elevador",
        r"ascensor", r"silla de ruedas", r"rampa", r"comod\w*", r"cómod\w*", r"incomod\w*", r"incómod\w*",
        r"modern\w*", r"amplio\w*", r"amplia\w*", r"cuartos?",
    ],
    "follow-up": [
        r"seguimiento", r"me llam\w+", r"llamadas?", r"llamaron", r"devolvieron", r"regresaron la llamada",
        r"me (?:iban|van) a llamar", r"volver a llamar", r"me avisaron", r"para ver c[oó]mo segu\w+",
        r"despues del procedimiento", r"después del procedimiento", r"proxima cita", r"próxima cita",
        r"siguiente cita", r"(?:nunca|no) (?:me )?(?:llamaron|marcaron|hablaron)", r"cuidados posteriores",
    ],
}
# fmt: on


# --- compiled tables (built once, on import) -----------------------------------------------------------------------
def _forms(key: str) -> list[str]:
    """The folded word forms of one ``WORDS`` key (the module docstring explains "*")."""
    word = fold(key.rstrip("*"))
    if not key.endswith("*"):
        return [word]
    if word.endswith("o"):
        return [word, word[:-1] + "a", word + "s", word[:-1] + "as"]
    if word.endswith(("a", "e", "i", "u")):
        return [word, word + "s"]
    if word.endswith("z"):
        return [word, word[:-1] + "ces"]
    return [word, word + "es"]


def _build_words() -> dict[str, float]:
    table: dict[str, float] = {}
    for key, valence in WORDS.items():
        for form in _forms(key):
            table.setdefault(form, valence)
    return table


_WORDS = _build_words()
_BOOSTERS = {fold(word): value for word, value in BOOSTERS.items()}
_NEGATORS = frozenset(fold(word) for word in NEGATORS)
_NOT_NEGATING = {fold(word): frozenset(fold(w) for w in after) for word, after in NOT_NEGATING.items()}
_PHRASES = [(re.compile(fold(pattern)), valence) for pattern, valence in PHRASES]
_ANY_PHRASE = re.compile("|".join(f"(?:{fold(pattern)})" for pattern, _ in PHRASES))
_TOUCHPOINTS = {
    name: re.compile(r"(?<![a-z0-9])(?:" + "|".join(fold(p) for p in patterns) + r")(?![a-z0-9])")
    for name, patterns in TOUCHPOINTS.items()
}
_ADVERSATIVE_RE = re.compile(
    r"^(?:pero|sin embargo|no obstante|en cambio|lo unico|lo malo|lo bueno|eso si|excepto|salvo|menos|"
    r"desafortunadamente|lamentablemente|por desgracia)\b"
)
_CONCESSIVE_RE = re.compile(r"^(?:aunque|a pesar de|pese a|si bien|mientras que)\b")
_SUPERLATIVE = ("isimos", "isimas", "isimo", "isima")


def _valence(word: str) -> float | None:
    """A word's valence; "-ísimo" forms of listed words take the base valence, boosted."""
    valence = _WORDS.get(word)
    if valence is not None or len(word) < 7:
        return valence
    for ending in _SUPERLATIVE:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            suffix = "os" if ending.endswith("os") else "as" if ending.endswith("as") else ending[-1]
            # rapidísimo, carísimo, facilísimo, limpísimo, amabilísimo
            for base in (stem + suffix, stem + "o", stem, stem + "e", stem + "io", stem.removesuffix("il") + "le"):
                if base in _WORDS:
                    return math.copysign(abs(_WORDS[base]) + _B, _WORDS[base])
            return None
    return None


def _is_negator(tokens: list[str], k: int) -> bool:
    word = tokens[k]
    if word not in _NEGATORS:
        return False
    if k + 1 < len(tokens) and tokens[k + 1] in _NOT_NEGATING.get(word, ()):
        return False
    # "un poco" is a diminisher, not a negator
    return not (word in ("poco", "poca", "pocos", "pocas") and k > 0 and tokens[k - 1] in ("un", "una"))


def _booster(tokens: list[str], k: int) -> float:
    word = tokens[k]
    if word in ("poco", "poca") and k > 0 and tokens[k - 1] in ("un", "una"):
        return -_B
    if word == "nada":
        return _B  # "nada amable": negated (see NEGATORS) and intensified
    return _BOOSTERS.get(word, 0.0)


def clause_valence(text: str) -> float:
    """The raw (un-normalised) sentiment sum of one clause; any case, accents optional."""
    folded = fold(text)
    spans = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(folded)]
    tokens = [word for _start, _end, word in spans]
    starts = [start for start, _end, _word in spans]
    segment, commas = [], 0
    last = 0
    for start, _end, _word in spans:
        commas += folded.count(",", last, start)
        last = start
        segment.append(commas)
    # Phrases first: all matches, then the earliest (and at one place the longest) that do not overlap.
    found = []
    if _ANY_PHRASE.search(folded) is not None:
        for pattern, valence in _PHRASES:
            for match in pattern.finditer(folded):
                if match.end() > match.start():
                    found.append((match.start(), -match.end(), valence))
    found.sort()
    items = []  # (first token, token after it, valence, can be negated)
    covered = [False] * len(tokens)
    taken_until = -1
    for start, neg_end, valence in found:
        end = -neg_end
        if start < taken_until:
            continue
        taken_until = end
        first = bisect_left(starts, start)
        after = first
        while after < len(tokens) and spans[after][0] < end:
            covered[after] = True
            after += 1
        own_negation = any(_is_negator(tokens, k) for k in range(first, after))
        items.append((first, after, valence, not own_negation))
    for i, word in enumerate(tokens):
        if covered[i]:
            continue
        word_valence = _valence(word)
        if word_valence is None:
            continue
        if word == "bien" and i + 1 < len(tokens) and segment[i + 1] == segment[i] and _valence(tokens[i + 1]):
            continue  # "bien amable": an intensifier here
        items.append((i, i + 1, word_valence, True))
    total = 0.0
    for first, after, valence, negatable in items:
        if valence == 0.0:
            continue
        value = valence
        for k, decay in ((first - 1, 1.0), (first - 2, 0.95), (first - 3, 0.9)):
            if k < 0 or segment[k] != segment[min(first, len(tokens) - 1)] or covered[k]:
                break
            boost = _booster(tokens, k)
            if boost:
                value += math.copysign(1.0, value) * boost * decay  # a negative boost softens
            if tokens[k] == "bien" and k == first - 1:
                value += math.copysign(_B, value)
        if (
            after < len(tokens)
            and after > 0
            and segment[after] == segment[after - 1]
            and tokens[after] in AFTER_BOOSTERS
        ):
            value += math.copysign(_B, value)
        if negatable and first < len(tokens) and _negated(tokens, segment, first):
            value *= _NEGATION
        total += value
    return total


def _negated(tokens: list[str], segment: list[int], first: int) -> bool:
    """A negator within three words before ``tokens[first]`` (object pronouns not counted; not across a comma)."""
    counted, k = 0, first - 1
    while k >= 0 and counted < 3 and segment[k] == segment[first]:
        if _is_negator(tokens, k):
            return True
        if tokens[k] not in CLITICS:
            counted += 1
        k -= 1
    return False


def normalised(raw: float) -> float:
    """VADER's normalisation of a raw sum into -1..1."""
    return raw / math.sqrt(raw * raw + _ALPHA)


def detect_touchpoints(text: str) -> list[str]:
    """The touch points named in a Spanish clause, in the order of ``touchpoints.NAMES``."""
    folded = fold(text)
    return [name for name in NAMES if _TOUCHPOINTS[name].search(folded)]


@dataclass(frozen=True, slots=True)
class SpanishClause:
    text: str  # normalised clause text (accents kept)
    score: float  # -1..1
    touchpoints: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SpanishReading:
    score: float  # -1..1, the whole comment
    clauses: list[SpanishClause]


def read(text: str) -> SpanishReading:
    """Score a Spanish comment and each of its clauses, and find each clause's touch points."""
    clauses = split_clauses(text, "es")
    raws = [clause_valence(c.text) for c in clauses]
    weights = [1.0] * len(clauses)
    for index, clause in enumerate(clauses):
        opening = fold(clause.text)
        if _CONCESSIVE_RE.match(opening):
            weights[index] = 0.5
        elif clause.contrast and _ADVERSATIVE_RE.match(opening):
            weights[index] = 1.5
            for before in range(index):
                if clauses[before].sentence == clause.sentence and weights[before] == 1.0:
                    weights[before] = 0.5
    total = sum(w * r for w, r in zip(weights, raws, strict=True))
    parts = [
        SpanishClause(c.text, normalised(r), tuple(detect_touchpoints(c.text)))
        for c, r in zip(clauses, raws, strict=True)
    ]
    return SpanishReading(normalised(total), parts)


# --- language detection ---------------------------------------------------------------------------------------------
def _weights(spanish_strong: str, spanish_weak: str, english: str) -> dict[str, int]:
    table = dict.fromkeys(english.split(), -1)
    table.update(dict.fromkeys(spanish_weak.split(), 1))
    table.update(dict.fromkeys(spanish_strong.split(), 2))
    table.update({fold(word): weight for word, weight in table.items() if weight > 0})
    return table


# Spanish words that are not English words count 2, short ones that can be (names, "con", "el") 1, common
# English words -1. Written with accents; the accent-less spellings are added.
_LANGUAGE_WEIGHTS = _weights(
    spanish_strong="que qué muy pero fue fueron los las del por para una unos unas todo todos toda todas está estaba "
    "están estuvo hay había cómo como cuando porque nunca siempre bien gracias también nada nadie muchas mucho mucha "
    "muchísimas más excelente servicio atención amable amables buena bueno buen mala malo doctora médico cita citas "
    "espera pésimo pésima recepción recepcionista horas minutos día tiempo sin aquí donde esperar esperé ellos ella "
    "yo eso este esta muchachas trato siento sentí gusto cobraron llamaron tardaron explicó atendieron consultorio "
    "seguro voy vamos fui tengo tuve hizo hicieron dijo dijeron pude puedo pienso quiero esperaba regresar volver "
    "algo otro otra mejor peor definitivamente después sí él mí grosero grosera groseros groseras mal",
    spanish_weak="de la el en y se un con es mi mis lo le les su sus nos son era hora ya",
    english="the and to of was is it i my for with but they very not this that were had have at on she he we you be "
    "an so are there in from about all our her his their would could staff great good nice friendly rude service "
    "thank thanks wait waited long time always never nurse helpful kind appointment excellent lovely what when did "
    "didn't do been just well really everything everyone care made felt feel us office front desk room called",
)
_PUNCTUATION = ".,;:!?¡¿()\"'-*"


def detect_language(text: str) -> str:
    """ "es" or "en" for a comment, from its first 40 words: Spanish words count 2 (1 for short ones that English
    shares, such as "con" or "el"), common English words -1, and each "ñ", "¿", "¡" or accented vowel 1. Spanish
    when the sum reaches 2, else English (so English when unsure). A few microseconds per comment."""
    lowered = text.lower()
    get = _LANGUAGE_WEIGHTS.get
    points = 0
    for word in lowered.split(None, 40)[:40]:
        weight = get(word)
        if weight is None:
            weight = get(word.strip(_PUNCTUATION), 0)
        points += weight
    if not lowered.isascii():
        points += sum(lowered.count(mark) for mark in "áéíóúñ¿¡")
    return "es" if points >= 2 else "en"
