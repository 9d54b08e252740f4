"""Dashboards in the shell: the menu entry, and the pipeline panels built from the earlier stages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.models import Role
from core.navigation import NavItem, register_nav
from core.pipelines import PipelinePanel, register_pipeline

READERS = frozenset({Role.MANAGER, Role.ADMIN})


def _profiling(user, filters):
    from .selectors import profiling_pipeline

    return profiling_pipeline(user, filters)


def _referrals(user, filters):
    from .selectors import referral_pipeline

    return referral_pipeline(user, filters)


def _caps(user, filters):
    from .selectors import cap_pipeline

    return cap_pipeline(user, filters)


def register() -> None:
    register_nav(NavItem("dashboard", _("Dashboard"), "dashboards:programme", READERS, order=80))
    register_pipeline(
        PipelinePanel(
            key="profiling.households",
            title=_("Households: profiled to assisted"),
            rows=_profiling,
            label="stage",
            columns=(("households", _("Households")),),
            chart="households",
            order=10,
        )
    )
    register_pipeline(
        PipelinePanel(
            key="referrals.status",
            title=_("Referrals by status"),
            rows=_referrals,
            label="status",
            columns=(("referrals", _("Referrals")), ("overdue", _("Overdue"))),
            chart="referrals",
            order=20,
        )
    )
    register_pipeline(
        PipelinePanel(
            key="caps.priorities",
            title=_("CAP priorities by plan status"),
            rows=_caps,
            label="status",
            columns=(("priorities", _("Priorities")),),
            chart="priorities",
            order=30,
        )
    )
