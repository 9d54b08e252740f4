from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("check-ins/", views.checkin_list, name="checkin_list"),
    path("check-ins/<int:pk>/", views.checkin_record, name="checkin_record"),
    path("check-ins/completion/", views.completion, name="completion"),
    path("movements/", views.movement_list, name="movement_list"),
    path("movements/new/", views.movement_create, name="movement_create"),
    path("movements/<int:pk>/", views.movement_detail, name="movement_detail"),
    path("movements/<int:pk>/go-and-see/", views.movement_go_and_see, name="movement_go_and_see"),
    path("movements/<int:pk>/departure/", views.movement_depart, name="movement_depart"),
    path("movements/<int:pk>/arrival/", views.movement_arrive, name="movement_arrive"),
    path("households/<int:pk>/timeline/", views.household_timeline, name="household_timeline"),
    path("reminders/", views.notification_list, name="notification_list"),
    path("reminders/read/", views.notifications_read, name="notifications_read"),
]
