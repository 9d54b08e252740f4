"""Sector codes come from core so that every stage shares one list."""

from core.sectors import PROTECTION_SECTORS, Sector, sector_label

__all__ = ["PROTECTION_SECTORS", "Sector", "sector_label"]
