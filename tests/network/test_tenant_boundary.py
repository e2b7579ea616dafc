"""The tenant boundary as a matrix: staff of library A can neither read nor change library B's
data, through any door. Every tenant-owned model must appear in OWNED_ROWS, so a new model
cannot slip past this test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenbieb.circulation.models import Charge, CirculationRule, Hold, Loan, SettlementLine
from samenbieb.cockpit.models import Figure
from samenbieb.core.audit import audit_record
from samenbieb.core.models import AuditEvent
from samenbieb.digital.models import DigitalLoan
from samenbieb.holdings.models import Item
from samenbieb.incidents.models import Incident, IncidentEntry
from samenbieb.interfaces.api.models import ApiToken
from samenbieb.interfaces.api.services import api_token_create
from samenbieb.members.models import (
    Consent,
    GuardianLink,
    LibraryCard,
    Membership,
    MembershipPlan,
    Person,
)
from samenbieb.network import tenancy
from samenbieb.network.admin_site import TenantScopedMixin, admin_site
from samenbieb.network.models import (
    Branch,
    Closure,
    OpeningHours,
    Organisation,
    StaffRole,
    StaffUser,
)
from samenbieb.network.roles import Capability, Role
from samenbieb.programmes.models import (
    Activity,
    ActivityPartner,
    Appointment,
    Attendance,
    ConsultationSchedule,
    Partner,
    PartnerAccount,
    PartnerContact,
    Programme,
    Referral,
    Registration,
    Session,
    Slot,
    Topic,
    WalkInContact,
)
from samenbieb.selfservice.models import Kiosk
from tests.factories import (
    BranchFactory,
    ChargeFactory,
    CirculationRuleFactory,
    ClosureFactory,
    ConsentFactory,
    DigitalLoanFactory,
    ItemFactory,
    LibraryCardFactory,
    MembershipFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    PersonFactory,
    StaffRoleFactory,
    staff_login,
)
from tests.programmes.factories import ActivityFactory, ProgrammeFactory, RegistrationFactory
from tests.programmes.factories_partners import (
    PartnerAccountFactory,
    PartnerContactFactory,
    PartnerFactory,
    ReferralFactory,
)
from tests.selfservice.factories import KioskFactory


def _circulation_rows(organisation: Organisation, branch: Branch, member: Person) -> dict:
    item = ItemFactory(organisation=organisation, home_branch=branch)
    now = timezone.now()
    where = {"organisation": organisation, "home_organisation": organisation}
    return {
        Loan: Loan.objects.create(
            item=item,
            person=member,
            branch=branch,
            owner_organisation=organisation,
            item_type=item.item_type,
            age_band="adult",
            checked_out_at=now,
            due_on=now.date(),
            renewals_allowed=2,
            fine_per_day=0,
            **where,
        ),
        Hold: Hold.objects.create(
            record=item.record, person=member, pickup_branch=branch, placed_at=now, **where
        ),
        SettlementLine: SettlementLine.objects.create(
            month=now.date().replace(day=1),
            owner_organisation=organisation,
            branch=branch,
            loans=1,
            computed_at=now,
            **where,
        ),
    }


def _programmes_rows(organisation: Organisation, branch: Branch) -> dict:
    now = timezone.now()
    activity = ActivityFactory(organisation=organisation, branch=branch)
    session = activity.sessions.first()
    registration = RegistrationFactory(activity=activity)
    partner = PartnerFactory(organisation=organisation)
    slot = Slot.objects.create(
        activity=activity, branch=branch, starts_at=session.starts_at, ends_at=session.ends_at
    )
    digid = Topic.objects.get(code="digid")
    return {
        # A national programme belongs to its publisher; here the organisation publishes one.
        Programme: ProgrammeFactory(publisher=organisation),
        Activity: activity,
        Session: session,
        Registration: registration,
        Attendance: Attendance.objects.create(
            registration=registration, session=session, present=True, recorded_at=now
        ),
        ConsultationSchedule: ConsultationSchedule.objects.create(
            activity=activity,
            branch=branch,
            weekday=1,
            starts=dt.time(10),
            ends=dt.time(12),
            valid_from=now.date(),
        ),
        Slot: slot,
        Appointment: Appointment.objects.create(
            slot=slot,
            topic=digid,
            name="Ans",
            phone="+31612345678",
            created_at=now,
            token=f"token-{slot.pk}",
        ),
        WalkInContact: WalkInContact.objects.create(
            activity=activity,
            branch=branch,
            topic=digid,
            outcome="helped",
            occurred_on=now.date(),
            recorded_at=now,
        ),
        Partner: partner,
        PartnerContact: PartnerContactFactory(partner=partner),
        ActivityPartner: ActivityPartner.objects.create(
            activity=activity, partner=partner, role="refers"
        ),
        PartnerAccount: PartnerAccountFactory(partner=partner),
        Referral: ReferralFactory(organisation=organisation, partner=partner, activity=activity),
    }


def _incident_rows(organisation: Organisation) -> dict:
    incident = Incident.objects.create(
        organisation=organisation,
        reference=f"INC-T-{organisation.pk}",
        title="Lost laptop",
        summary="A laptop was lost.",
        severity="high",
        detected_at=timezone.now(),
        created_at=timezone.now(),
    )
    entry = IncidentEntry.objects.create(
        incident=incident, at=timezone.now(), kind="note", text="Found out."
    )
    return {Incident: incident, IncidentEntry: entry}


def _rows_for(organisation: Organisation) -> dict[type, object]:
    branch = BranchFactory(organisation=organisation)
    colleague = StaffRoleFactory(organisation=organisation, role=Role.DESK)
    member = PersonFactory(home_organisation=organisation)
    membership = MembershipFactory(person=member)
    return {
        Organisation: organisation,
        Branch: branch,
        OpeningHours: OpeningHoursFactory(branch=branch),
        Closure: ClosureFactory(organisation=organisation),
        StaffRole: colleague,
        StaffUser: colleague.user,
        Item: ItemFactory(organisation=organisation, home_branch=branch),
        Person: member,
        LibraryCard: LibraryCardFactory(person=member),
        GuardianLink: GuardianLink.objects.create(
            child=member, guardian=PersonFactory(home_organisation=organisation)
        ),
        MembershipPlan: membership.plan,
        Membership: membership,
        Consent: ConsentFactory(person=member),
        Charge: ChargeFactory(person=member),
        CirculationRule: CirculationRuleFactory(organisation=organisation),
        DigitalLoan: DigitalLoanFactory(person=member),
        **_circulation_rows(organisation, branch, member),
        **_programmes_rows(organisation, branch),
        Kiosk: KioskFactory(branch=branch),
        **_incident_rows(organisation),
        ApiToken: api_token_create(
            actor=colleague.user,
            organisation=organisation,
            name="Website",
            capabilities=["network.view"],
        ).token,
        Figure: Figure.objects.create(
            period_kind="month",
            period=dt.date(2026, 10, 1),
            level="organisation",
            province=organisation.province,
            organisation=organisation,
            indicator="loans",
            value=12,
        ),
        AuditEvent: audit_record(
            actor=None,
            event_type="network.branch.created",
            organisation_id=organisation.pk,
            target=branch,
        ),
    }


OWNED_MODELS = [
    Organisation,
    Branch,
    OpeningHours,
    Closure,
    StaffRole,
    StaffUser,
    Item,
    AuditEvent,
    Person,
    LibraryCard,
    GuardianLink,
    MembershipPlan,
    Membership,
    Consent,
    Charge,
    CirculationRule,
    DigitalLoan,
    Kiosk,
    ApiToken,
    Loan,
    Hold,
    SettlementLine,
    Programme,
    Activity,
    Session,
    Registration,
    Attendance,
    ConsultationSchedule,
    Slot,
    Appointment,
    WalkInContact,
    Partner,
    PartnerContact,
    ActivityPartner,
    PartnerAccount,
    Referral,
    Incident,
    IncidentEntry,
    Figure,
]
ALL_ROLES = list(Role)


@dataclass
class World:
    a: dict[type, object]
    b: dict[type, object]

    def user(self, role: str) -> StaffUser:
        return StaffRoleFactory(organisation=self.a[Organisation], role=role).user


@pytest.fixture
def world(db) -> World:
    return World(
        a=_rows_for(OrganisationFactory(name="Bibliotheek A")),
        b=_rows_for(OrganisationFactory(name="Bibliotheek B")),
    )


def _client(user: StaffUser) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def _in_admin(model: type) -> bool:
    return model in admin_site._registry


ADMIN_MODELS = [model for model in OWNED_MODELS if _in_admin(model)]


def _admin_url(model: type, action: str, obj: object | None = None) -> str:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}"
    return reverse(name, args=[obj.pk] if obj is not None else [])


def test_every_tenant_owned_model_is_in_the_matrix():
    assert set(tenancy.tenant_models()) == set(OWNED_MODELS)


def test_every_tenant_owned_model_in_admin_goes_through_the_tenant_scoped_admin():
    inlines = {
        inline.model: inline
        for model_admin in admin_site._registry.values()
        for inline in model_admin.inlines
    }
    for model in OWNED_MODELS:
        model_admin = admin_site._registry.get(model) or inlines.get(model)
        assert model_admin is not None, f"{model.__name__} has no admin page or inline"
        assert issubclass(
            model_admin if isinstance(model_admin, type) else type(model_admin), TenantScopedMixin
        ), f"{model.__name__} admin is not scoped by the tenant boundary"


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("model", OWNED_MODELS, ids=lambda m: m.__name__)
def test_the_tenant_gate_never_returns_another_organisations_rows(world, role, model):
    user = world.user(role)
    for capability in Capability:
        visible = tenancy.visible(model, user, capability)
        assert not visible.filter(pk=world.b[model].pk).exists(), capability


@pytest.mark.parametrize("model", OWNED_MODELS, ids=lambda m: m.__name__)
def test_the_gate_shows_an_administrator_their_own_organisations_rows(world, model):
    capability = Capability.AUDIT_VIEW if model is AuditEvent else Capability.STAFF_MANAGE
    assert (
        tenancy.visible(model, world.user(Role.ADMINISTRATOR), capability)
        .filter(pk=world.a[model].pk)
        .exists()
    )


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_admin_lists_never_show_another_organisations_rows(world, role, model):
    response = _client(world.user(role)).get(_admin_url(model, "changelist"))
    if response.status_code == 200:
        shown = {obj.pk for obj in response.context["cl"].queryset}
        assert world.b[model].pk not in shown
    else:
        assert response.status_code in (302, 403)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_admin_will_not_open_another_organisations_row(world, role, model):
    response = _client(world.user(role)).get(_admin_url(model, "change", world.b[model]))
    assert response.status_code in (302, 403, 404)
    assert str(world.b[model]) not in response.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(
    "model",
    [
        Organisation,
        Branch,
        Closure,
        StaffRole,
        Item,
        Person,
        MembershipPlan,
        Charge,
        CirculationRule,
    ],
    ids=lambda m: m.__name__,
)
def test_admin_will_not_change_or_delete_another_organisations_row(world, role, model):
    target = world.b[model]
    target.refresh_from_db()
    before = {f.attname: getattr(target, f.attname) for f in model._meta.concrete_fields}
    client = _client(world.user(role))
    client.post(
        _admin_url(model, "change", target), {"name": "Overgenomen", "reason": "Overgenomen"}
    )
    client.post(_admin_url(model, "delete", target), {"post": "yes"})
    target.refresh_from_db()
    assert {f.attname: getattr(target, f.attname) for f in model._meta.concrete_fields} == before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_admin_cannot_open_a_branch_for_another_organisation(world, role):
    client = _client(world.user(role))
    count = Branch.objects.filter(organisation=world.b[Organisation]).count()
    client.post(
        _admin_url(Branch, "add"),
        {
            "organisation": world.b[Organisation].pk,
            "code": "sneaky",
            "name": "Stiekem",
            "kind": "branch",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
        },
    )
    assert Branch.objects.filter(organisation=world.b[Organisation]).count() == count


def test_an_administrator_cannot_add_opening_hours_to_another_organisations_branch(world):
    """Opening hours are edited inline on the branch page, which B's branch never opens for A."""
    target = world.b[Branch]
    count = OpeningHours.objects.filter(branch=target).count()
    _client(world.user(Role.ADMINISTRATOR)).post(
        _admin_url(Branch, "change", target),
        {
            "organisation": target.organisation_id,
            "code": target.code,
            "name": target.name,
            "kind": "branch",
            "opening_hours-TOTAL_FORMS": "1",
            "opening_hours-INITIAL_FORMS": "0",
            "opening_hours-0-weekday": "2",
            "opening_hours-0-opens": "09:00",
            "opening_hours-0-closes": "12:00",
        },
    )
    assert OpeningHours.objects.filter(branch=target).count() == count


