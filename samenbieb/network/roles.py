"""Staff roles and what each may do. One table, read by the tenant boundary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DESK = "desk", _("Desk employee")
    CATALOGUER = "cataloguer", _("Cataloguer")
    PROGRAMME_COORDINATOR = "programme_coordinator", _("Programme coordinator")
    MANAGER = "manager", _("Manager")
    NETWORK_ANALYST = "network_analyst", _("Network analyst")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class Capability(models.TextChoices):
    """Things staff do; later apps add theirs here so the table stays in one place."""

    NETWORK_VIEW = "network.view", _("See the organisation, branches and opening hours")
    NETWORK_MANAGE = "network.manage", _("Change branches, opening hours and closures")
    STAFF_MANAGE = "staff.manage", _("Grant and revoke staff roles")
    AUDIT_VIEW = "audit.view", _("Read the audit trail")
    CATALOGUE_EDIT = "catalogue.edit", _("Import and edit records in the shared catalogue")
    HOLDINGS_MANAGE = "holdings.manage", _("Add, change and withdraw items")
    MEMBERS_VIEW = "members.view", _("See members, their cards, memberships and consents")
    MEMBERS_MANAGE = (
        "members.manage",
        _("Register members, issue cards and start or renew memberships"),
    )
    CIRCULATION = (
        "circulation.lend",
        _("Lend, take back and renew items; holds, transits and payments at the desk"),
    )
    CHARGES_WAIVE = "circulation.charges.waive", _("Waive a member's charges, with a reason")
    CIRCULATION_RULES_MANAGE = (
        "circulation.rules.manage",
        _("Set the library's circulation rules: loan periods, limits, fees and fines"),
    )
    PROGRAMMES_MANAGE = (
        "programmes.manage",
        _(
            "Plan activities and consultation hours; manage registrations, attendance, "
            "partners and referrals"
        ),
    )
    PRIVACY_REQUESTS = (
        "privacy.requests",
        _("Produce everything held about a member on their request"),
    )
    PROGRAMMES_REGISTER = (
        "programmes.register",
        _("Register people for activities and record walk-in contacts"),
    )
    INCIDENTS_MANAGE = (
        "incidents.manage",
        _("Register and handle security incidents and data breaches (response team)"),
    )
    COCKPIT_VIEW = (
        "cockpit.view",
        _("See the library's cockpit figures in full detail, small counts included"),
    )


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.DESK: frozenset(
        {
            Capability.NETWORK_VIEW,
            Capability.MEMBERS_VIEW,
            Capability.MEMBERS_MANAGE,
            Capability.CIRCULATION,
            Capability.CHARGES_WAIVE,
            Capability.PROGRAMMES_REGISTER,
        }
    ),
    Role.CATALOGUER: frozenset(
        {Capability.NETWORK_VIEW, Capability.CATALOGUE_EDIT, Capability.HOLDINGS_MANAGE}
    ),
    Role.PROGRAMME_COORDINATOR: frozenset(
        {
            Capability.NETWORK_VIEW,
            Capability.PROGRAMMES_MANAGE,
            Capability.PROGRAMMES_REGISTER,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Capability.NETWORK_VIEW,
            Capability.MEMBERS_VIEW,
            Capability.MEMBERS_MANAGE,
            Capability.CIRCULATION,
            Capability.CHARGES_WAIVE,
            Capability.PROGRAMMES_MANAGE,
            Capability.PROGRAMMES_REGISTER,
            Capability.COCKPIT_VIEW,
            Capability.PRIVACY_REQUESTS,
        }
    ),
    Role.NETWORK_ANALYST: frozenset({Capability.NETWORK_VIEW, Capability.COCKPIT_VIEW}),
    Role.PRIVACY_OFFICER: frozenset(
        {
            Capability.NETWORK_VIEW,
            Capability.AUDIT_VIEW,
            Capability.MEMBERS_VIEW,
            Capability.INCIDENTS_MANAGE,
            Capability.PRIVACY_REQUESTS,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            Capability.NETWORK_VIEW,
            Capability.NETWORK_MANAGE,
            Capability.STAFF_MANAGE,
            Capability.AUDIT_VIEW,
            Capability.CATALOGUE_EDIT,
            Capability.HOLDINGS_MANAGE,
            Capability.MEMBERS_VIEW,
            Capability.MEMBERS_MANAGE,
            Capability.CIRCULATION,
            Capability.CHARGES_WAIVE,
            Capability.CIRCULATION_RULES_MANAGE,
            Capability.PROGRAMMES_MANAGE,
            Capability.PROGRAMMES_REGISTER,
            Capability.INCIDENTS_MANAGE,
            Capability.COCKPIT_VIEW,
            Capability.PRIVACY_REQUESTS,
        }
    ),
}


def roles_with(capability: str) -> list[str]:
    return [role for role, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities]
