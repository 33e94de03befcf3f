"""Giving people staff roles: on an existing account, or by inviting an email
address to act as council staff for one council.

Who may give what: a national coordinator any role; a regional coordinator
the council staff role for a council in their region, never a coordinator
role. Nobody gives a role to themselves, and a person holds one staff role at
most. A refused change raises ``ValidationError`` with a message a
coordinator can act on, and changes nothing.

An invitation becomes a role only once the invited address is verified on an
account (``staff_invitation_accept_for``, run when a person confirms an email
address or logs in: see ``citizenleaders.signals``), so only someone who can
read that mailbox gets it. If the address is already verified on an account,
inviting gives the role straight away.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from citizenleaders import roles
from citizenleaders.mail import absolute_url, send_email
from citizenleaders.models import (
    StaffInvitation,
    StaffRole,
    User,
    invitation_expiry,
    new_invitation_token,
)

Kind = StaffRole.Kind

SELF_GRANT = "You cannot give yourself a staff role. Ask another coordinator to do it."
ALREADY_STAFF = (
    "This person already has a staff role, and a person can hold only one. "
    "Change or remove the role they have instead."
)


# Who may give which role ---------------------------------------------------------


def staff_role_may_grant(by, *, kind: str, local_authority=None) -> bool:
    """Whether ``by`` may give the role ``kind`` (for ``local_authority``)."""
    if by is None or not by.is_active:
        return False
    if roles.is_national_coordinator(by):
        return True
    if roles.is_regional_coordinator(by) and kind == Kind.COUNCIL_STAFF:
        scope = roles.scope_of(by)
        return local_authority is not None and local_authority.region_id == scope.region_id
    return False


def _check_may_grant(by, *, kind: str, local_authority) -> None:
    if staff_role_may_grant(by, kind=kind, local_authority=local_authority):
        return
    if kind != Kind.COUNCIL_STAFF or not roles.is_coordinator(by):
        raise ValidationError("Only a national coordinator can give this role.", code="not_allowed")
    raise ValidationError(
        "You can give the council staff role only for a council in your region. "
        "Choose one of your region's councils.",
        code="outside_scope",
    )


def _addresses_of(user) -> set[str]:
    addresses = {user.email.lower()}
    addresses.update(
        email.lower()
        for email in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    return addresses


def _account_with_verified(email: str):
    """The account on which ``email`` is a verified address, or ``None``."""
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    return address.user if address else None


def _normalise(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def uk_date(value) -> str:
    """A date as people in the UK write it: "17 March 2027"."""
    return dateformat.format(timezone.localtime(value), "j F Y")


# Roles on an existing account -----------------------------------------------------


def staff_role_check_grant(*, user, kind: str, by, local_authority=None) -> None:
    """Raise ``ValidationError`` saying why ``by`` cannot give ``user`` this role."""
    if by is not None and user.pk == by.pk:
        raise ValidationError(SELF_GRANT, code="self_grant")
    if StaffRole.objects.filter(user=user).exists():
        raise ValidationError(ALREADY_STAFF, code="already_staff")
    _check_may_grant(by, kind=kind, local_authority=local_authority)


@transaction.atomic
def staff_role_grant(
    *,
    user: User,
    kind: str,
    by: User | None,
    region=None,
    local_authority=None,
    admin_access: bool = False,
    notify: bool = True,
) -> StaffRole:
    """Give ``user`` a staff role, recorded as given by ``by``.

    Council staff are emailed to say so, and that they must set up two-factor
    authentication before their first staff page (unless ``notify`` is off).
    """
    staff_role_check_grant(user=user, kind=kind, by=by, local_authority=local_authority)
    role = StaffRole(
        user=user,
        kind=kind,
        region=region,
        local_authority=local_authority,
        admin_access=admin_access,
        granted_by=by,
    )
    role.full_clean()
    role.save()
    roles.forget_roles(user)
    if notify and kind == Kind.COUNCIL_STAFF:
        _email_role_given(role)
    return role


def _email_role_given(role: StaffRole) -> None:
    send_email(
        to=role.user.email,
        name="staff_invitation",
        context={
            "name": role.user.full_name,
            "granted": True,
            "council": role.local_authority,
            "admin_access": role.admin_access,
            "inviter": role.granted_by.get_full_name() if role.granted_by else "A coordinator",
            "link": absolute_url("/me/"),
        },
    )


# Invitations by email address ---------------------------------------------------------


def staff_invitation_check(*, email: str, local_authority, by) -> None:
    """Raise ``ValidationError`` saying why ``by`` cannot invite ``email``
    to be council staff for ``local_authority``."""
    email = _normalise(email)
    _check_may_grant(by, kind=Kind.COUNCIL_STAFF, local_authority=local_authority)
    if email in _addresses_of(by):
        raise ValidationError(SELF_GRANT, code="self_grant")
    holder = _account_with_verified(email)
    if holder is not None and StaffRole.objects.filter(user=holder).exists():
        raise ValidationError(ALREADY_STAFF, code="already_staff")
    waiting = StaffInvitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).first()
    if waiting is not None:
        if waiting.is_expired:
            raise ValidationError(
                "An invitation to this address has expired. Send it again from its page "
                "instead, or withdraw it first.",
                code="invitation_expired",
            )
        raise ValidationError(
            f"This address already has an invitation waiting, until "
            f"{uk_date(waiting.expires_at)}. Send it again from its page if it was lost.",
            code="invitation_waiting",
        )


@transaction.atomic
def staff_invitation_create(
    *, email: str, local_authority, by: User, admin_access: bool = False
) -> StaffInvitation:
    """Invite ``email`` to be council staff for ``local_authority``, and email
    them a link.

    If the address is already verified on an account, the person is given the
    role straight away (the invitation is returned accepted) and emailed to
    say so.
    """
    email = _normalise(email)
    staff_invitation_check(email=email, local_authority=local_authority, by=by)
    invitation = StaffInvitation(
        email=email, local_authority=local_authority, admin_access=admin_access, invited_by=by
    )
    invitation.full_clean()
    invitation.save()
    holder = _account_with_verified(email)
    if holder is not None:
        _accept(invitation, holder, notify=True)
    else:
        _email_invitation(invitation)
    return invitation


def staff_invitation_problem(invitation: StaffInvitation) -> str | None:
    """Why the invitation's link cannot be used now, or ``None``."""
    if invitation.accepted_at:
        return "accepted"
    if invitation.withdrawn_at:
        return "withdrawn"
    if invitation.is_expired:
        return "expired"
    if not staff_role_may_grant(
        invitation.invited_by, kind=Kind.COUNCIL_STAFF, local_authority=invitation.local_authority
    ):
        return "inviter_cannot_grant"
    return None


