"""An invitation to be council staff is taken up when the invited address is
verified on an account: as the person confirms it, or as they log in (for an
address confirmed before, or an invitation they could not take up then).

Connected in ``CitizenLeadersConfig.ready``.
"""

from django.contrib import messages

from citizenleaders import roles, services


def take_up_invitation_on_email_confirmed(sender, request, email_address, **kwargs):
    take_up_invitation(request, email_address.user)


def take_up_invitation_on_login(sender, request, user, **kwargs):
    # Django's signal rather than allauth's: it is sent for every way of
    # logging in, including after two-factor authentication.
    take_up_invitation(request, user)


def take_up_invitation(request, user):
    """Give ``user`` the role of a waiting invitation, telling them so."""
    role = services.staff_invitation_accept_for(user)
    if role is None or request is None:
        return role
    message = f"You are now council staff for {role.local_authority}."
    if not roles.has_two_factor(user):
        message += (
            " Before you use the staff pages, you will be asked to set up two-factor "
            "authentication."
        )
    messages.success(request, message, fail_silently=True)
    return role
