"""A council's page, with what its own staff and coordinators may see.

The public page comes from ``ulos``. For the council's own staff and the
coordinators whose scope it is in, with two-factor authentication set up, the
page also shows the leaders in its area who appear in the directory, its
requests for involvement, and verified activity involving the council. Anyone
else sees the public page unchanged.
"""

from django.utils.functional import cached_property

from citizenleaders import roles
from leaders.selectors import council_overview
from ulos.views import AuthorityDetailView


def sees_council_staff_sections(user, council) -> bool:
    """The council's own staff and coordinators in scope, with two-factor set up."""
    return roles.scope_of(user).includes_council(council) and not roles.needs_two_factor_setup(user)


class CouncilDetailView(AuthorityDetailView):
    @cached_property
    def shows_staff_sections(self) -> bool:
        return sees_council_staff_sections(self.request.user, self.object)

    def get_template_names(self):
        if self.shows_staff_sections:
            return ["leaders/council_detail.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.shows_staff_sections:
            context["overview"] = council_overview(self.object)
        return context
