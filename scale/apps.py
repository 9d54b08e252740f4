from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScaleConfig(AppConfig):
    """Tooling, not a stage: seeds national-scale synthetic data for benchmarks. Owns no models."""

    name = "scale"
    verbose_name = _("Scale tooling")
