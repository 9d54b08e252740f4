"""Every public function of every app's services module is a ``@service``: transactional and audited."""

import inspect
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.conf import settings

PROJECT = Path(settings.BASE_DIR)


def _service_modules():
    """The services modules of the project's own apps (not of installed libraries)."""
    for config in apps.get_app_configs():
        path = Path(config.path)
        if PROJECT in path.parents and ".venv" not in path.parts and find_spec(f"{config.name}.services"):
            yield import_module(f"{config.name}.services")


def test_every_public_service_function_is_decorated():
    undecorated = []
    modules = list(_service_modules())
    assert any(m.__name__ == "core.services" for m in modules)
    for module in modules:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if not getattr(function, "is_service", False):
                undecorated.append(f"{module.__name__}.{name}")
    assert undecorated == [], f"not marked @service (unaudited writes): {undecorated}"


def test_every_service_takes_keyword_arguments_only():
    positional = []
    for module in _service_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = inspect.signature(inspect.unwrap(function)).parameters.values()
            if any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters):
                positional.append(f"{module.__name__}.{name}")
    assert positional == []
