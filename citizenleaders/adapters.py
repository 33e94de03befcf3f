"""The portal's choices on top of django-allauth's defaults."""

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
