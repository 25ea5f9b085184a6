"""
The time zones a form offers: the region's and the EU capitals' first, then every canonical zone of
the tz database. Used by the meeting form's time-zone list (meetings.forms).
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

from django.utils.translation import gettext_lazy as _

# Where the Board and its Support Group meet: the Western Balkans partners' zones (Kosovo* keeps
# Europe/Belgrade), then their neighbours and the seats of the EU institutions, and UTC.
REGION_TIME_ZONES = (
    "Europe/Sarajevo",
    "Europe/Belgrade",
    "Europe/Podgorica",
    "Europe/Skopje",
    "Europe/Tirane",
    "Europe/Zagreb",
    "Europe/Ljubljana",
    "Europe/Vienna",
    "Europe/Brussels",
    "Europe/Berlin",
    "UTC",
)
# The EU member states' capitals (Nicosia's zone is filed under Asia).
EU_CAPITAL_TIME_ZONES = (
    "Europe/Amsterdam",
    "Europe/Athens",
    "Europe/Bratislava",
    "Europe/Bucharest",
    "Europe/Budapest",
    "Europe/Copenhagen",
    "Europe/Dublin",
    "Europe/Helsinki",
    "Europe/Lisbon",
    "Europe/Luxembourg",
    "Europe/Madrid",
    "Europe/Malta",
    "Europe/Paris",
    "Europe/Prague",
    "Europe/Riga",
    "Europe/Rome",
    "Europe/Sofia",
    "Europe/Stockholm",
    "Europe/Tallinn",
    "Europe/Vilnius",
    "Europe/Warsaw",
    "Asia/Nicosia",
)


def canonical_time_zones() -> list[str]:
    """
    The zones the tz database lists for a country (zone.tab, zone1970.tab), with UTC: its canonical
    names, without the backward-compatible aliases (Africa/Asmera, US/Eastern, Europe/Kiev …) that
    zoneinfo.available_timezones() also offers.
    """
    import importlib.resources

    names: set[str] = {"UTC"}
    for table in ("zone.tab", "zone1970.tab"):
        try:
            text = importlib.resources.files("tzdata").joinpath("zoneinfo", table).read_text(encoding="utf-8")
        except (ModuleNotFoundError, FileNotFoundError):
            paths = [Path(path) / table for path in zoneinfo.TZPATH]
            text = next((path.read_text(encoding="utf-8") for path in paths if path.exists()), "")
        for line in text.splitlines():
            fields = line.split("\t")
            if line.startswith("#") or len(fields) < 3:
                continue
            names.add(fields[2].strip())
    available = zoneinfo.available_timezones()
    return sorted(names & available)


def time_zone_choices(keep: str = "") -> list:
    """
    The time zone list, grouped: the region's, the EU capitals', then all others by name. `keep`: a
    meeting's current zone, offered even when it is an alias the list no longer has (it still validates).
    """
    canonical = canonical_time_zones()
    first = [*REGION_TIME_ZONES, *EU_CAPITAL_TIME_ZONES]
    rest = [name for name in canonical if name not in first]
    choices = [
        (_("Western Balkans and neighbours"), [(name, name) for name in REGION_TIME_ZONES]),
        (_("EU capitals"), [(name, name) for name in EU_CAPITAL_TIME_ZONES]),
        (_("All time zones"), [(name, name) for name in rest]),
    ]
    if keep and keep not in first and keep not in rest:
        choices.insert(0, (_("This meeting's time zone"), [(keep, keep)]))
    return choices


TIME_ZONE_CHOICES = time_zone_choices()
