"""The portal's choices on top of django-allauth's defaults."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from citizenleaders import roles


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        """Staff must keep two-factor authentication on."""
        if authenticator.type == Authenticator.Type.TOTP and roles.is_staff_member(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)


class AccountAdapter(DefaultAccountAdapter):
    def render_mail(self, template_prefix, email, context, headers=None):
        """Account emails (confirming an address, resetting a password) are
        sent through ``EMAIL_BACKEND``, the outbox, like every other: this
        names them there (``email_confirmation_signup``) for filtering."""
        message = super().render_mail(template_prefix, email, context, headers)
        message.outbox_template = template_prefix.rsplit("/", 1)[-1]
        return message