def _lock(invitation: StaffInvitation) -> None:
    invitation.refresh_from_db(from_queryset=StaffInvitation.objects.select_for_update())


def _check_open(invitation: StaffInvitation, doing: str) -> None:
    if invitation.accepted_at:
        raise ValidationError(
            f"You cannot {doing} this invitation: it has already been accepted.",
            code="accepted",
        )
    if invitation.withdrawn_at:
        raise ValidationError(
            f"You cannot {doing} this invitation: it has been withdrawn.", code="withdrawn"
        )


def staff_invitation_check_resend(invitation: StaffInvitation) -> None:
    _check_open(invitation, "send again")


def staff_invitation_check_withdraw(invitation: StaffInvitation) -> None:
    _check_open(invitation, "withdraw")


@transaction.atomic
def staff_invitation_resend(*, invitation: StaffInvitation, by: User) -> StaffInvitation:
    """Send the invitation again with a new link, valid for another 14 days.
    The old link stops working. (If the address has been verified on an
    account since, the person is given the role straight away.)"""
    _lock(invitation)
    staff_invitation_check_resend(invitation)
    _check_may_grant(by, kind=Kind.COUNCIL_STAFF, local_authority=invitation.local_authority)
    invitation.invited_by = by
    holder = _account_with_verified(invitation.email)
    if holder is not None:
        _accept(invitation, holder, notify=True)
        return invitation
    invitation.token = new_invitation_token()
    invitation.expires_at = invitation_expiry()
    invitation.save(update_fields=["token", "expires_at", "invited_by", "updated_at"])
    _email_invitation(invitation)
    return invitation


@transaction.atomic
def staff_invitation_withdraw(*, invitation: StaffInvitation, by: User) -> StaffInvitation:
    """Withdraw an invitation: its link stops working."""
    _lock(invitation)
    staff_invitation_check_withdraw(invitation)
    _check_may_grant(by, kind=Kind.COUNCIL_STAFF, local_authority=invitation.local_authority)
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at", "updated_at"])
    return invitation


def staff_invitation_accept_for(user: User) -> StaffRole | None:
    """Give ``user`` the role of a waiting invitation to one of their verified
    email addresses, if there is one, and return it.

    The role is recorded as given by whoever sent the invitation, who must
    still be able to give it; nobody takes up an invitation they sent
    themselves, and a person who already has a staff role keeps it (the
    invitation stays waiting).
    """
    if not user.is_active or StaffRole.objects.filter(user=user).exists():
        return None
    verified = {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    if not verified:
        return None
    with transaction.atomic():
        invitations = (
            StaffInvitation.objects.pending()
            .filter(email__in=verified)
            .select_related("local_authority", "invited_by")
            .select_for_update(of=("self",))
            .order_by("created_at", "pk")
        )
        for invitation in invitations:
            try:
                return _accept(invitation, user, notify=False)
            except ValidationError:
                continue  # not theirs to take up: try the next
    return None


def _accept(invitation: StaffInvitation, user: User, *, notify: bool) -> StaffRole:
    role = staff_role_grant(
        user=user,
        kind=Kind.COUNCIL_STAFF,
        local_authority=invitation.local_authority,
        admin_access=invitation.admin_access,
        by=invitation.invited_by,
        notify=notify,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "invited_by", "updated_at"])
    return role


def _email_invitation(invitation: StaffInvitation) -> None:
    inviter = invitation.invited_by
    send_email(
        to=invitation.email,
        name="staff_invitation",
        context={
            "granted": False,
            "council": invitation.local_authority,
            "admin_access": invitation.admin_access,
            "inviter": inviter.get_full_name() if inviter else "A coordinator",
            "link": absolute_url(invitation.get_absolute_url()),
            "expires": uk_date(invitation.expires_at),
        },
    )
