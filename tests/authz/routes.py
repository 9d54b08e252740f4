"""Who may use each browser route, and on which record. Every named route must be listed here.

``roles``: roles that may use the route at all (others get 403). ``kind``: the kind of record in the
URL (see world.py); for such routes an allowed role reaches the record in its own area (not 403/404) and
gets 404 for the record in another area or of another organisation. ``job``: the URL names a background
job, which only its creator may open. ``method``: how the route is called in the matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.models import Role

FS, DO, MG, PT, AD = Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.PARTNER, Role.ADMIN
EVERYONE = frozenset({FS, DO, MG, PT, AD})
STAFF = frozenset({FS, DO, MG, AD})
ADMIN = frozenset({AD})
PLANNERS = frozenset({MG, AD})
MANAGER = frozenset({MG})
REGISTRARS = frozenset({FS, MG})
REFERRERS = frozenset({FS, DO, MG})
DESK = frozenset({DO, MG, AD})
COMPLAINT_READERS = frozenset({DO, MG, AD})
ADDRESSED = frozenset({"own", "other_area"})  # the world's referrals addressed to NRC


@dataclass(frozen=True)
class Route:
    roles: frozenset[str] = frozenset()
    kind: str | None = None
    method: str = "GET"
    public: bool = False
    job: str | None = None
    kwargs: dict = field(default_factory=dict)  # extra kwarg name -> kind, e.g. {"target_pk": "round_target"}
    lookup: str = "pk"
    kwarg_name: str | None = None  # the URL's name for the lookup, when it is not the lookup itself
    everywhere: frozenset[str] = frozenset()  # roles that reach the records of any area (reference data)
    partner_positions: frozenset[str] = frozenset()  # records the partner reaches (addressed to it)
    query: str | None = None  # the record goes in this query parameter instead of the path
    data: dict = field(default_factory=dict)  # POST field name -> kind, resolved for the same position


ROUTES: dict[str, Route] = {
    # core
    "core:home": Route(EVERYONE),
    "core:login": Route(public=True),
    "core:logout": Route(EVERYONE, method="POST"),
    "core:preferences": Route(EVERYONE),
    "core:area_browse": Route(STAFF),
    "core:area_search": Route(EVERYONE),
    "core:area_detail": Route(STAFF, kind="area", lookup="pcode", everywhere=ADMIN),
    "core:account_list": Route(ADMIN),
    "core:account_create": Route(ADMIN),
    "core:account_edit": Route(ADMIN, kind="membership"),
    "core:account_deactivate": Route(ADMIN, kind="membership", method="POST"),
    "core:account_reactivate": Route(ADMIN, kind="membership", method="POST"),
    "core:audit_list": Route(ADMIN),
    "core:token_list": Route(ADMIN),
    "core:token_create": Route(ADMIN),
    "core:token_revoke": Route(ADMIN, kind="token", method="POST"),
    "core:agreement_list": Route(ADMIN),
    "core:agreement_create": Route(ADMIN),
    "core:agreement_edit": Route(ADMIN, kind="agreement"),
    "core:job_detail": Route(EVERYONE, job="core.job"),
    "core:mfa_setup": Route(EVERYONE),
    "core:mfa_verify": Route(EVERYONE),
    "core:mfa_recovery_codes": Route(EVERYONE, method="POST"),
    # targeting
    "targeting:target_area_list": Route(STAFF),
    "targeting:dataset_list": Route(PLANNERS),
    "targeting:dataset_import": Route(MANAGER),
    "targeting:import_status": Route(MANAGER, job="targeting.dtm_import"),
    "targeting:dataset_detail": Route(PLANNERS, kind="dataset"),
    "targeting:model_list": Route(PLANNERS),
    "targeting:model_create": Route(MANAGER),
    "targeting:model_new_version": Route(MANAGER, kind="scoring_model"),
    "targeting:round_list": Route(PLANNERS),
    "targeting:round_create": Route(MANAGER),
    "targeting:round_detail": Route(PLANNERS, kind="round"),
    "targeting:round_areas": Route(PLANNERS, kind="round"),
    "targeting:round_rescore": Route(MANAGER, kind="round", method="POST"),
    "targeting:round_select": Route(MANAGER, kind="round", method="POST"),
    "targeting:round_deselect": Route(MANAGER, kind="round", method="POST", kwargs={"target_pk": "round_target"}),
    "targeting:round_approve": Route(MANAGER, kind="round", method="POST"),
    # profiling
    "profiling:household_list": Route(STAFF),
    "profiling:household_create": Route(REGISTRARS),
    "profiling:household_import": Route(REGISTRARS),
    "profiling:import_report": Route(REGISTRARS, job="profiling.import"),
    "profiling:household_detail": Route(STAFF, kind="household"),
    "profiling:household_edit": Route(REGISTRARS, kind="household"),
    "profiling:duplicate_list": Route(REGISTRARS),
    "profiling:duplicate_review": Route(REGISTRARS, kind="duplicate"),
    "profiling:vulnerability_model": Route(MANAGER),
    "profiling:assessment_list": Route(STAFF),
    "profiling:assessment_create": Route(REGISTRARS),
    "profiling:assessment_detail": Route(STAFF, kind="assessment"),
    "profiling:assessment_edit": Route(REGISTRARS, kind="assessment"),
    "profiling:facility_list": Route(STAFF),
    "profiling:facility_create": Route(REGISTRARS),
    "profiling:facility_edit": Route(REGISTRARS, kind="facility"),
    # caps
    "caps:plan_list": Route(STAFF),
    "caps:plan_create": Route(REGISTRARS),
    "caps:plan_detail": Route(STAFF, kind="plan"),
    "caps:plan_edit": Route(REGISTRARS, kind="plan"),
    "caps:plan_transition": Route(REGISTRARS, kind="plan", method="POST"),
    "caps:plan_xlsx": Route(STAFF, kind="plan"),
    "caps:priority_create": Route(REGISTRARS, kind="plan"),
    "caps:priority_edit": Route(REGISTRARS, kind="priority"),
    "caps:priority_delete": Route(REGISTRARS, kind="priority"),
    "caps:action_create": Route(REGISTRARS, kind="priority"),
    "caps:action_edit": Route(REGISTRARS, kind="action"),
    "caps:action_delete": Route(REGISTRARS, kind="action"),
    "caps:council_list": Route(STAFF),
    "caps:council_create": Route(REGISTRARS),
    "caps:council_detail": Route(STAFF, kind="council"),
    "caps:council_edit": Route(REGISTRARS, kind="council"),
    "caps:member_create": Route(REGISTRARS, kind="council"),
    "caps:member_edit": Route(REGISTRARS, kind="council_member"),
    "caps:member_delete": Route(REGISTRARS, kind="council_member"),
    "caps:workshop_list": Route(STAFF),
    "caps:workshop_create": Route(REGISTRARS),
    "caps:workshop_detail": Route(STAFF, kind="workshop"),
    "caps:workshop_edit": Route(REGISTRARS, kind="workshop"),
    # assistance
    "assistance:record_list": Route(STAFF),
    "assistance:record_detail": Route(STAFF, kind="record"),
    "assistance:record_approve": Route(MANAGER, kind="record", method="POST"),
    "assistance:record_deliver": Route(REGISTRARS, kind="record"),
    "assistance:record_cancel": Route(REGISTRARS, kind="record", method="POST"),
    "assistance:household_plan": Route(REGISTRARS, kind="household", lookup="pk", kwarg_name="household_pk"),
    "assistance:activity_type_list": Route(STAFF),
    "assistance:activity_type_create": Route(PLANNERS),
    "assistance:activity_type_edit": Route(PLANNERS, kind="activity_type"),
    "assistance:programme_list": Route(STAFF),
    "assistance:programme_create": Route(MANAGER),
    "assistance:programme_edit": Route(MANAGER, kind="programme"),
    "assistance:list_list": Route(STAFF),
    "assistance:list_build": Route(REGISTRARS),
    "assistance:list_detail": Route(STAFF, kind="beneficiary_list"),
    "assistance:list_remove": Route(REGISTRARS, kind="beneficiary_list", method="POST"),
    "assistance:list_submit": Route(REGISTRARS, kind="beneficiary_list", method="POST"),
    "assistance:list_decide": Route(MANAGER, kind="beneficiary_list", method="POST"),
    "assistance:distribution_index": Route(REGISTRARS),
    "assistance:distribution": Route(
        REGISTRARS, kind="settlement", lookup="pcode", kwargs={"activity_pk": "activity_type"}
    ),
    "assistance:overlap_list": Route(MANAGER),
    "assistance:project_list": Route(STAFF),
    "assistance:project_create": Route(MANAGER),
    "assistance:project_detail": Route(STAFF, kind="project"),
    "assistance:project_edit": Route(MANAGER, kind="project"),
    "assistance:project_progress": Route(REGISTRARS, kind="project"),
    "assistance:indicator_list": Route(STAFF),
    "assistance:target_create": Route(MANAGER),
    "assistance:target_detail": Route(STAFF, kind="target"),
    "assistance:target_edit": Route(MANAGER, kind="target"),
    "assistance:indicator_definitions": Route(STAFF),
    "assistance:indicator_create": Route(PLANNERS),
    "assistance:indicator_edit": Route(PLANNERS, kind="indicator"),
    # referrals
    "referrals:referral_list": Route(STAFF),
    "referrals:referral_create": Route(REFERRERS, kind="household", query="household"),
    "referrals:inbox": Route(EVERYONE),
    "referrals:referral_detail": Route(EVERYONE, kind="referral", partner_positions=ADDRESSED),
    "referrals:referral_step": Route(EVERYONE, kind="referral", method="POST", partner_positions=ADDRESSED),
    "referrals:referral_feedback": Route(EVERYONE, kind="referral", method="POST", partner_positions=ADDRESSED),
    "referrals:referral_message": Route(EVERYONE, kind="referral", method="POST", partner_positions=ADDRESSED),
    "referrals:follow_up_schedule": Route(REFERRERS, kind="referral", method="POST"),
    "referrals:follow_up_record": Route(REFERRERS, kind="follow_up", method="POST"),
    "referrals:service_list": Route(EVERYONE),
    "referrals:service_create": Route(frozenset({MG, AD, PT})),
    "referrals:service_detail": Route(EVERYONE, kind="service", everywhere=EVERYONE),
    "referrals:service_edit": Route(frozenset({MG, AD, PT}), kind="service", everywhere=frozenset({MG, AD, PT})),
    "referrals:visit_list": Route(DESK),
    "referrals:visit_create": Route(frozenset({DO, MG})),
    "referrals:visit_detail": Route(DESK, kind="visit"),
    "referrals:visit_link": Route(frozenset({DO, MG}), kind="visit", method="POST", data={"household": "household"}),
    "referrals:complaint_list": Route(STAFF),
    "referrals:complaint_create": Route(REFERRERS),
    "referrals:complaint_detail": Route(COMPLAINT_READERS, kind="complaint"),
    "referrals:complaint_assign": Route(COMPLAINT_READERS, kind="complaint", method="POST"),
    "referrals:complaint_respond": Route(COMPLAINT_READERS, kind="complaint", method="POST"),
    "referrals:complaint_close": Route(MANAGER, kind="complaint", method="POST"),
    # monitoring
    "monitoring:checkin_list": Route(STAFF),
    "monitoring:checkin_record": Route(REGISTRARS, kind="check_in"),
    "monitoring:completion": Route(PLANNERS),
    "monitoring:movement_list": Route(STAFF),
    "monitoring:movement_create": Route(REGISTRARS, kind="household", query="household"),
    "monitoring:movement_detail": Route(STAFF, kind="movement"),
    "monitoring:movement_go_and_see": Route(REGISTRARS, kind="movement", method="POST"),
    "monitoring:movement_depart": Route(REGISTRARS, kind="movement", method="POST"),
    "monitoring:movement_arrive": Route(REGISTRARS, kind="movement", method="POST"),
    "monitoring:household_timeline": Route(STAFF, kind="household"),
    "monitoring:notification_list": Route(STAFF),
    "monitoring:notifications_read": Route(STAFF, method="POST"),
    # dashboards: managers and admins; the figures are scoped by the selectors they read through
    "dashboards:programme": Route(PLANNERS),
    "dashboards:recount": Route(PLANNERS, method="POST"),
    "dashboards:areas": Route(PLANNERS),
    "dashboards:fivew_csv": Route(PLANNERS),
    "dashboards:results_csv": Route(PLANNERS),
    "dashboards:fivew_xlsx": Route(PLANNERS, method="POST"),
    "dashboards:export_list": Route(PLANNERS),
    "dashboards:export_download": Route(PLANNERS, job="dashboards.fivew_export"),
}


@dataclass(frozen=True)
class ApiRoute:
    """A router registration: ``roles`` may call it; ``kind`` names the world's records behind its rows.
    Partners (and partner tokens) see only rows addressed to them or granted by an agreement."""

    roles: frozenset[str]
    kind: str | None = None
    lookup: str = "pk"
    everywhere: frozenset[str] = frozenset()
    partner_positions: frozenset[str] = frozenset()  # where the world's agreement lets NRC read
    # De-identified rows (pseudonymous ids) are served by the list only: their detail answers 404.
    partner_list_only: bool = False


API_ROUTES: dict[str, ApiRoute] = {
    "area": ApiRoute(EVERYONE, kind="area", lookup="pcode", everywhere=EVERYONE),
    "organisation": ApiRoute(EVERYONE),
    "dtm-dataset": ApiRoute(PLANNERS, kind="dataset"),
    "dtm-figure": ApiRoute(PLANNERS),
    "target-area": ApiRoute(STAFF, kind="target_area"),
    "household": ApiRoute(
        EVERYONE, kind="household", partner_positions=frozenset({"other_area"}), partner_list_only=True
    ),
    "member": ApiRoute(EVERYONE),
    "assessment": ApiRoute(EVERYONE, kind="assessment"),
    "facility": ApiRoute(EVERYONE, kind="facility"),
    "cap-council": ApiRoute(EVERYONE, kind="council"),
    "cap-workshop": ApiRoute(EVERYONE, kind="workshop"),
    "cap": ApiRoute(EVERYONE, kind="plan"),
    "cap-action": ApiRoute(EVERYONE, kind="action"),
    "activity-type": ApiRoute(EVERYONE),
    "assistance-record": ApiRoute(EVERYONE, kind="record"),
    "community-project": ApiRoute(EVERYONE, kind="project", lookup="reference"),
    "indicator": ApiRoute(EVERYONE),
    "indicator-target": ApiRoute(EVERYONE, kind="target"),
    "referral-service": ApiRoute(EVERYONE, kind="service", everywhere=EVERYONE),
    "referral": ApiRoute(EVERYONE, kind="referral", partner_positions=ADDRESSED),
    "crc-visit": ApiRoute(DESK, kind="visit"),
    "complaint": ApiRoute(COMPLAINT_READERS, kind="complaint"),
    "movement": ApiRoute(EVERYONE, kind="movement"),
    "check-in": ApiRoute(EVERYONE, kind="check_in"),
    "report-5w": ApiRoute(frozenset({MG, AD, PT})),
    "indicator-result": ApiRoute(PLANNERS),
}
