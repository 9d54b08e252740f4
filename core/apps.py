from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import navigation
        from .api import schema  # noqa: F401 - registers the token scheme with the OpenAPI generator
        from .middleware import stamp_sign_in

        navigation.register_core()
        from .retention import register_core_rules

        register_core_rules()
        user_logged_in.connect(stamp_sign_in, dispatch_uid="abr_stamp_sign_in")
