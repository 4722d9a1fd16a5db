"""The time zones staff choose from: the canonical zones of the tz database, the practice's country first.

``zoneinfo.available_timezones()`` has about 600 names, many of them old aliases kept for compatibility
("US/Central", "EST5EDT", "Etc/GMT+6", "Asia/Calcutta"). The database's own ``zone.tab`` (shipped with the
``tzdata`` package) lists each country's canonical zones, one line each, with a short description: that list
(about 420) is what is offered. A stored value that is not on it (an alias chosen before) is still shown and
accepted by the forms, so saving a form never moves a practice to another zone by accident.

US zones get the names Americans use ("Central Time — Chicago"); other countries' zones show the city and the
database's description.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from functools import cache

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Zone:
    name: str
    country: str
    comment: str

    @property
    def city(self) -> str:
        return self.name.rsplit("/", 1)[-1].replace("_", " ")


def _table(name: str) -> list[list[str]]:
    text = importlib.resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def canonical_zones() -> dict[str, Zone]:
    """Zone name → its country and description, in zone.tab's order (each country's main zone first)."""
    rows = _table("zone.tab")
    return {row[2]: Zone(name=row[2], country=row[0], comment=row[3] if len(row) > 3 else "") for row in rows}


@cache
def country_names() -> dict[str, str]:
    return {row[0]: row[1] for row in _table("iso3166.tab")}


# The US zones' everyday names, by the first word of zone.tab's description.
US_NAMES = {
    "Eastern": _("Eastern Time"),
    "Central": _("Central Time"),
    "Mountain": _("Mountain Time"),
    "MST": _("Mountain Time, no daylight saving"),
    "Pacific": _("Pacific Time"),
    "Alaska": _("Alaska Time"),
    "Hawaii": _("Hawaii Time"),
}
# Where most people of each US time live: listed first, without the description.
US_MAIN = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)
COUNTRY_LABELS = {"US": _("United States")}


def label(zone: Zone):
    """What staff read for ``zone``: "Central Time — Chicago", "Central Time — Knox, IN (Starke)", "Madrid"."""
    if zone.country == "US":
        first = zone.comment.split(" ", 1)[0]
        name = US_NAMES.get(first)
        if name is not None:
            if zone.name in US_MAIN:
                return format_lazy("{} — {}", name, zone.city)
            detail = zone.comment[len(first) :].strip(" -")
            if detail.startswith("(") and detail.endswith(")"):
                detail = detail[1:-1]
            return format_lazy("{} — {}, {}", name, zone.city, detail)
    return f"{zone.city} — {zone.comment}" if zone.comment else zone.city


def _country_zones(country: str) -> list[Zone]:
    zones = [z for z in canonical_zones().values() if z.country == country]
    if country == "US":
        main = [z for name in US_MAIN for z in zones if z.name == name]
        return main + sorted((z for z in zones if z.name not in US_MAIN), key=lambda z: (z.comment, z.city))
    return zones


def time_zone_choices(*, country: str = "US", current: str = "") -> list:
    """Grouped choices for a Select: ``current`` first when it is not canonical (an alias stored earlier), then the
    zones of ``country`` (ISO code), then every other canonical zone by name."""
    country = country.upper()
    choices: list = []
    if current and current not in canonical_zones():
        choices.append((current, format_lazy("{} ({})", current, _("an older name, still works"))))
    own = _country_zones(country)
    if own:
        group = COUNTRY_LABELS.get(country) or country_names().get(country, country)
        choices.append((group, [(z.name, label(z)) for z in own]))
    others = sorted(name for name, z in canonical_zones().items() if z.country != country)
    choices.append((_("Other time zones"), [(name, name.replace("_", " ")) for name in others]))
    return choices
