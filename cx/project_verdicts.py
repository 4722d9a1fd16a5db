"""A project's before/after comparison in words a practice manager understands, in the active language.

    Better: 71 % → 84 % top box (difference +13 points, 95 % CI +6 to +20; 212 vs 198 answers)
    No detectable change yet: about 380 more answers needed to see a 5-point change
    Worse: 12 min → 19 min median wait (difference +7 minutes, 95 % CI +3 to +11; 240 vs 251 visits)
    Too few answers yet to say (12 before, 4 after)

No database access: a measure (``cx/project_measures.py``) and a comparison (``cx/stats.py``) in,
one sentence out. Figures are rounded half away from zero; a confidence bound that would round to 0
without being 0 keeps one decimal, so "better" never reads "+0 to +8".
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import project_measures as pm
from . import stats

MINUS = "\u2212"


def _rounded(value: float, places: int = 0) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _number(value: float, *, places: int = 0) -> str:
    """``value`` rounded (halves away from zero) in the active language's format, without a sign."""
    rounded = abs(_rounded(value, places))
    if places and rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
        places = 0
    return number_format(rounded, decimal_pos=places, use_l10n=True)


def signed(value: float) -> str:
    """+13, −4, 0; one decimal when a whole number would hide a small non-zero value."""
    places = 1 if value != 0 and abs(_rounded(value)) == 0 else 0
    if _rounded(value, places) == 0:
        return "0"
    return ("+" if value > 0 else MINUS) + _number(value, places=places)


def value_places(measure: pm.Measure, comparison: stats.Comparison) -> int:
    """Decimals for a proportion's before and after: one when whole percentages would not add up to the
    difference shown (75.4 % → 86.6 % reads "75 % → 87 %, difference +11 points" otherwise)."""
    c = comparison
    if measure.kind != pm.PROPORTION or c.before is None or c.after is None or c.difference is None:
        return 0
    return 0 if _rounded(c.after) - _rounded(c.before) == _rounded(c.difference) else 1


def value_text(measure: pm.Measure, value: float, *, places: int = 0) -> str:
    """A before or after value: "71 %", "12 min", "42" (NPS); ``places`` decimals for a proportion."""
    if measure.kind == pm.PROPORTION:
        return _("%(value)s %%") % {"value": _number(value, places=places)}
    if measure.kind == pm.MINUTES:
        return _("%(value)s min") % {"value": _number(value, places=1)}
    return (MINUS if _rounded(value) < 0 else "") + _number(value)


def difference_text(measure: pm.Measure, difference: float) -> str:
    """ "+13 points" (percentage or NPS points), "−6 minutes"."""
    count = int(abs(_rounded(difference)))
    if measure.kind == pm.MINUTES:
        return ngettext("%(value)s minute", "%(value)s minutes", count) % {"value": signed(difference)}
    return ngettext("%(value)s point", "%(value)s points", count) % {"value": signed(difference)}


def change_text(measure: pm.Measure, size: float) -> str:
    """ "a 5-point change", "a 5-minute change"."""
    if measure.kind == pm.MINUTES:
        return _("a %(size)s-minute change") % {"size": _number(size)}
    return _("a %(size)s-point change") % {"size": _number(size)}


def noun(measure: pm.Measure, n: int) -> str:
    return ngettext(measure.noun_one, measure.noun_many, n)


def about(n: int) -> int:
    """A count said as "about": exact up to 100, then up to the next ten."""
    return n if n <= 100 else int(math.ceil(n / 10) * 10)


def verdict_sentence(
    measure: pm.Measure, comparison: stats.Comparison, *, live: bool = True, starts_on: date | None = None
) -> str:
    """The comparison as one sentence (see the module's docstring)."""
    c = comparison
    if not live:
        if starts_on is not None:
            return _("Not live yet: the after weeks start on %(day)s.") % {"day": date_format(starts_on, "DATE_FORMAT")}
        return _("Not live yet.")
    if c.verdict in (stats.BETTER, stats.WORSE) and None not in (c.before, c.after, c.difference, c.low, c.high):
        assert c.before is not None and c.after is not None and c.difference is not None  # for the type checker
        assert c.low is not None and c.high is not None
        places = value_places(measure, c)
        values = {
            "before": value_text(measure, c.before, places=places),
            "after": value_text(measure, c.after, places=places),
            "unit": _(measure.unit),
            "difference": difference_text(measure, c.difference),
            "low": signed(c.low),
            "high": signed(c.high),
            "n_before": c.n_before,
            "n_after": c.n_after,
            "noun": noun(measure, c.n_after),
        }
        if c.verdict == stats.BETTER:
            return (
                _(
                    "Better: %(before)s → %(after)s %(unit)s (difference %(difference)s, 95 %% CI %(low)s to "
                    "%(high)s; %(n_before)s vs %(n_after)s %(noun)s)"
                )
                % values
            )
        return (
            _(
                "Worse: %(before)s → %(after)s %(unit)s (difference %(difference)s, 95 %% CI %(low)s to "
                "%(high)s; %(n_before)s vs %(n_after)s %(noun)s)"
            )
            % values
        )
    if c.verdict == stats.NO_CHANGE:
        change = change_text(measure, c.detectable)
        more = c.more_needed_per_side
        if more:
            return _("No detectable change yet: about %(more)s more %(noun)s needed to see %(change)s") % {
                "more": about(more),
                "noun": noun(measure, about(more)),
                "change": change,
            }
        return _("No detectable change: with %(n_before)s vs %(n_after)s %(noun)s, %(change)s would have shown") % {
            "n_before": c.n_before,
            "n_after": c.n_after,
            "noun": noun(measure, c.n_after),
            "change": change,
        }
    return _("Too few %(noun)s yet to say (%(n_before)s before, %(n_after)s after)") % {
        "noun": noun(measure, 2),
        "n_before": c.n_before,
        "n_after": c.n_after,
    }
