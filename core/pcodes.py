"""P-code handling (OCHA COD-AB). Pure functions, no database."""

import re

PCODE_PATTERN = re.compile(r"^[A-Z]{2,3}[A-Z0-9]*$")

# DTM writes Iraqi codes with the ISO3 prefix and hyphens (IRQ-G01, IRQ-G01-Q01); COD-AB uses IQG01, IQG01Q01.
_ISO3_TO_COD_PREFIX = {"IRQ": "IQ"}


def normalise_pcode(raw: str) -> str:
    """Return the COD-AB form of a P-code as people type or export it.

    Upper-cases, trims, drops spaces and hyphens, and maps the ISO3 prefixes DTM uses in place of
    the COD-AB two-letter prefix (``IRQ-G01-Q01`` -> ``IQG01Q01``). Country codes stay as they are.
    """
    code = (raw or "").strip().upper()
    if "-" in code:
        head, _, rest = code.partition("-")
        head = _ISO3_TO_COD_PREFIX.get(head, head)
        code = head + rest.replace("-", "")
    return code.replace(" ", "")


def is_valid_pcode(code: str) -> bool:
    return bool(PCODE_PATTERN.match(code)) and 2 <= len(code) <= 20
