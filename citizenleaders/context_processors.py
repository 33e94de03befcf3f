from django.conf import settings
from django.urls import reverse

from citizenleaders import roles
from citizenleaders.views import ABOUT_PAGES


def site(request):
    """The service name and the navigation the signed-in person may use."""
    user = getattr(request, "user", None)
    navigation = [
        ("About", reverse("about:index"), "/about/"),
        ("User-led organisations", reverse("ulos:list"), ("/ulos/", "/authorities/")),
        ("Events", reverse("events:list"), "/events/"),
    ]
    if user is not None and user.is_authenticated:
        if roles.is_council_staff(user) or roles.is_coordinator(user):
            navigation.append(("Directory", reverse("directory:list"), "/directory/"))
            navigation.append(("Requests", reverse("requests:list"), "/requests/"))
        if roles.is_coordinator(user):
            navigation.append(("Reports", reverse("reports:index"), "/reports/"))
        navigation.append(("Your account", reverse("me"), "/me/"))
        if user.is_staff:
            navigation.append(("Back office", reverse("admin:index"), "/admin/"))
    return {
        "site_name": settings.SITE_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "about_pages": ABOUT_PAGES,
        "navigation": [
            {"label": label, "url": url, "current": request.path.startswith(prefix)}
            for label, url, prefix in navigation
        ],
    }
