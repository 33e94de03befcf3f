"""Model permissions come from roles, so the admin asks ``citizenleaders.roles``.

National coordinators may do everything. Regional coordinators may see and
change the records of their own region, and council staff given back-office
access may see their own council's (the admin narrows each list to that
scope: ``citizenleaders.admin_site.ScopedModelAdmin``); what each may touch is
listed here, in one place.

The backends that sign people in (``UserBackend``, and ``AccountBackend`` for
allauth's logins) load a signed-in person once per request with everything
``citizenleaders.roles`` asks about them, in one query.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef

from citizenleaders import roles

REGIONAL_COORDINATOR_PERMISSIONS = {
    "citizenleaders": {
        # Council staff of the region's councils, on an existing account or
        # by invitation; never coordinator roles (the admin limits the form).
        "view_staffrole",
        "add_staffrole",
        "change_staffrole",
        "delete_staffrole",
        "view_staffinvitation",
        "add_staffinvitation",
        "change_staffinvitation",
    },
    "leaders": {
        # Reviewing applications in their region (status changes go through
        # the review buttons, which need "change"); the history is read-only.
        "view_application",
        "change_application",
        "view_applicationevent",
        "view_leader",
        "change_leader",
        # Recording training; a record is added for a module added later.
        "view_trainingrecord",
        "add_trainingrecord",
        "change_trainingrecord",
        # Checking what leaders log and share.
        "view_activity",
        "change_activity",
        "view_story",
        "change_story",
        # Matching leaders to councils' requests for involvement.
        "view_involvementrequest",
        "change_involvementrequest",
        "view_involvementmatch",
        "add_involvementmatch",
        "change_involvementmatch",
        # The curriculum and what leaders choose from are set nationally.
        "view_module",
        "view_interest",
        "view_skill",
    },
    "ulos": {
        "view_region",
        "view_localauthority",
        "change_localauthority",
        "view_ulo",
        "add_ulo",
        "change_ulo",
        "view_assessment",
        "add_assessment",
        "change_assessment",
        "delete_assessment",
        # Criteria, services and funding are set nationally.
        "view_criterion",
        "view_service",
        "view_fundingprogramme",
        "view_award",
    },
    "events": {
        # Their region's events: setting them up and changing them; cancelling
        # goes through the "Cancel event" button. Bookings are people's own:
        # "change" is for marking attendance, through the list actions.
        "view_event",
        "add_event",
        "change_event",
        "view_registration",
        "change_registration",
    },
}

# Read-only, and for a leader only what the directory shows (the leader admin
# leaves out everything private).
COUNCIL_STAFF_PERMISSIONS = {
    "leaders": {
        "view_leader",
        "view_activity",
        "view_involvementrequest",
        "view_involvementmatch",
    },
    "ulos": {
        "view_localauthority",
        "view_ulo",
    },
    # The events their council hosts, and who is coming (access needs only
    # for events they organise).
    "events": {
        "view_event",
        "view_registration",
    },
}


def permissions_of(user_obj) -> dict[str, set[str]] | None:
    """The codenames a person holds, by app; ``None`` for all of them."""
    if not user_obj.is_active:
        return {}
    if roles.is_national_coordinator(user_obj):
        return None
    if roles.is_regional_coordinator(user_obj):
        return REGIONAL_COORDINATOR_PERMISSIONS
    if roles.may_use_back_office(user_obj):
        return COUNCIL_STAFF_PERMISSIONS
    return {}


class RolePermissionBackend:
    """An authentication backend that authenticates nobody and answers
    permission questions from the person's role."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        held = permissions_of(user_obj)
        if held is None:
            return True
        app_label, _, codename = perm.partition(".")
        return codename in held.get(app_label, set())

    def has_module_perms(self, user_obj, app_label):
        held = permissions_of(user_obj)
        return held is None or bool(held.get(app_label))


class _LoadsRolesMixin:
    """Load the person with their staff role, leader profile, whether they
    have an application and whether they have two-factor set up, so that
    working out their roles and checking two-factor on a staff page costs no
    further queries. The answers are as they were when the request began; a change
    within it is picked up after ``roles.forget_roles``."""

    def get_user(self, user_id):
        from allauth.mfa.models import Authenticator
        from django.contrib.auth import get_user_model

        from leaders.models import Application

        users = (
            get_user_model()
            ._default_manager.select_related("staff_role", "leader")
            .annotate(
                _has_application=Exists(Application.objects.filter(user=OuterRef("pk"))),
                _has_two_factor=Exists(
                    Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
                ),
            )
        )
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    # Permissions come from roles (RolePermissionBackend), never from Django's
    # groups or per-person permissions, which nobody is given: asking the
    # database for them would cost two queries on every admin page.
    def _get_user_permissions(self, user_obj):
        return Permission.objects.none()

    def _get_group_permissions(self, user_obj):
        return Permission.objects.none()


class UserBackend(_LoadsRolesMixin, ModelBackend):
    """Django's own logins (the admin's, tests' ``force_login``)."""


class AccountBackend(_LoadsRolesMixin, AuthenticationBackend):
    """allauth's logins, by email address."""
