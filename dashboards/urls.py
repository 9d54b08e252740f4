from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.programme_dashboard, name="programme"),
    path("recount/", views.recount, name="recount"),
    path("areas/", views.area_view, name="areas"),
    path("5w.csv", views.fivew_csv, name="fivew_csv"),
    path("5w/xlsx/", views.fivew_xlsx, name="fivew_xlsx"),
    path("results.csv", views.results_csv, name="results_csv"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/<int:pk>/", views.export_download, name="export_download"),
]
