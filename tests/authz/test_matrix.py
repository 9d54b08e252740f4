"""The authorization matrix: every browser route, every role, and {own area, other area, other organisation}.

The routes come from the URL resolver; a route missing from ``routes.ROUTES`` fails the build, so a new
page cannot ship without saying who may open it. Records of another area or organisation must look
absent (404), a role that may not use a route gets 403, and nobody signed out gets past the login page.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.models import Role

from .routes import API_ROUTES, ROUTES, Route
from .world import OTHER_AREA, OTHER_ORG, OWN, POSITIONS, ROLES, World, build_world

SKIPPED_PREFIXES = ("django-admin/", "api/")


def _named_routes(patterns=None, prefix: str = "", namespace: str | None = None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = str(pattern.pattern)
            yield from _named_routes(pattern.url_patterns, prefix + inner, pattern.namespace or namespace)
        elif (
            isinstance(pattern, URLPattern)
            and pattern.name
            and not (prefix + str(pattern.pattern)).startswith(SKIPPED_PREFIXES)
        ):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_browser_route_is_in_the_matrix():
    routes = set(_named_routes())
    assert sorted(routes - set(ROUTES)) == [], "add these routes to tests/authz/routes.py"
    assert sorted(set(ROUTES) - routes) == [], "these matrix entries name routes that no longer exist"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; every test runs in
    a savepoint of it, so what a test changes is undone before the next."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _positions(route: Route, world: World) -> list[str]:
    if route.job:
        return [OWN, OTHER_AREA]
    if route.kind:
        return [p for p in POSITIONS if p in world.objects[route.kind]]
    return [OWN]


def _url(name: str, route: Route, world: World, role: str, position: str) -> str:
    if route.query:
        obj = world.objects[route.kind][position]
        return f"{reverse(name)}?{route.query}={obj.pk}"
    kwargs = {}
    if route.job:
        owner = role if position == OWN else "someone"
        kwargs["pk"] = world.jobs[(owner, route.job)].pk
    if route.kind:
        obj = world.objects[route.kind][position]
        kwargs[route.kwarg_name or route.lookup] = getattr(obj, route.lookup)
        for kwarg, kind in route.kwargs.items():
            by_position = world.objects[kind]
            kwargs[kwarg] = (by_position.get(position) or by_position[OWN]).pk
    return reverse(name, kwargs=kwargs)


def _call(client, route: Route, url: str, world: World | None = None, position: str = OWN):
    if route.method != "POST":
        return client.get(url)
    data = {name: world.objects[kind][position].pk for name, kind in route.data.items()} if world else {}
    return client.post(url, data)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_access(name, world, client, db):
    route = ROUTES[name]
    problems = []
    for position in _positions(route, world):
        url = _url(name, route, world, "someone", position) if route.job else _url(name, route, world, "", position)
        client.logout()
        status = _call(client, route, url).status_code
        if route.public:
            if status >= 400:
                problems.append(f"anonymous {position}: {status}, expected the public page")
        elif status != 302:
            problems.append(f"anonymous {position}: {status}, expected a redirect to sign in")
        for role in ROLES:
            user = world.users[role]
            client.force_login(user)
            url = _url(name, route, world, role, position)
            status = _call(client, route, url, world, position).status_code
            if route.public:
                expected_ok = status < 500
            elif role not in route.roles:
                expected_ok = status in (403, 404)
            elif role == Role.PARTNER and route.kind and role not in route.everywhere:
                reachable = position in route.partner_positions
                expected_ok = (status not in (401, 403, 404) and status < 500) if reachable else status in (403, 404)
            elif position == OWN or role in route.everywhere:
                expected_ok = status not in (401, 403, 404) and status < 500
            else:
                expected_ok = status == 404
            if not expected_ok:
                problems.append(f"{role} {position}: {status}")
    assert problems == [], f"{name}: " + "; ".join(problems)


def test_other_organisation_in_the_same_area_sees_nothing_in_lists(world, client, db):
    """A manager of another agency working in the same district opens every list page: none of IOM's
    records appears."""
    client.force_login(world.outsider)
    own_markers = [
        world.objects["household"][OWN].head_name,
        world.objects["household"][OTHER_AREA].head_name,
        world.objects["plan"][OWN].title,
        world.objects["assessment"][OWN].title,
        world.objects["facility"][OWN].name,
        world.objects["council"][OWN].name,
    ]
    leaks = []
    for name, route in ROUTES.items():
        if route.kind or route.job or route.method != "GET" or route.public or "list" not in name:
            continue
        html = client.get(reverse(name)).content.decode()
        leaks += [f"{name}: {marker}" for marker in own_markers if marker in html]
    assert leaks == []
    assert world.objects["household"][OTHER_ORG].head_name  # the outsider's own record exists


def test_every_api_endpoint_is_in_the_matrix():
    from abr.api_urls import router

    registered = {basename for _prefix, _viewset, basename in router.registry}
    assert sorted(registered - set(API_ROUTES)) == [], "add these endpoints to API_ROUTES in tests/authz/routes.py"
    assert sorted(set(API_ROUTES) - registered) == []


def _ids(response, lookup: str) -> set[str]:
    """What identifies each listed row: the lookup field when the rows carry it, else the id."""
    return {str(row.get(lookup, row.get("id"))) for row in response.json().get("results", [])}


@pytest.mark.parametrize("basename", sorted(API_ROUTES))
def test_api_access(basename, world, client, db):
    route = API_ROUTES[basename]
    problems = []
    list_url = reverse(f"api:{basename}-list")
    client.logout()
    if client.get(list_url).status_code != 401:
        problems.append("anonymous list: expected 401")
    for role in ROLES:
        client.force_login(world.users[role])
        listing = client.get(list_url)
        allowed = role in route.roles
        if not allowed:
            if listing.status_code != 403:
                problems.append(f"{role} list: {listing.status_code}, expected 403")
            continue
        if listing.status_code != 200:
            problems.append(f"{role} list: {listing.status_code}")
            continue
        if route.kind is None:
            continue
        seen = _ids(listing, route.lookup if route.lookup != "pk" else "id")
        for position, obj in world.objects[route.kind].items():
            key = str(getattr(obj, route.lookup))
            detail = client.get(reverse(f"api:{basename}-detail", kwargs={route.lookup: key}))
            if role in route.everywhere:
                reachable = True
            elif role == Role.PARTNER:
                reachable = position in route.partner_positions
                if reachable and route.partner_list_only:
                    if not seen:
                        problems.append(f"{role} {position}: expected de-identified rows in the list")
                    reachable = False
            else:
                reachable = position == OWN
            if reachable and detail.status_code != 200:
                problems.append(f"{role} {position} detail: {detail.status_code}, expected 200")
            if not reachable and detail.status_code != 404:
                problems.append(f"{role} {position} detail: {detail.status_code}, expected 404")
            if not reachable and key in seen:
                problems.append(f"{role} {position}: listed")
    assert problems == [], f"{basename}: " + "; ".join(problems)
