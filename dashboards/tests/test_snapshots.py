"""Dashboard figures counted in the background: read from a snapshot while fresh, recounted when stale
or on request, shared only by users of the same scope, and kept up by the beat's round."""

import datetime
import json
import time

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Role
from core.tests.factories import UserFactory
from dashboards import selectors, snapshots
from dashboards.models import FigureSnapshot
from dashboards.selectors import DashboardFilters

from .factories import grow


@pytest.fixture(autouse=True)
def _snapshots_on(settings):
    settings.ABR_DASHBOARD_FRESH_SECONDS = 900


def _headline(client, **params):
    return client.get(reverse("dashboards:programme"), params).context["headline"]


def _age(seconds: int) -> None:
    """Make every snapshot look counted ``seconds`` ago."""
    FigureSnapshot.objects.update(counted_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_figures_are_counted_once_then_read_while_fresh(client, programme, manager, places, iom):
    client.force_login(manager)
    first = _headline(client)
    assert (first.households_assisted, first.total_beneficiaries) == (3, 9)
    assert FigureSnapshot.objects.count() == 1
    grow(places, iom, 2)
    with CaptureQueriesContext(connection) as reading:
        response = client.get(reverse("dashboards:programme"))
    assert response.context["headline"] == first  # read, not counted again
    assert not response.context["counting"]
    assert len(reading.captured_queries) <= 12
    assert not [q for q in reading.captured_queries if "assistance_assistancerecord" in q["sql"]]
    assert "Figures counted at" in response.content.decode()


def test_a_stale_snapshot_is_recounted(client, programme, manager, places, iom):
    client.force_login(manager)
    _headline(client)
    grow(places, iom, 2)
    _age(901)
    assert _headline(client).households_assisted == 5  # no worker in tests: recounted in the request
    snapshot = FigureSnapshot.objects.get()
    assert snapshot.queued_at is None
    assert snapshot.count_ms >= 0


def test_count_again_now(client, programme, manager, places, iom):
    client.force_login(manager)
    _headline(client, area="AF06")
    grow(places, iom, 2)
    response = client.post(reverse("dashboards:recount") + "?area=AF06")
    assert response.status_code == 302
    assert response.url == reverse("dashboards:programme") + "?area=AF06"
    assert _headline(client, area="AF06").households_assisted == 3  # hh1, hh2 and one grown in Kaga


def test_count_again_is_for_managers_only(client, programme, field_officer):
    client.force_login(field_officer)
    assert client.post(reverse("dashboards:recount")).status_code == 403
    assert not FigureSnapshot.objects.exists()


def test_users_of_one_scope_share_figures_and_other_scopes_never_read_them(
    client, programme, manager, nangarhar_manager, places, iom
):
    colleague = UserFactory(
        username="manager.two", role=Role.MANAGER, organisation=iom, areas=[places.herat, places.nangarhar]
    )
    client.force_login(manager)
    assert _headline(client).households_assisted == 3
    client.force_login(colleague)
    assert _headline(client).households_assisted == 3
    assert FigureSnapshot.objects.count() == 1  # same organisation, role and areas: one count
    client.force_login(nangarhar_manager)
    assert _headline(client).households_assisted == 2  # hh1 and hh2 only
    assert FigureSnapshot.objects.count() == 2


def test_a_changed_scope_never_reads_the_old_figures(client, programme, manager, places):
    client.force_login(manager)
    assert _headline(client).households_assisted == 3
    old = FigureSnapshot.objects.get()
    manager.membership.areas.set([places.nangarhar])
    client.force_login(manager)  # a new request reads the new scope
    assert _headline(client).households_assisted == 2
    assert FigureSnapshot.objects.count() == 2
    assert snapshots.figure_snapshot_count(snapshot=FigureSnapshot.objects.get(pk=old.pk)) is None
    assert not FigureSnapshot.objects.filter(pk=old.pk).exists()  # dropped, not counted with the new scope


def test_each_language_has_its_own_labels(client, programme, manager):
    client.force_login(manager)
    english = client.get(reverse("dashboards:programme")).context["pipelines"][0]["table"]
    with translation.override("fa-af"):
        key = selectors.scope_fingerprint(manager, "programme", {}, "fa-af")
    assert key != FigureSnapshot.objects.get().key
    snapshot = FigureSnapshot.objects.create(
        key=key, counted_for=manager, language="fa-af", filters={}, requested_at=timezone.now()
    )
    snapshots.figure_snapshot_count(snapshot=snapshot)
    snapshot.refresh_from_db()
    assert snapshot.figures["pipelines"]["profiling.households"][0]["stage"] != english[0][0]


def test_figures_survive_the_round_trip_through_json(programme, manager):
    figures = selectors.count_dashboard_figures(manager, DashboardFilters())
    data = json.loads(json.dumps(selectors.figures_as_json(figures), cls=DjangoJSONEncoder))
    again = selectors.figures_from_json(data, figures.computed_at)
    assert again.headline == figures.headline
    assert again.people == figures.people
    assert again.results == figures.results
    assert again.pipelines == {k: [dict(r) for r in v] for k, v in figures.pipelines.items()}


def test_the_beat_round_keeps_managers_counted_and_forgets_the_rest(programme, manager, nangarhar_manager, places, iom):
    now = timezone.now()
    manager.last_login = now - datetime.timedelta(days=1)
    manager.save(update_fields=["last_login"])
    nangarhar_manager.last_login = now - datetime.timedelta(days=40)  # gone quiet: nothing counted for them
    nangarhar_manager.save(update_fields=["last_login"])

    def ask(filters, requested_days_ago):
        key = selectors.scope_fingerprint(manager, "programme", filters.as_params(), "en")
        return FigureSnapshot.objects.create(
            key=key,
            counted_for=manager,
            language="en",
            filters=filters.as_params(),
            requested_at=now - datetime.timedelta(days=requested_days_ago),
        )

    asked_today = ask(DashboardFilters(sector="shelter"), 0)
    asked_last_week = ask(DashboardFilters(sector="livelihoods"), 7)
    forgotten = ask(DashboardFilters(sector="wash"), 20)

    assert snapshots.figure_snapshots_refresh(now=now) == {"forgotten": 1, "counted": 2}
    assert not FigureSnapshot.objects.filter(pk=forgotten.pk).exists()
    whole_programme = FigureSnapshot.objects.get(filters={})
    assert whole_programme.counted_for == manager
    assert whole_programme.figures["headline"]["households_assisted"] == 3
    assert FigureSnapshot.objects.get(pk=asked_today.pk).counted_at is not None
    assert FigureSnapshot.objects.get(pk=asked_last_week.pk).counted_at is None  # counted when next asked for
    assert FigureSnapshot.objects.count() == 3

    grow(places, iom, 1)
    assert snapshots.figure_snapshots_refresh(now=now)["counted"] == 0  # fresh: nothing to do
    later = now + datetime.timedelta(seconds=901)
    assert snapshots.figure_snapshots_refresh(now=later)["counted"] == 2
    assert FigureSnapshot.objects.get(filters={}).figures["headline"]["households_assisted"] == 4


def test_the_area_view_is_read_from_its_own_snapshot(client, programme, manager, places, iom):
    client.force_login(manager)
    first = client.get(reverse("dashboards:areas")).context["rows"]
    assert {r.pcode: r.households_assisted for r in first if r.level == 1} == {"AF06": 2, "AF32": 1}
    assert FigureSnapshot.objects.get().view == "areas"
    grow(places, iom, 2)
    with CaptureQueriesContext(connection) as reading:
        again = client.get(reverse("dashboards:areas")).context["rows"]
    assert again == first
    assert not [q for q in reading.captured_queries if "profiling_household" in q["sql"]]
    response = client.post(reverse("dashboards:recount") + "?area=AF06", {"view": "areas"})
    assert response.url == reverse("dashboards:areas") + "?area=AF06"
    rows = client.get(reverse("dashboards:areas"), {"area": "AF06"}).context["rows"]
    assert {r.pcode: r.households_assisted for r in rows if r.level == 1} == {"AF06": 3}


def test_the_beat_round_is_scheduled():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["dashboards-refresh-figures"]["task"] == "dashboards.refresh_figures"


@pytest.mark.redis
def test_a_new_choice_is_counted_by_a_real_worker(client, programme, manager, redis_worker):
    """With a worker, the first page says the figures are being counted and reloads itself; the worker
    (through Redis) counts them; the next page shows them."""
    from abr.celery import app

    def route(routes):  # the router is built once per process: rebuild it from the new routes
        app.conf.task_routes = routes
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()

    previous = app.conf.task_routes
    route({"dashboards.count_figures": {"queue": redis_worker}})
    try:
        client.force_login(manager)
        response = client.get(reverse("dashboards:programme"))
        html = response.content.decode()
        assert response.context["figures"] is None
        assert response.context["counting"]
        assert 'http-equiv="refresh"' in html
        assert 'id="counting"' in html
        deadline = time.monotonic() + 30
        while FigureSnapshot.objects.get().figures is None and time.monotonic() < deadline:
            time.sleep(0.2)
        response = client.get(reverse("dashboards:programme"))
        assert response.context["headline"].households_assisted == 3
        assert 'http-equiv="refresh"' not in response.content.decode()
    finally:
        route(previous)


def test_figures_stored_in_an_older_shape_are_recounted_not_misread(client, programme, manager):
    client.force_login(manager)
    _headline(client)
    FigureSnapshot.objects.update(figures={"version": 0, "headline": {"households": 3}})
    assert _headline(client).households_assisted == 3
    assert FigureSnapshot.objects.get().figures["version"] == selectors.FIGURES_VERSION


def test_a_count_that_fails_releases_its_claim(programme, manager, monkeypatch):
    snapshot = FigureSnapshot.objects.create(
        key=selectors.scope_fingerprint(manager, "programme", {}, "en"),
        counted_for=manager,
        language="en",
        filters={},
        requested_at=timezone.now(),
        queued_at=timezone.now(),
    )

    def broken(user, filters, params):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(selectors.SNAPSHOT_VIEWS, "programme", selectors.SnapshotView(count=broken, read=None))
    with pytest.raises(RuntimeError):
        snapshots.figure_snapshot_count(snapshot=snapshot)
    snapshot.refresh_from_db()
    assert snapshot.queued_at is None
    assert snapshot.figures is None
