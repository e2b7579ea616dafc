from django.contrib.auth import views as auth_views
from django.urls import path

from samenbieb.interfaces.desk import (
    incidents_urls,
    programmes_activities_urls,
    programmes_consult_urls,
    programmes_partners_urls,
    views,
    views_circulation,
    views_login,
    views_members,
    views_privacy,
)

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", views_login.login, name="login"),
    path("inloggen/code/", views_login.login_code, name="login_code"),
    path("inloggen/app-koppelen/", views_login.login_enrol, name="login_enrol"),
    path("inloggen/app-koppelen/qr.svg", views_login.login_enrol_qr, name="login_enrol_qr"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("vestigingen/<int:pk>/", views.branch_detail, name="branch"),
    path("exemplaren/", views.items, name="items"),
    # Before the barcode pattern: "nieuw" is not a barcode (they are stored in capitals).
    path("exemplaren/nieuw/", views.item_add, name="item_add"),
    path("exemplaren/<str:barcode>/", views.item_detail, name="item"),
    path("exemplaren/<str:barcode>/wijzigen/", views.item_change, name="item_change"),
    path("leden/", views_members.members, name="members"),
    path("leden/nieuw/", views_members.member_register, name="member_register"),
    path("leden/<int:pk>/", views_members.member_detail, name="member"),
    path("leden/<int:pk>/gegevens/", views_privacy.member_details, name="member_details"),
    path("leden/<int:pk>/gegevens-opvragen/", views_privacy.member_export, name="member_export"),
    path("privacy/logboek/", views_privacy.audit_trail, name="audit_trail"),
    path(
        "leden/<int:pk>/pas-vervangen/",
        views_members.member_card_replace,
        name="member_card_replace",
    ),
    path(
        "leden/<int:pk>/lidmaatschappen/<int:membership_pk>/verlengen/",
        views_members.member_membership_renew,
        name="member_membership_renew",
    ),
    path("uitlenen/", views_circulation.circulation, name="circulation"),
    path("uitlenen/scan/", views_circulation.circulation_scan, name="circulation_scan"),
    path("uitlenen/klaar/", views_circulation.circulation_done, name="circulation_done"),
    path("uitlenen/vestiging/", views_circulation.circulation_branch, name="circulation_branch"),
    path("uitlenen/verlengen/", views_circulation.loans_renew_all, name="loans_renew_all"),
    path("uitlenen/verlengen/<int:pk>/", views_circulation.loan_renew, name="loan_renew"),
    path(
        "uitlenen/beschadigd/<int:pk>/",
        views_circulation.loan_return_damaged,
        name="loan_return_damaged",
    ),
    path("uitlenen/reserveren/", views_circulation.hold_place, name="hold_place"),
    path(
        "uitlenen/reserveringen/<int:pk>/annuleren/",
        views_circulation.hold_cancel,
        name="hold_cancel",
    ),
    path("uitlenen/kosten/<int:pk>/betalen/", views_circulation.charge_pay, name="charge_pay"),
    path(
        "uitlenen/kosten/<int:pk>/kwijtschelden/",
        views_circulation.charge_waive,
        name="charge_waive",
    ),
    path("ophaallijst/", views_circulation.pick_list, name="pick_list"),
    path("reserveringsplank/", views_circulation.hold_shelf, name="hold_shelf"),
    path("transport/", views_circulation.transits, name="transits"),
    path("scan/<str:page>/", views_circulation.checkin_scan, name="checkin_scan"),
    *programmes_activities_urls.urlpatterns,
    *programmes_partners_urls.urlpatterns,
    *programmes_consult_urls.urlpatterns,
    *incidents_urls.urlpatterns,
]
