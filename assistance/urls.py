from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/approve/", views.record_approve, name="record_approve"),
    path("records/<int:pk>/deliver/", views.record_deliver, name="record_deliver"),
    path("records/<int:pk>/cancel/", views.record_cancel, name="record_cancel"),
    path("households/<int:household_pk>/plan/", views.household_plan, name="household_plan"),
    path("activity-types/", views.activity_type_list, name="activity_type_list"),
    path("activity-types/new/", views.activity_type_edit, name="activity_type_create"),
    path("activity-types/<int:pk>/edit/", views.activity_type_edit, name="activity_type_edit"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_edit, name="programme_create"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("lists/", views.list_list, name="list_list"),
    path("lists/new/", views.list_build, name="list_build"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/remove/", views.list_remove, name="list_remove"),
    path("lists/<int:pk>/submit/", views.list_submit, name="list_submit"),
    path("lists/<int:pk>/decide/", views.list_decide, name="list_decide"),
    path("distributions/", views.distribution_index, name="distribution_index"),
    path("distributions/<int:activity_pk>/<str:pcode>/", views.distribution, name="distribution"),
    path("overlaps/", views.overlap_list, name="overlap_list"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_edit, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/progress/", views.project_progress, name="project_progress"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/targets/new/", views.target_edit, name="target_create"),
    path("indicators/targets/<int:pk>/", views.target_detail, name="target_detail"),
    path("indicators/targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("indicators/definitions/", views.indicator_definitions, name="indicator_definitions"),
    path("indicators/definitions/new/", views.indicator_edit, name="indicator_create"),
    path("indicators/definitions/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
]
