"""Pure decisions of profiling: disability, ages, dependency ratio, vulnerability score and band, barriers.

Nothing here touches the database, so every rule is tested directly and the same code scores a
household typed in the browser, a row of an import and a recomputation after a model change.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

WG_DISABILITY_ANSWERS = frozenset({3, 4})
ADULT_AGE = 18
ELDERLY_AGE = 60

# Age groups used in every disaggregation (4W/5W, dashboards): 0-5, 6-17, 18-59, 60+.
AGE_GROUPS: tuple[tuple[str, int, int | None], ...] = (
    ("0-5", 0, 5),
    ("6-17", 6, 17),
    ("18-59", 18, 59),
    ("60+", 60, None),
)


def wg_disability(answers: Iterable[int | None]) -> bool:
    """Washington Group Short Set: disability if any domain is answered 3 (a lot of difficulty) or 4
    (cannot do at all). Unanswered domains (None) do not count either way."""
    return any(answer in WG_DISABILITY_ANSWERS for answer in answers)


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Completed years on ``day``."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def estimated_birth_date(age: int, on: datetime.date) -> datetime.date:
    """A birth date for a stated age: 1 July of the likely birth year (the usual convention when only
    the age is known), so the person turns ``age`` within the year."""
    if age < 0 or age > 120:
        raise ValueError("age must be between 0 and 120")
    year = on.year - age
    guess = datetime.date(year, 7, 1)
    # Keep the stated age true today: someone "30" on 1 March born 1 July is still 29 otherwise.
    if age_on(guess, on) != age:
        guess = datetime.date(year - 1, 7, 1)
    return guess


def age_from(
    *, date_of_birth: datetime.date | None, stated_age: int | None, on: datetime.date
) -> tuple[datetime.date | None, int | None, bool]:
    """(birth date, age, estimated?) from a birth date or, failing that, a stated age."""
    if date_of_birth is not None:
        return date_of_birth, age_on(date_of_birth, on), False
    if stated_age is not None:
        born = estimated_birth_date(stated_age, on)
        return born, age_on(born, on), True
    return None, None, False


def age_group(age: int | None) -> str | None:
    if age is None:
        return None
    for label, low, high in AGE_GROUPS:
        if age >= low and (high is None or age <= high):
            return label
    return None


def dependency_ratio(ages: Iterable[int | None]) -> Decimal | None:
    """Dependants (under 18 or 60 and over) per working-age member (18-59). Members of unknown age are
    left out. None when there is no working-age member (every member depends on others)."""
    known = [a for a in ages if a is not None]
    working = sum(1 for a in known if ADULT_AGE <= a < ELDERLY_AGE)
    dependants = len(known) - working
    if working == 0:
        return None
    return (Decimal(dependants) / Decimal(working)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- vulnerability -----------------------------------------------------------------------------

CRITERIA: dict[str, str] = {
    "female_headed": "Female-headed household",
    "elderly_headed": "Elderly-headed household (60+)",
    "child_headed": "Child-headed household (under 18)",
    "disability": "Member with a disability (WG-SS)",
    "chronic_illness": "Member with a chronic illness",
    "pregnant_lactating": "Pregnant or lactating member",
    "high_dependency": "High dependency ratio",
    "large_household": "Large household",
    "no_income": "No regular income",
    "debt": "In debt",
    "critical_shelter": "Critical shelter",
    "missing_documents": "Adult member without documents",
}

DEFAULT_WEIGHTS: dict[str, float] = {
    "female_headed": 3,
    "elderly_headed": 2,
    "child_headed": 3,
    "disability": 3,
    "chronic_illness": 2,
    "pregnant_lactating": 1,
    "high_dependency": 2,
    "large_household": 1,
    "no_income": 2,
    "debt": 1,
    "critical_shelter": 2,
    "missing_documents": 1,
}
DEFAULT_PARAMETERS: dict[str, float] = {"dependency_ratio_above": 1.5, "household_size_from": 8}
DEFAULT_BANDS: list[list] = [["low", 0], ["medium", 4], ["high", 7], ["very_high", 10]]
BAND_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "very_high": "Very high"}


@dataclass(frozen=True)
class MemberFacts:
    sex: str
    age: int | None
    relationship: str
    wg_answers: tuple[int | None, ...] = ()
    chronic_illness: bool = False
    pregnant_or_lactating: bool = False
    documents: tuple[str, ...] = ()

    @property
    def has_disability(self) -> bool:
        return wg_disability(self.wg_answers)


@dataclass(frozen=True)
class HouseholdFacts:
    members: tuple[MemberFacts, ...]
    critical_shelter: bool = False
    has_income: bool = True
    has_debt: bool = False

    @property
    def head(self) -> MemberFacts | None:
        return next((m for m in self.members if m.relationship == "head"), None)


@dataclass(frozen=True)
class VulnerabilitySpec:
    """The parts of a stored ``VulnerabilityModel`` that scoring needs."""

    weights: Mapping[str, float]
    parameters: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_PARAMETERS))
    bands: Sequence[Sequence] = field(default_factory=lambda: [list(b) for b in DEFAULT_BANDS])
    version: int = 0


@dataclass(frozen=True)
class VulnerabilityResult:
    score: Decimal
    band: str
    criteria: tuple[str, ...]


def criteria_met(facts: HouseholdFacts, parameters: Mapping[str, float]) -> tuple[str, ...]:
    """Which criteria the household meets, in the order of ``CRITERIA``."""
    head = facts.head
    met: set[str] = set()
    if head is not None:
        if head.sex == "f":
            met.add("female_headed")
        if head.age is not None and head.age >= ELDERLY_AGE:
            met.add("elderly_headed")
        if head.age is not None and head.age < ADULT_AGE:
            met.add("child_headed")
    if any(m.has_disability for m in facts.members):
        met.add("disability")
    if any(m.chronic_illness for m in facts.members):
        met.add("chronic_illness")
    if any(m.pregnant_or_lactating for m in facts.members):
        met.add("pregnant_lactating")
    ratio = dependency_ratio(m.age for m in facts.members)
    above = Decimal(str(parameters.get("dependency_ratio_above", DEFAULT_PARAMETERS["dependency_ratio_above"])))
    if facts.members and (ratio is None or ratio > above):
        met.add("high_dependency")
    size_from = int(parameters.get("household_size_from", DEFAULT_PARAMETERS["household_size_from"]))
    if len(facts.members) >= size_from:
        met.add("large_household")
    if not facts.has_income:
        met.add("no_income")
    if facts.has_debt:
        met.add("debt")
    if facts.critical_shelter:
        met.add("critical_shelter")
    if any(not m.documents and (m.age is None or m.age >= ADULT_AGE) for m in facts.members):
        met.add("missing_documents")
    return tuple(code for code in CRITERIA if code in met)


def band_for(score: Decimal, bands: Sequence[Sequence]) -> str:
    """The highest band whose minimum the score reaches; bands are ``[name, minimum]`` pairs."""
    chosen = ""
    for name, minimum in sorted(bands, key=lambda b: Decimal(str(b[1]))):
        if score >= Decimal(str(minimum)):
            chosen = name
    return chosen


def vulnerability(facts: HouseholdFacts, spec: VulnerabilitySpec) -> VulnerabilityResult:
    """Score = sum of the weights of the criteria met; band from the thresholds of the same version."""
    return score_criteria(criteria_met(facts, spec.parameters), spec)


def score_criteria(met: tuple[str, ...], spec: VulnerabilitySpec) -> VulnerabilityResult:
    """Score and band of a set of criteria met (in the order of ``CRITERIA``), for callers that found the
    criteria elsewhere (the set-based import decides them in SQL)."""
    score = sum((Decimal(str(spec.weights.get(code, 0))) for code in met), Decimal("0")).quantize(Decimal("0.01"))
    return VulnerabilityResult(score=score, band=band_for(score, spec.bands), criteria=met)


def check_spec(weights: Mapping, parameters: Mapping, bands: Sequence) -> dict[str, str]:
    """Problems with a model a manager typed, by field; empty when it can be saved."""
    problems: dict[str, str] = {}
    unknown = sorted(set(weights) - set(CRITERIA))
    if unknown:
        problems["weights"] = f"unknown criteria: {', '.join(unknown)}"
    elif any(not isinstance(v, int | float) or v < 0 or v > 100 for v in weights.values()):
        problems["weights"] = "every weight must be a number from 0 to 100"
    if not bands:
        problems["bands"] = "give at least one band"
    else:
        names = [b[0] for b in bands]
        minimums = [b[1] for b in bands]
        if len(set(names)) != len(names) or any(not str(n).strip() for n in names):
            problems["bands"] = "band names must be present and different"
        elif any(not isinstance(m, int | float) for m in minimums):
            problems["bands"] = "band minimums must be numbers"
        elif sorted(minimums) != list(minimums) or len(set(minimums)) != len(minimums):
            problems["bands"] = "band minimums must rise strictly from the first band to the last"
        elif minimums[0] != 0:
            problems["bands"] = "the first band must start at 0 so every household gets a band"
    for key in ("dependency_ratio_above", "household_size_from"):
        value = parameters.get(key)
        if not isinstance(value, int | float) or value <= 0:
            problems["parameters"] = f"{key} must be a positive number"
    return problems


# --- barriers to return ---------------------------------------------------------------------------


def barrier_categories(barriers: Iterable[str], category_of: Mapping[str, int]) -> list[int]:
    """The categories (1, 2, 3) a household's barriers fall in, sorted; unknown codes are ignored."""
    return sorted({category_of[b] for b in barriers if b in category_of})


