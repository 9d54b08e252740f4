from django.urls import path

from . import views

app_name = "targeting"

urlpatterns = [
    path("areas/", views.target_area_list, name="target_area_list"),
    path("datasets/", views.dataset_list, name="dataset_list"),
    path("datasets/import/", views.dataset_import, name="dataset_import"),
    path("datasets/imports/<int:pk>/", views.import_status, name="import_status"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset_detail"),
    path("models/", views.model_list, name="model_list"),
    path("models/new/", views.model_create, name="model_create"),
    path("models/<int:pk>/new-version/", views.model_new_version, name="model_new_version"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/by-area/", views.round_areas, name="round_areas"),
    path("rounds/<int:pk>/rescore/", views.round_rescore, name="round_rescore"),
    path("rounds/<int:pk>/select/", views.round_select, name="round_select"),
    path("rounds/<int:pk>/targets/<int:target_pk>/remove/", views.round_deselect, name="round_deselect"),
    path("rounds/<int:pk>/approve/", views.round_approve, name="round_approve"),
]
