"""A small programme counted by hand, in Nangarhar (AF06) and Herat (AF32), with another agency's record
in the same settlement that nobody at IOM may count.

| household | settlement | status   | members (sex, born, disability)        | assistance                           |
|-----------|------------|----------|----------------------------------------|--------------------------------------|
| hh1       | Kaga AF06  | IDP      | m 1980 (head), f 2015 with disability  | shl-repair 2026-03-01 (household)     |
| hh2       | Kaga AF06  | returnee | f 1990 (head), m 2020                  | ery-apprenticeship 2026-03-10 (head)  |
| hh3       | Karizak AF32 | IDP    | m 1950 (head)                          | shl-repair 2026-04-05 (household)     |
| hh4       | Kaga AF06  | host     | m 1980 (head)                          | shl-nfi-kit planned                   |
| other     | Kaga AF06  | IDP      | (OTHER agency)                         | shl-repair 2026-03-01                 |

A water point completed in Kaga on 2026-04-01 reached 4 households: 3 women, 2 boys under 6.
Targets SHL-01: 10 in AF06 and 5 in AF32 for 2026. Two referrals in Kaga (one overdue), one in Karizak.
"""

from __future__ import annotations

import pytest

from core.models import Role
from core.tests.factories import UserFactory

from .factories import Programme, build_programme


@pytest.fixture(autouse=True)
def _fresh_figures(settings):
    """Figures computed on every request: the tests count queries and change data between requests."""
    settings.ABR_DASHBOARD_FRESH_SECONDS = 0


@pytest.fixture
def programme(places, iom, manager) -> Programme:
    return build_programme(places, iom)


@pytest.fixture
def nangarhar_manager(places, iom):
    """A manager of IOM assigned to Nangarhar (AF06) only."""
    return UserFactory(username="manager.af06", role=Role.MANAGER, organisation=iom, areas=[places.nangarhar])