# --- duplicates -----------------------------------------------------------------------------------

NAME_SIMILARITY_THRESHOLD = 85
_NON_LETTERS = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Common transliteration variants of the same name in Dari, Pashto and Arabic records.
_VARIANTS = {
    "mohammad": "muhammad",
    "mohammed": "muhammad",
    "muhammed": "muhammad",
    "mohamad": "muhammad",
    "mohamed": "muhammad",
    "mohd": "muhammad",
    "ahmed": "ahmad",
    "abdul": "abd",
    "abdel": "abd",
    "abdol": "abd",
}


def normalise_name(name: str) -> str:
    """Lower case, accents and punctuation removed, transliteration variants folded."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _SPACES.sub(" ", _NON_LETTERS.sub(" ", text)).strip()
    tokens = (_VARIANTS.get(token, token) for token in text.split())
    # Long vowels are written doubled or not (Raheem / Rahim, Noor / Nur).
    return " ".join(t.replace("ee", "i").replace("oo", "u").replace("aa", "a") for t in tokens)


def name_similarity(a: str, b: str) -> int:
    """0-100: how alike two names are, ignoring word order (``Ahmad Gul`` ~ ``Gul Ahmed``)."""
    from rapidfuzz import fuzz

    return round(fuzz.token_sort_ratio(normalise_name(a), normalise_name(b)))


def phone_key(phone: str) -> str:
    """The part of a phone number that identifies it whatever prefix was typed: the last nine digits
    (Afghan and Iraqi mobile numbers without the country code or trunk 0). Empty if too short."""
    digits = "".join(c for c in phone if c.isdigit())
    return digits[-9:] if len(digits) >= 9 else ""


def births_match(a: datetime.date | None, a_estimated: bool, b: datetime.date | None, b_estimated: bool) -> bool:
    """Same birth date; when either was estimated from a stated age, birth years within one."""
    if a is None or b is None:
        return False
    if a_estimated or b_estimated:
        return abs(a.year - b.year) <= 1
    return a == b
