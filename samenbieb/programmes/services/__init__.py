"""State changes of programmes and services; one module per area, re-exported here."""

from samenbieb.programmes.services.partners import (  # noqa: F401
    activity_partner_set,
    partner_account_create,
    partner_contact_add,
    partner_create,
    partner_update,
    referral_create_incoming,
    referral_create_outgoing,
    referral_status_set,
    referrals_anonymise_closed,
)
