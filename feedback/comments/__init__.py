"""Comment analysis, offline: sentiment and touch points of patient comments (no Django imports).

    from feedback.comments import analyze, analyze_many
    analyze("The front desk was rude but Dr. Lee was wonderful").as_dict()

See docs/comment-analysis.md for how it works, how to retrain and how well it does.
"""

from .analysis import Analysis, ClauseSentiment, TouchpointSentiment, analyze, analyze_many
from .touchpoints import NAMES as TOUCHPOINT_NAMES

__all__ = ["Analysis", "ClauseSentiment", "TouchpointSentiment", "TOUCHPOINT_NAMES", "analyze", "analyze_many"]