def test_an_administrator_changes_their_own_branch_through_admin(world):
    """The positive control: the same request works inside the boundary."""
    branch = world.a[Branch]
    response = _client(world.user(Role.ADMINISTRATOR)).post(
        _admin_url(Branch, "change", branch),
        {
            "organisation": branch.organisation_id,
            "code": branch.code,
            "name": "Nieuwe naam",
            "kind": "branch",
            "street": "",
            "house_number": "",
            "postcode": "",
            "city": "",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    branch.refresh_from_db()
    assert branch.name == "Nieuwe naam"
    assert AuditEvent.objects.filter(
        event_type="network.branch.changed", object_id=str(branch.pk)
    ).exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_desk_shows_only_the_staff_members_own_branches(world, role):
    client = _client(world.user(role))
    home = client.get(reverse("desk:home")).content.decode()
    assert world.a[Branch].name in home
    assert world.b[Branch].name not in home
    assert client.get(reverse("desk:branch", args=[world.a[Branch].pk])).status_code == 200
    assert client.get(reverse("desk:branch", args=[world.b[Branch].pk])).status_code == 404


def test_a_staff_member_with_roles_in_two_organisations_sees_both_but_manages_only_one(world):
    user = world.user(Role.DESK)
    StaffRoleFactory(user=user, organisation=world.b[Organisation], role=Role.ADMINISTRATOR)
    assert tenancy.visible(Branch, user).count() == 2
    assert list(tenancy.visible(Branch, user, Capability.NETWORK_MANAGE)) == [world.b[Branch]]
    assert tenancy.visible(StaffUser, user, Capability.STAFF_MANAGE).filter(pk=user.pk).count() == 1


def test_a_staff_member_without_roles_sees_nothing(world):
    user = StaffRoleFactory(organisation=world.a[Organisation]).user
    StaffRole.objects.filter(user=user).delete()
    user = StaffUser.objects.get(pk=user.pk)
    assert not tenancy.visible(Branch, user).exists()
    assert _client(user).get(reverse("admin:index")).status_code == 302


def test_a_closure_date_has_no_bearing_on_visibility(world):
    """Sanity check on the fixture: B's closure exists and is simply out of A's sight."""
    assert Closure.objects.filter(start_date=dt.date(2026, 12, 25)).count() == 2
