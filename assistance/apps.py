from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("Assistance")

    def ready(self) -> None:
        from . import navigation

        navigation.register()
