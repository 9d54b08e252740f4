"""Humanitarian sectors by their HDX / HXL codes (``#sector+code``), one list for every stage:
CAP priorities, facilities, assistance, services and referrals, 5W reports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    SHL = "SHL", _("Shelter and non-food items")
    WSH = "WSH", _("Water, sanitation and hygiene")
    HEA = "HEA", _("Health")
    PRO = "PRO", _("Protection")
    PRO_CPN = "PRO-CPN", _("Protection: child protection")
    PRO_GBV = "PRO-GBV", _("Protection: gender-based violence")
    PRO_HLP = "PRO-HLP", _("Protection: housing, land and property")
    PRO_MIN = "PRO-MIN", _("Protection: mine action")
    FSC = "FSC", _("Food security")
    EDU = "EDU", _("Education")
    CCM = "CCM", _("Camp coordination and camp management")
    ERY = "ERY", _("Early recovery and livelihoods")
    MPC = "MPC", _("Multi-purpose cash")
    NUT = "NUT", _("Nutrition")
    AGR = "AGR", _("Agriculture")


PROTECTION_SECTORS = frozenset({Sector.PRO, Sector.PRO_CPN, Sector.PRO_GBV, Sector.PRO_HLP, Sector.PRO_MIN})


def sector_label(code: str) -> str:
    """The label of a sector code, or the code itself when it is not (or no longer) in the list."""
    try:
        return str(Sector(code).label)
    except ValueError:
        return code


# Cases in these sectors are sensitive: visible only to holders of the sensitive permission.
SENSITIVE_SECTORS = frozenset({Sector.PRO_GBV, Sector.PRO_CPN})
