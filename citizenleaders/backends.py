"""Model permissions come from roles, so the admin asks ``citizenleaders.roles``.

National coordinators may do everything. Regional coordinators may see and
change the records of their own region (the admin narrows each list to that
region); what they may touch is listed here, in one place.
"""

from citizenleaders import roles

REGIONAL_COORDINATOR_PERMISSIONS = {
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
}


class RolePermissionBackend:
    """An authentication backend that authenticates nobody and answers
    permission questions from the person's role."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        if roles.is_national_coordinator(user_obj):
            return True
        if roles.is_regional_coordinator(user_obj):
            app_label, _, codename = perm.partition(".")
            return codename in REGIONAL_COORDINATOR_PERMISSIONS.get(app_label, set())
        return False

    def has_module_perms(self, user_obj, app_label):
        if not user_obj.is_active:
            return False
        if roles.is_national_coordinator(user_obj):
            return True
        return roles.is_regional_coordinator(user_obj) and bool(
            REGIONAL_COORDINATOR_PERMISSIONS.get(app_label)
        )
