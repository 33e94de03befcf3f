"""Staff must use two-factor authentication before reaching any staff page."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect

from citizenleaders import roles

CONTINUE_AFTER_SETUP = "after_two_factor_setup"


class StaffTwoFactorMiddleware:
    """Send a coordinator or council staff member without two-factor
    authentication to set it up, then back to where they were going."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_staff_path(request.path_info) and roles.needs_two_factor_setup(request.user):
            # allauth does not carry ?next through setting up, so remember
            # where the person was going for the "Continue" button after it.
            request.session[CONTINUE_AFTER_SETUP] = request.get_full_path()
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{settings.STAFF_TWO_FACTOR_SETUP_URL}?{query}")
        return self.get_response(request)

    @staticmethod
    def _is_staff_path(path):
        return any(path.startswith(prefix) for prefix in settings.STAFF_PATH_PREFIXES)


class PermissionsPolicyMiddleware:
    """Turn off the browser features the portal never uses (camera,
    microphone, location, payment and the like) for every response, so that
    nothing injected into a page could use them either. Django's
    SecurityMiddleware sets the other security headers; this one it does not."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_OFF)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
