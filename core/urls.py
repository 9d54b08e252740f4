from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("preferences/", views.preferences, name="preferences"),
    path("places/", views.area_browse, name="area_browse"),
    path("places/search/", views.area_search, name="area_search"),
    path("places/<str:pcode>/", views.area_browse, name="area_detail"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/deactivate/", views.account_deactivate, name="account_deactivate"),
    path("accounts/<int:pk>/reactivate/", views.account_reactivate, name="account_reactivate"),
    path("audit/", views.audit_list, name="audit_list"),
    path("api-tokens/", views.token_list, name="token_list"),
    path("api-tokens/new/", views.token_create, name="token_create"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_edit, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_edit, name="agreement_edit"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
]
