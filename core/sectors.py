"""Humanitarian sectors by their HDX codes, shared by every stage (priorities, facilities, assistance,
services, referrals, 5W reports)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    SHL = "SHL", _("Shelter and non-food items")
    WSH = "WSH", _("Water, sanitation and hygiene")
    HEA = "HEA", _("Health")
    PRO = "PRO", _("Protection")
    PRO_CPN = "PRO-CPN", _("Child protection")
    PRO_GBV = "PRO-GBV", _("Gender-based violence")
    PRO_HLP = "PRO-HLP", _("Housing, land and property")
    PRO_MIN = "PRO-MIN", _("Mine action")
    FSC = "FSC", _("Food security")
    EDU = "EDU", _("Education")
    CCM = "CCM", _("Camp coordination and camp management")
    ERY = "ERY", _("Early recovery and livelihoods")
    MPC = "MPC", _("Multi-purpose cash")
    NUT = "NUT", _("Nutrition")
    AGR = "AGR", _("Agriculture")


SENSITIVE_SECTORS = frozenset({Sector.PRO_GBV, Sector.PRO_CPN})
