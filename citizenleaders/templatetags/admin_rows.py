"""``{% kept_result_list cl %}``: Django's ``{% result_list cl %}``, kept
between requests where the model admin keeps its rows
(``ScopedModelAdmin.kept_rows``)."""

from django import template
from django.template import engines

register = template.Library()

RESULT_LIST = "{% load admin_list %}{% result_list cl %}"


@register.simple_tag(takes_context=True)
def kept_result_list(context, cl):
    def draw():
        table = engines["django"].from_string(RESULT_LIST)
        return table.render({"cl": cl, "opts": cl.opts})

    # Safe text from Django's own templates; the cache keeps it safe (a
    # SafeString pickles as one).
    return cl.kept_rows(context["request"], draw)
