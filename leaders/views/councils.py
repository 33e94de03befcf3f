"""A council's page, with what its own staff and coordinators may see."""

from ulos.views import AuthorityDetailView


class CouncilDetailView(AuthorityDetailView):
    pass
