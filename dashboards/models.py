"""Figures of the programme dashboard, counted in the background and kept per scope and filters."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class FigureSnapshot(models.Model):
    """The figures of a dashboard page (the programme dashboard, the area view) for one scope, language
    and set of filters.

    Counting them reads every delivery and member row in the scope: seconds for a national manager at a
    million households. They are counted by a task and read from here, so no manager waits for a count.
    ``key`` fingerprints what the figures depend on (organisation, role, areas, sensitive access,
    visible panels, language, view, filters): users with the same scope share one snapshot, and a changed
    scope never reads figures counted for the old one.
    """

    key = models.CharField(max_length=64, unique=True)
    # The user whose scope the figures are counted with; any user of the same scope reads them.
    counted_for = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    view = models.CharField(max_length=20, default="programme")  # a key of selectors.SNAPSHOT_VIEWS
    language = models.CharField(max_length=10)
    filters = models.JSONField(default=dict, blank=True)
    figures = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    counted_at = models.DateTimeField(null=True, blank=True)
    count_ms = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField()  # last time a page asked for these figures
    queued_at = models.DateTimeField(null=True, blank=True)  # a recount is queued or running since

    class Meta:
        indexes = [models.Index(fields=["requested_at"], name="dash_snapshot_requested")]

    def __str__(self) -> str:
        return f"{self.key[:12]} ({self.language}) {self.counted_at or '-'}"
