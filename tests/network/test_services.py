"""The network's state changes: validation, permissions and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.network import services
from samenbieb.network.errors import InvalidClosure, InvalidOpeningHours
from samenbieb.network.models import Branch, Closure, OpeningHours, Organisation, StaffRole
from tests.factories import (
    BranchFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    StaffRoleFactory,
    StaffUserFactory,
)

T = dt.time
CHRISTMAS = dt.date(2026, 12, 25)
BOXING_DAY = dt.date(2026, 12, 26)

pytestmark = pytest.mark.django_db


def hours_of(branch):
    return list(
        OpeningHours.objects.filter(branch=branch)
        .order_by("weekday", "opens")
        .values_list("weekday", "opens", "closes")
    )


# --- opening hours -------------------------------------------------------------------------


def test_opening_hours_set_replaces_the_whole_week():
    branch = BranchFactory()
    services.opening_hours_set(
        actor=None, branch=branch, weekly={0: [(T(9), T(17))], 1: [(T(9), T(17))]}
    )

    services.opening_hours_set(actor=None, branch=branch, weekly={2: [(T(13), T(20))]})

    assert hours_of(branch) == [(2, T(13), T(20))]


def test_opening_hours_set_leaves_other_branches_alone():
    branch, other = BranchFactory(), BranchFactory()
    OpeningHoursFactory(branch=other, weekday=0)

    services.opening_hours_set(actor=None, branch=branch, weekly={})

    assert hours_of(branch) == []
    assert hours_of(other) == [(0, T(10), T(17))]


def test_opening_hours_set_accepts_two_periods_that_touch():
    branch = BranchFactory()

    services.opening_hours_set(
        actor=None, branch=branch, weekly={2: [(T(13), T(17)), (T(10), T(13))]}
    )

    assert hours_of(branch) == [(2, T(10), T(13)), (2, T(13), T(17))]


@pytest.mark.parametrize(
    "weekly",
    [
        pytest.param({0: [(T(10), T(13)), (T(12), T(17))]}, id="overlapping"),
        pytest.param({0: [(T(9), T(17)), (T(10), T(11))]}, id="one-inside-another"),
        pytest.param({0: [(T(10), T(12)), (T(10), T(12))]}, id="the-same-period-twice"),
        pytest.param({0: [(T(17), T(10))]}, id="closes-before-it-opens"),
        pytest.param({0: [(T(10), T(10))]}, id="closes-when-it-opens"),
        pytest.param({1: [(T(9), T(12))], 3: [(T(18), T(9))]}, id="one-bad-day-among-good"),
        pytest.param({7: [(T(9), T(12))]}, id="weekday-out-of-range"),
    ],
)
def test_opening_hours_set_refuses_invalid_periods_and_keeps_the_old_week(weekly):
    branch = BranchFactory()
    OpeningHoursFactory(branch=branch, weekday=5, opens=T(10), closes=T(14))
    events_before = AuditEvent.objects.count()

    with pytest.raises(InvalidOpeningHours) as refused:
        services.opening_hours_set(actor=None, branch=branch, weekly=weekly)

    assert refused.value.code == "invalid_opening_hours"
    assert hours_of(branch) == [(5, T(10), T(14))]
    assert AuditEvent.objects.count() == events_before


# --- closures --------------------------------------------------------------------------------


def test_closure_add_refuses_a_branch_of_another_organisation():
    organisation = OrganisationFactory()
    foreign_branch = BranchFactory()

    with pytest.raises(InvalidClosure):
        services.closure_add(
            actor=None,
            organisation=organisation,
            branch=foreign_branch,
            start_date=CHRISTMAS,
            end_date=BOXING_DAY,
            reason="Kerst",
        )

    assert not Closure.objects.exists()


def test_closure_add_refuses_a_last_day_before_the_first_day():
    organisation = OrganisationFactory()

    with pytest.raises(InvalidClosure):
        services.closure_add(
            actor=None,
            organisation=organisation,
            start_date=BOXING_DAY,
            end_date=CHRISTMAS,
            reason="Kerst",
        )

    assert not Closure.objects.exists()


def test_closure_add_accepts_a_single_day():
    branch = BranchFactory()

    closure = services.closure_add(
        actor=None,
        organisation=branch.organisation,
        branch=branch,
        start_date=CHRISTMAS,
        end_date=CHRISTMAS,
        reason="Eerste kerstdag",
    )

    assert Closure.objects.get() == closure
    assert (closure.branch, closure.start_date, closure.end_date) == (branch, CHRISTMAS, CHRISTMAS)


# --- staff -----------------------------------------------------------------------------------


def test_staff_role_grant_is_idempotent():
    user = StaffUserFactory()
    organisation = OrganisationFactory()

    first = services.staff_role_grant(actor=None, user=user, organisation=organisation, role="desk")
    second = services.staff_role_grant(
        actor=None, user=user, organisation=organisation, role="desk"
    )

    assert first.pk == second.pk
    assert StaffRole.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(event_type="network.staff_role.granted").count() == 1


def test_staff_role_grant_takes_effect_for_the_same_user_object():
    organisation = OrganisationFactory()
    user = StaffRoleFactory(organisation=organisation, role="desk").user
    with pytest.raises(NotPermitted):
        services.branch_create(actor=user, organisation=organisation, code="x", name="X")

    services.staff_role_grant(
        actor=None, user=user, organisation=organisation, role="administrator"
    )

    assert services.branch_create(actor=user, organisation=organisation, code="x", name="X")


def test_a_revoked_role_no_longer_grants_its_capability():
    organisation = OrganisationFactory()
    staff_role = StaffRoleFactory(organisation=organisation, role="administrator")

    services.staff_role_revoke(actor=None, staff_role=staff_role)

    assert not StaffRole.objects.filter(pk=staff_role.pk).exists()
    user = type(staff_role.user).objects.get(pk=staff_role.user_id)
    with pytest.raises(NotPermitted):
        services.branch_create(actor=user, organisation=organisation, code="x", name="X")


# --- the audit trail -------------------------------------------------------------------------


def _organisation_create(organisation):
    created = services.organisation_create(
        actor=None,
        name="Bibliotheek Nieuw",
        short_name="Nieuw",
        kind="library",
        isil="NL-NwB",
        province="UT",
    )
    return created, created.pk


def _branch_create(organisation):
    branch = services.branch_create(actor=None, organisation=organisation, code="c", name="C")
    return branch, organisation.pk


def _opening_hours_set(organisation):
    branch = BranchFactory(organisation=organisation)
    services.opening_hours_set(actor=None, branch=branch, weekly={0: [(T(9), T(12))]})
    return branch, organisation.pk


def _closure_add(organisation):
    closure = services.closure_add(
        actor=None,
        organisation=organisation,
        start_date=CHRISTMAS,
        end_date=CHRISTMAS,
        reason="Kerst",
    )
    return closure, organisation.pk


def _staff_user_create(organisation):
    user = services.staff_user_create(actor=None, username="nieuw", password="x" * 20)
    return user, None


def _staff_role_grant(organisation):
    staff_role = services.staff_role_grant(
        actor=None, user=StaffUserFactory(), organisation=organisation, role="desk"
    )
    return staff_role, organisation.pk


def _staff_role_revoke(organisation):
    staff_role = StaffRoleFactory(organisation=organisation)
    services.staff_role_revoke(actor=None, staff_role=staff_role)
    return None, organisation.pk


@pytest.mark.parametrize(
    ("perform", "event_type"),
    [
        (_organisation_create, "network.organisation.created"),
        (_branch_create, "network.branch.created"),
        (_opening_hours_set, "network.opening_hours.replaced"),
        (_closure_add, "network.closure.added"),
        (_staff_user_create, "network.staff_user.created"),
        (_staff_role_grant, "network.staff_role.granted"),
        (_staff_role_revoke, "network.staff_role.revoked"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_service_records_an_audit_event_with_its_dotted_type(perform, event_type):
    organisation = OrganisationFactory()

    target, organisation_id = perform(organisation)

    event = AuditEvent.objects.get(event_type=event_type)
    assert event.organisation_id == organisation_id
    assert event.actor_label == "system"
    if target is not None:
        assert event.object_type == target._meta.label_lower
        assert event.object_id == str(target.pk)


def test_the_audit_event_names_the_staff_member_who_acted(staff_with_role):
    organisation = OrganisationFactory()
    administrator = staff_with_role(organisation, "administrator")

    branch = services.branch_create(
        actor=administrator, organisation=organisation, code="c", name="C"
    )

    event = AuditEvent.objects.get(event_type="network.branch.created")
    assert event.actor == administrator
    assert event.actor_label == administrator.username
    assert event.object_id == str(branch.pk)


# --- permissions -----------------------------------------------------------------------------


def _do_branch_create(actor, organisation):
    return services.branch_create(actor=actor, organisation=organisation, code="n", name="N")


def _do_opening_hours_set(actor, organisation):
    branch = BranchFactory(organisation=organisation)
    return services.opening_hours_set(actor=actor, branch=branch, weekly={0: [(T(9), T(12))]})


def _do_closure_add(actor, organisation):
    return services.closure_add(
        actor=actor,
        organisation=organisation,
        start_date=CHRISTMAS,
        end_date=CHRISTMAS,
        reason="Kerst",
    )


MANAGING_ACTIONS = pytest.mark.parametrize(
    "action",
    [_do_branch_create, _do_opening_hours_set, _do_closure_add],
    ids=["branch_create", "opening_hours_set", "closure_add"],
)


@MANAGING_ACTIONS
@pytest.mark.parametrize("role", ["desk", "cataloguer", "manager", "privacy_officer"])
def test_staff_without_the_manage_capability_may_not_change_their_own_organisation(
    action, role, staff_with_role
):
    organisation = OrganisationFactory()
    staff = staff_with_role(organisation, role)
    events_before = AuditEvent.objects.count()

    with pytest.raises(NotPermitted) as refused:
        action(staff, organisation)

    assert refused.value.code == "not_permitted"
    assert AuditEvent.objects.count() == events_before


@MANAGING_ACTIONS
def test_an_administrator_may_not_change_another_organisation(action, staff_with_role):
    own, other = OrganisationFactory(), OrganisationFactory()
    administrator = staff_with_role(own, "administrator")

    with pytest.raises(NotPermitted):
        action(administrator, other)


@MANAGING_ACTIONS
def test_an_administrator_may_change_their_own_organisation(action, staff_with_role):
    own = OrganisationFactory()
    administrator = staff_with_role(own, "administrator")

    assert action(administrator, own)


def test_an_inactive_administrator_may_not_change_their_organisation(staff_with_role):
    organisation = OrganisationFactory()
    administrator = staff_with_role(organisation, "administrator")
    administrator.is_active = False
    administrator.save()

    with pytest.raises(NotPermitted):
        _do_branch_create(administrator, organisation)


def test_an_administrator_may_not_grant_roles_in_another_organisation(staff_with_role):
    own, other = OrganisationFactory(), OrganisationFactory()
    administrator = staff_with_role(own, "administrator")

    with pytest.raises(NotPermitted):
        services.staff_role_grant(
            actor=administrator, user=StaffUserFactory(), organisation=other, role="desk"
        )

    assert not StaffRole.objects.filter(organisation=other).exists()


def test_a_desk_employee_may_not_create_staff_accounts(staff_with_role):
    desk = staff_with_role(OrganisationFactory(), "desk")

    with pytest.raises(NotPermitted):
        services.staff_user_create(actor=desk, username="nieuw", password="x" * 20)


ORGANISATION = {
    "name": "Bibliotheek Nieuw",
    "short_name": "Nieuw",
    "kind": "library",
    "isil": "NL-NwB",
    "province": "UT",
}


def test_organisation_create_is_refused_to_staff_who_are_not_superusers(staff_with_role):
    administrator = staff_with_role(OrganisationFactory(), "administrator")

    with pytest.raises(NotPermitted):
        services.organisation_create(actor=administrator, **ORGANISATION)

    assert not Organisation.objects.filter(isil="NL-NwB").exists()


def test_organisation_create_is_allowed_to_a_superuser():
    operator = StaffUserFactory(is_superuser=True)

    organisation = services.organisation_create(actor=operator, **ORGANISATION)

    assert Organisation.objects.get(isil="NL-NwB") == organisation


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["3511ab", "3511 ab", " 3511AB ", "3511 AB"])
def test_branch_create_normalises_the_postcode(typed):
    branch = services.branch_create(
        actor=None, organisation=OrganisationFactory(), code="c", name="C", postcode=typed
    )

    branch.refresh_from_db()
    assert branch.postcode == "3511 AB"


@pytest.mark.parametrize("isil", ["XX-UtBU", "NL-", "NL-Much-Too-Long1", "nl-UtBU", "NL-Ut BU"])
def test_organisation_create_rejects_an_invalid_isil(isil):
    with pytest.raises(ValidationError) as rejected:
        services.organisation_create(actor=None, **{**ORGANISATION, "isil": isil})

    assert "isil" in rejected.value.message_dict
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("postcode", ["0123 AB", "351 AB", "3511 A", "3511 SS", "ABCD 12"])
def test_branch_create_rejects_an_invalid_postcode(postcode):
    organisation = OrganisationFactory()

    with pytest.raises(ValidationError) as rejected:
        services.branch_create(
            actor=None, organisation=organisation, code="c", name="C", postcode=postcode
        )

    assert "postcode" in rejected.value.message_dict
    assert not Branch.objects.exists()
