"""Public pages about places and partner organisations: the ULO directory,
coverage of England, councils, and the funding programmes."""

from functools import partial

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView, View

from citizenleaders import roles
from citizenleaders.csv import csv_response
from citizenleaders.versioned_cache import KeptContentMixin, KeptListMixin
from ulos.filters import UloFilter
from ulos.hexmap import hex_map
from ulos.models import (
    Assessment,
    Award,
    Criterion,
    FundingProgramme,
    LocalAuthority,
    Stage,
    Ulo,
    UloStrategy,
)
from ulos.selectors import CATEGORY_LABELS, KEPT_COVERAGE, KEPT_ULO_LIST, coverage

PAGE_SIZE = 20


class PageNumberMixin:
    """A page number past the end shows the last page, not an error."""

    paginate_by = PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        )
        return context


class UloListView(KeptListMixin, PageNumberMixin, ListView):
    template_name = "ulos/ulo_list.html"
    content_template_name = "ulos/includes/ulo_list_content.html"
    kept_content = KEPT_ULO_LIST
    context_object_name = "ulos"
    list_title = "Find a user-led organisation"

    def get_queryset(self):
        published = (
            Ulo.objects.published()
            .with_meets_criteria()
            .prefetch_related(
                Prefetch(
                    "local_authorities", queryset=LocalAuthority.objects.only("name", "gss_code")
                )
            )
        )
        self.filterset = UloFilter(self.request.GET or None, queryset=published)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        context["form"] = form
        # Listed once here: one query each, rather than a count and a query.
        context["region_choices"] = list(iter(form.fields["region"].choices))
        context["service_choices"] = list(iter(form.fields["service"].choices))
        context["councils"] = LocalAuthority.objects.current().select_related("region")
        context["is_filtered"] = any(
            value for key, value in self.request.GET.items() if key != "page"
        )
        return context


