"""How a later stage shows, under each action of a plan, what carries it out.

The assistance stage owns the link (its community projects and activities have a foreign key to
``caps.Action``); caps never imports it. Two ways to show the link on the plan page:

* ``register_action_links(key, provider)`` (preferred): ``provider(user, actions)`` receives every
  action of the plan at once and returns ``{action_id: [ActionLink, ...]}``, so one query serves the
  whole plan whatever its size.
* ``core.navigation.register_section(DetailSection(page="cap_action", ...))``: a block rendered under
  one action, ``context(user, action)`` called once per action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionLink:
    label: str  # e.g. "Community project CP-0042: two hand pumps in Kaga"
    url: str = ""
    status: str = ""  # e.g. "ongoing", shown as a badge


Provider = Callable[[object, Sequence[object]], dict[int, list[ActionLink]]]

_providers: dict[str, Provider] = {}


def register_action_links(key: str, provider: Provider) -> None:
    _providers[key] = provider


def unregister_action_links(key: str) -> None:
    _providers.pop(key, None)


def action_links_for(user, actions: Sequence[object]) -> dict[int, list[ActionLink]]:
    """Every registered provider's links for these actions, merged by action id."""
    links: dict[int, list[ActionLink]] = {}
    if not actions:
        return links
    for key in sorted(_providers):
        for action_id, found in _providers[key](user, actions).items():
            links.setdefault(action_id, []).extend(found)
    return links
