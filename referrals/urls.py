from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="referral_list"),
    path("new/", views.referral_create, name="referral_create"),
    path("inbox/", views.inbox, name="inbox"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/step/", views.referral_step, name="referral_step"),
    path("<int:pk>/feedback/", views.referral_feedback, name="referral_feedback"),
    path("<int:pk>/message/", views.referral_message, name="referral_message"),
    path("<int:pk>/follow-ups/", views.follow_up_schedule, name="follow_up_schedule"),
    path("follow-ups/<int:pk>/", views.follow_up_record, name="follow_up_record"),
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_edit, name="service_create"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("walk-ins/", views.visit_list, name="visit_list"),
    path("walk-ins/new/", views.visit_create, name="visit_create"),
    path("walk-ins/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("walk-ins/<int:pk>/link/", views.visit_link, name="visit_link"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_create, name="complaint_create"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/assign/", views.complaint_assign, name="complaint_assign"),
    path("complaints/<int:pk>/respond/", views.complaint_respond, name="complaint_respond"),
    path("complaints/<int:pk>/close/", views.complaint_close, name="complaint_close"),
]
