"""Who may do what: the one place that answers it.

Roles are data. A person's staff role is a ``StaffRole`` row granted by a
coordinator; the applicant and leader roles come from having an application or
a leader profile. Views, the admin and querysets ask the functions here rather
than testing flags of their own.

This module imports no app's models at import time, so any app may use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ObjectDoesNotExist


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    MEMBER = "member"
    APPLICANT = "applicant"
    LEADER = "leader"
    COUNCIL_STAFF = "council_staff"
    REGIONAL_COORDINATOR = "regional_coordinator"
    NATIONAL_COORDINATOR = "national_coordinator"


ROLE_LABELS = {
    Role.ANONYMOUS: "Visitor",
    Role.MEMBER: "Member",
    Role.APPLICANT: "Applicant",
    Role.LEADER: "Citizen Leader",
    Role.COUNCIL_STAFF: "Council staff",
    Role.REGIONAL_COORDINATOR: "Regional coordinator",
    Role.NATIONAL_COORDINATOR: "National coordinator",
}

STAFF_ROLES = {Role.COUNCIL_STAFF, Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR}
COORDINATOR_ROLES = {Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR}


def staff_role_of(user):
    """The person's ``StaffRole``, or ``None``."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_role
    except ObjectDoesNotExist:
        return None


def roles_of(user) -> frozenset[Role]:
    """Every role the person holds. A leader who is also council staff holds both.

    Worked out once per user object, so once per request: a role granted or
    removed takes effect on the person's next request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset({Role.ANONYMOUS})
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        cached = user._roles_cache = frozenset(_work_out_roles(user))
    return cached


def forget_roles(user) -> None:
    """Drop the roles remembered on this user object, after changing them."""
    for remembered in ("_roles_cache", "_has_application", "_has_two_factor"):
        user.__dict__.pop(remembered, None)
    for related in ("staff_role", "leader"):
        user._state.fields_cache.pop(related, None)


def _work_out_roles(user) -> set[Role]:
    roles = {Role.MEMBER}
    if user.is_superuser:
        roles.add(Role.NATIONAL_COORDINATOR)
    staff = staff_role_of(user)
    if staff is not None:
        roles.add(Role(staff.kind))
    if hasattr(user, "leader"):
        roles.add(Role.LEADER)
    elif _known(user, "_has_application", lambda: user.applications.exists()):
        roles.add(Role.APPLICANT)
    return roles


def has_role(user, *wanted: Role) -> bool:
    return bool(roles_of(user) & set(wanted))


def is_national_coordinator(user) -> bool:
    return has_role(user, Role.NATIONAL_COORDINATOR)


def is_regional_coordinator(user) -> bool:
    return has_role(user, Role.REGIONAL_COORDINATOR) and not is_national_coordinator(user)


def is_coordinator(user) -> bool:
    return has_role(user, *COORDINATOR_ROLES)


def is_council_staff(user) -> bool:
    return has_role(user, Role.COUNCIL_STAFF)


def may_use_back_office(user) -> bool:
    """Coordinators, and council staff given read-only access to their own
    council's records (``StaffRole.admin_access``)."""
    if is_coordinator(user):
        return True
    if not is_council_staff(user):
        return False
    staff = staff_role_of(user)
    return staff is not None and staff.admin_access


def is_staff_member(user) -> bool:
    """Coordinators and council staff: the accounts that must use two-factor."""
    return has_role(user, *STAFF_ROLES)


def has_two_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from allauth.mfa.models import Authenticator

    return _known(
        user,
        "_has_two_factor",
        lambda: Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
    )


def _known(user, name, ask):
    """What the sign-in backend loaded with the person (``citizenleaders.backends``),
    or, for a user object loaded some other way, the answer to ``ask()``."""
    value = getattr(user, name, None)
    return ask() if value is None else value


def needs_two_factor_setup(user) -> bool:
    return is_staff_member(user) and not has_two_factor(user)


@dataclass(frozen=True)
class Scope:
    """How much of the programme a person may see as staff.

    ``everything`` for national coordinators; otherwise the region or council
    they act for. A person with no staff role has an empty scope.
    """

    everything: bool = False
    region_id: int | None = None
    local_authority_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_id or self.local_authority_id)

    def includes_council(self, council) -> bool:
        """Whether a council's own records (its contacts, its notes) are in scope."""
        return (
            self.everything
            or (self.region_id is not None and self.region_id == council.region_id)
            or (self.local_authority_id is not None and self.local_authority_id == council.pk)
        )


def scope_of(user) -> Scope:
    if is_national_coordinator(user):
        return Scope(everything=True)
    staff = staff_role_of(user)
    if staff is None:
        return Scope()
    if staff.kind == Role.REGIONAL_COORDINATOR:
        return Scope(region_id=staff.region_id)
    if staff.kind == Role.COUNCIL_STAFF:
        return Scope(local_authority_id=staff.local_authority_id)
    return Scope()


def filter_by_scope(
    queryset,
    user,
    *,
    region_field: str | Sequence[str] = (),
    council_field: str | Sequence[str] = (),
):
    """Limit ``queryset`` to the person's scope: the one filter every list,
    page and export of staff data goes through.

    ``region_field`` is the path from the model to its region, and
    ``council_field`` the path to its council; either may be several paths, any
    of which puts a record in scope (an award goes to a region or to a ULO
    serving one). National coordinators see everything, regional coordinators
    their region's records, council staff their council's, and anyone else, or
    anyone whose kind of scope the model has no path for, nothing.
    """
    scope = scope_of(user)
    if scope.everything:
        return queryset
    if scope.region_id:
        return _matching(queryset, region_field, scope.region_id)
    if scope.local_authority_id:
        return _matching(queryset, council_field, scope.local_authority_id)
    return queryset.none()


def _matching(queryset, paths, value):
    paths = [path for path in ([paths] if isinstance(paths, str) else paths) if path]
    if not paths:
        return queryset.none()
    from django.contrib.admin.utils import lookup_spawns_duplicates
    from django.db.models import Q

    condition = Q()
    for path in paths:
        condition |= Q(**{path: value})
    opts = queryset.model._meta
    if any(lookup_spawns_duplicates(opts, path) for path in paths):
        # Through a many-to-many (a ULO's councils): a record that matches
        # more than once must still be listed once.
        matching = queryset.model._base_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=matching)
    return queryset.filter(condition)


def filter_by_region(queryset, user, region_field: str):
    """Limit a queryset to what a coordinator may see, by the path to its region.

    National coordinators see everything, regional coordinators their region,
    and anyone else nothing.
    """
    return filter_by_scope(queryset, user, region_field=region_field)


def primary_role(user) -> Role:
    """The role that best describes the person, for labels and navigation."""
    order = [
        Role.NATIONAL_COORDINATOR,
        Role.REGIONAL_COORDINATOR,
        Role.COUNCIL_STAFF,
        Role.LEADER,
        Role.APPLICANT,
        Role.MEMBER,
        Role.ANONYMOUS,
    ]
    held = roles_of(user)
    return next(role for role in order if role in held)