class UloDetailView(DetailView):
    template_name = "ulos/ulo_detail.html"
    context_object_name = "ulo"

    def get_queryset(self):
        return Ulo.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("local_authorities", queryset=LocalAuthority.objects.select_related("region")),
            "services",
            Prefetch("awards", queryset=Award.objects.select_related("programme")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ulo = self.object
        assessments = {
            assessment.criterion_id: assessment for assessment in Assessment.objects.filter(ulo=ulo)
        }
        criteria = [
            (criterion, assessments.get(criterion.pk)) for criterion in Criterion.objects.all()
        ]
        context["criteria"] = criteria
        context["meets_criteria"] = all(
            assessment is not None and assessment.result == Assessment.Result.MET
            for criterion, assessment in criteria
            if criterion.is_essential
        )
        return context


STRATEGY_ORDER = {UloStrategy.ADOPTED: 1, UloStrategy.IN_DEVELOPMENT: 2, UloStrategy.NONE: 3}


class CoverageSortMixin:
    """The coverage table's order and region, from the address."""

    SORTS = {
        "council": lambda area: area.council.name,
        "region": lambda area: (area.council.region.gss_code, area.council.name),
        "stage": lambda area: (Stage.rank(area.best_stage), area.council.name),
        "criteria": lambda area: (not area.meets_criteria, area.council.name),
        "strategy": lambda area: (STRATEGY_ORDER.get(area.strategy, 0), area.council.name),
    }

    def sorted_areas(self, coverage_result):
        request = self.request
        sort = request.GET.get("sort")
        sort = sort if sort in self.SORTS else "region"
        descending = request.GET.get("order") == "desc"
        region_code = request.GET.get("region", "")
        areas = coverage_result.areas
        region = None
        if region_code:
            region = next(
                (summary for summary in coverage_result.regions if summary.gss_code == region_code),
                None,
            )
            areas = region.areas if region else areas
        areas = sorted(areas, key=self.SORTS[sort], reverse=descending)
        return areas, sort, descending, region


class CoverageView(KeptContentMixin, CoverageSortMixin, TemplateView):
    """The map and tables are kept with the coverage figures, under their
    version: drawing 153 hexagons and rows again for each visitor cost more
    than working the figures out."""

    template_name = "ulos/coverage.html"
    content_template_name = "ulos/includes/coverage_content.html"
    kept_content = KEPT_COVERAGE

    def kept_details(self, context):
        title = "Where England has a user-led organisation"
        if context["selected_region"]:
            title += f": {context['selected_region'].name}"
        return {"title": title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = coverage()
        areas, sort, descending, region = self.sorted_areas(result)
        context.update(
            coverage=result,
            hex_map=hex_map(result.areas),
            areas=areas,
            sort=sort,
            descending=descending,
            selected_region=region,
            region_code=self.request.GET.get("region", ""),
            columns=[
                ("council", "Council area"),
                ("region", "Region"),
                ("stage", "Most developed ULO"),
                ("criteria", "Meets the criteria"),
                ("strategy", "Strategy where there is no ULO"),
            ],
            category_labels=CATEGORY_LABELS,
        )
        return context


class CoverageCsvView(CoverageSortMixin, View):
    def get(self, request):
        areas, _sort, _descending, region = self.sorted_areas(coverage())
        rows = (
            [
                area.council.gss_code,
                area.council.name,
                area.council.region.name,
                area.ulo_count,
                area.category_label,
                "yes" if area.meets_criteria else "no",
                area.strategy_label,
            ]
            for area in areas
        )
        suffix = f"-{region.gss_code}" if region else ""
        return csv_response(
            f"ulo-coverage{suffix}.csv",
            [
                "GSS code",
                "Council area",
                "Region",
                "Published ULOs",
                "Most developed ULO",
                "Meets the criteria",
                "Strategy where there is no ULO",
            ],
            rows,
        )


class AuthorityListView(TemplateView):
    template_name = "ulos/authority_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["coverage"] = coverage()
        context["former_councils"] = (
            LocalAuthority.objects.exclude(pk__in=[a.council.pk for a in context["coverage"].areas])
            .select_related("region")
            .prefetch_related("successors")
        )
        return context


class AuthorityDetailView(DetailView):
    template_name = "ulos/authority_detail.html"
    context_object_name = "council"
    slug_field = "gss_code"
    slug_url_kwarg = "gss_code"

    def get_object(self, queryset=None):
        return get_object_or_404(
            LocalAuthority.objects.select_related("region"),
            gss_code=self.kwargs["gss_code"].upper(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        council = self.object
        user = self.request.user
        # The councils it took over from and those that took over from it, in one query.
        links = LocalAuthority.successors.through.objects.filter(
            Q(from_localauthority=council) | Q(to_localauthority=council)
        ).select_related("from_localauthority", "to_localauthority")
        by_name = partial(sorted, key=lambda other: (other.name, other.pk))
        context["successors"] = by_name(
            link.to_localauthority for link in links if link.from_localauthority_id == council.pk
        )
        context["predecessors"] = by_name(
            link.from_localauthority for link in links if link.to_localauthority_id == council.pk
        )
        context["ulos"] = (
            Ulo.objects.published()
            .with_meets_criteria()
            .filter(local_authorities=council)
            .prefetch_related("services")
        )
        context["shows_private"] = roles.scope_of(user).includes_council(council)
        return context


class ProgrammeListView(ListView):
    template_name = "ulos/programme_list.html"
    context_object_name = "programmes"
    queryset = FundingProgramme.objects.with_awarded()


class ProgrammeDetailView(DetailView):
    template_name = "ulos/programme_detail.html"
    context_object_name = "programme"
    queryset = FundingProgramme.objects.with_awarded()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.object
        context["awards"] = programme.awards.select_related("ulo", "region").order_by(
            "awarded_on", "pk"
        )
        context["left"] = programme.budget - programme.awarded
        return context
