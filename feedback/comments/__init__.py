"""Comment analysis, offline: sentiment and touch points of patient comments (no Django imports).

    from feedback.comments import analyze, analyze_many
    analyze("The front desk was rude but Dr. Lee was wonderful").as_dict()
    analyze("La recepcionista fue grosera pero la doctora fue excelente", language="es").as_dict()

``language`` is "en", "es" or None (guessed by ``detect_language``; English when unsure).

See docs/comment-analysis.md for how it works, how to retrain and how well it does.
"""

from .analysis import Analysis, ClauseSentiment, TouchpointSentiment, analyze, analyze_many
from .spanish import detect_language
from .touchpoints import NAMES as TOUCHPOINT_NAMES

__all__ = [
    "Analysis",
    "ClauseSentiment",
    "TouchpointSentiment",
    "TOUCHPOINT_NAMES",
    "analyze",
    "analyze_many",
    "detect_language",
]
