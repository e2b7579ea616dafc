"""Desk URLs for partners and referrals, included by the desk's urls.py (app ``desk``)."""

from django.urls import path

from samenbieb.interfaces.desk import partner_views, programmes_partners_views

urlpatterns = [
    # Partner organisations' own pages (a partner login sees only these).
    path("partner/", partner_views.home, name="partner_home"),
    path("partner/verwijzen/", partner_views.referral_new, name="partner_referral_new"),
    path(
        "partner/verwijzingen/<int:pk>/",
        partner_views.referral_detail,
        name="partner_referral",
    ),
    path(
        "partner/verwijzingen/<int:pk>/status/",
        partner_views.referral_status,
        name="partner_referral_status",
    ),
    # The library's social map and its referrals in and out.
    path("sociale-kaart/", programmes_partners_views.partners, name="partners"),
    path("sociale-kaart/nieuw/", programmes_partners_views.partner_add, name="partner_add"),
    path("sociale-kaart/<int:pk>/", programmes_partners_views.partner_detail, name="partner"),
    path(
        "sociale-kaart/<int:pk>/contactpersoon/",
        programmes_partners_views.partner_contact_add,
        name="partner_contact_add",
    ),
    path(
        "sociale-kaart/<int:pk>/activiteit/",
        programmes_partners_views.partner_activity_set,
        name="partner_activity_set",
    ),
    path("verwijzingen/", programmes_partners_views.referrals, name="referrals"),
    path(
        "verwijzingen/nieuw/",
        programmes_partners_views.referral_outgoing_new,
        name="referral_outgoing_new",
    ),
    path("verwijzingen/<int:pk>/", programmes_partners_views.referral_detail, name="referral"),
    path(
        "verwijzingen/<int:pk>/status/",
        programmes_partners_views.referral_status,
        name="referral_status",
    ),
]
