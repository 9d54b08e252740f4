"""Fixtures every app's tests share: a small P-code tree and users of each role in it."""

import contextlib
import logging

import pytest

from core.models import AdminLevel, Role
from core.tests.factories import AdminAreaFactory, OrganisationFactory, UserFactory


class Places:
    """Afghanistan: Nangarhar/Khogyani and Herat/Injil, one settlement each; Iraq: Anbar/Falluja."""

    def __init__(self):
        self.afg = AdminAreaFactory(pcode="AFG", name="Afghanistan", level=AdminLevel.COUNTRY, country_code="AFG")
        self.nangarhar = AdminAreaFactory(pcode="AF06", name="Nangarhar", parent=self.afg)
        self.khogyani = AdminAreaFactory(pcode="AF0608", name="Khogyani", parent=self.nangarhar)
        self.kaga = AdminAreaFactory(pcode="AF0608S001", name="Kaga", parent=self.khogyani)
        self.herat = AdminAreaFactory(pcode="AF32", name="Hirat", parent=self.afg)
        self.injil = AdminAreaFactory(pcode="AF3202", name="Injil", parent=self.herat)
        self.karizak = AdminAreaFactory(pcode="AF3202S002", name="Karizak", parent=self.injil)
        self.irq = AdminAreaFactory(pcode="IRQ", name="Iraq", level=AdminLevel.COUNTRY, country_code="IRQ")
        self.anbar = AdminAreaFactory(pcode="IQG01", name="Al-Anbar", parent=self.irq)
        self.falluja = AdminAreaFactory(pcode="IQG01Q02", name="Al-Falluja", parent=self.anbar)


@pytest.fixture
def places(db) -> Places:
    return Places()


@pytest.fixture
def iom(db):
    return OrganisationFactory(acronym="IOM", name="International Organization for Migration")


@pytest.fixture
def nrc(db):
    return OrganisationFactory(acronym="NRC", name="Norwegian Refugee Council", partner=True)


@pytest.fixture
def field_officer(places, iom):
    """Field staff of IOM assigned to Khogyani (AF0608)."""
    return UserFactory(username="field.khogyani", role=Role.FIELD_STAFF, organisation=iom, areas=[places.khogyani])


@pytest.fixture
def field_officer_injil(places, iom):
    return UserFactory(username="field.injil", role=Role.FIELD_STAFF, organisation=iom, areas=[places.injil])


@pytest.fixture
def desk_officer(places, iom):
    return UserFactory(username="desk.khogyani", role=Role.DESK_OFFICER, organisation=iom, areas=[places.khogyani])


@pytest.fixture
def manager(places, iom):
    return UserFactory(username="manager", role=Role.MANAGER, organisation=iom, areas=[places.nangarhar, places.herat])


@pytest.fixture
def partner_user(places, nrc):
    return UserFactory(username="partner.nrc", role=Role.PARTNER, organisation=nrc, areas=[])


@pytest.fixture
def admin_user(places, iom):
    return UserFactory(username="admin", role=Role.ADMIN, organisation=iom, areas=[places.afg, places.irq])


@pytest.fixture
def other_org_officer(places):
    """Field staff of another organisation, in the same district: sees none of IOM's records."""
    other = OrganisationFactory(acronym="OTHER", name="Other Agency")
    return UserFactory(username="field.other", role=Role.FIELD_STAFF, organisation=other, areas=[places.khogyani])


@pytest.fixture
def redis_worker(transactional_db):
    """A real Celery worker consuming from the real Redis broker (REDIS_URL), on a queue of its own.

    Yields the queue name; tasks sent there with ``apply_async(queue=...)`` go through Redis and come
    back through the Redis result backend. Skipped when REDIS_URL is not set.
    """
    import uuid

    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from abr.celery import app

    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: no broker to test against")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL)
    try:
        with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=10):
            yield queue
    finally:
        app.conf.update(previous)


# --- Planted personal data must never reach the logs ---------------------------------------------
# Every test that uses the database is checked: the personal values its rows hold (names, phones)
# must not appear in anything logged during the test, after the project's log filters have run.
PERSONAL_FIELDS = {
    "profiling.Household": ("head_name", "phone"),
    "profiling.Member": ("name",),
}
MIN_PERSONAL_VALUE_LENGTH = 6


class _LogCapture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        with contextlib.suppress(Exception):  # a record that cannot be formatted cannot leak anything
            self.lines.append(self.format(record))


@pytest.fixture(scope="session")
def _log_capture():
    root = logging.getLogger()
    capture = _LogCapture()
    for handler in root.handlers:
        for log_filter in handler.filters:
            capture.addFilter(log_filter)
    root.addHandler(capture)
    yield capture
    root.removeHandler(capture)


def _database_fixture(request) -> str | None:
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names or (marker and marker.kwargs.get("transaction")):
        return "transactional_db"
    if "db" in names or marker:
        return "db"
    return None


@pytest.fixture(autouse=True)
def _no_personal_data_in_logs(request, _log_capture):
    from django.apps import apps

    database = _database_fixture(request)
    if database:
        request.getfixturevalue(database)  # set up first, so it is still there when this checks
    root = logging.getLogger()
    if _log_capture not in root.handlers:  # a worker start re-runs Django's logging set-up
        root.addHandler(_log_capture)
    start = len(_log_capture.lines)
    yield
    if database is None:
        return
    logged = "\n".join(_log_capture.lines[start:])
    if not logged:
        return
    leaked = []
    for label, fields in PERSONAL_FIELDS.items():
        model = apps.get_model(label)
        for values in model.objects.values_list(*fields):
            leaked.extend(v for v in values if v and len(v) >= MIN_PERSONAL_VALUE_LENGTH and v in logged)
    assert not leaked, f"personal data written to the logs: {sorted(set(leaked))[:5]}"
