from django import template

from crm.entities import settings_tabs
from crm.money import money as money_text
from people.naming import person_label

register = template.Library()


@register.inclusion_tag("generic/_settings_tabs.html", takes_context=True)
def settings_tab_bar(context):
    """The settings pages' tab bar, from the tabs the apps registered (``crm.entities``)."""
    request = context["request"]
    return {
        "tabs": [
            {"label": tab.label, "url": tab.url, "current": tab.current(request)}
            for tab in settings_tabs()
        ]
    }


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (an empty value removes one).

    Changing anything but the page goes back to the first page.
    """
    query = context["request"].GET.copy()
    if "page" not in changes:
        query.pop("page", None)
    for key, value in changes.items():
        if value in ("", None):
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def sort_url(context, key: str) -> str:
    """Link of a sortable column header: ascending first, then descending."""
    current = context["request"].GET.get("ordering", "")
    return query_with(context, ordering=f"-{key}" if current == key else key)


@register.filter
def person(user) -> str:
    """How the CRM names a person (``people.naming.person_label``)."""
    return person_label(user)


@register.filter
def money(amount, currency: str = "") -> str:
    """An amount with its currency in the reader's language (``crm.money``)."""
    return money_text(amount, currency)


@register.filter
def sort_mark(ordering: str, key: str) -> str:
    if ordering == key:
        return "▲"
    if ordering == f"-{key}":
        return "▼"
    return ""


@register.filter
def channel(communications, name: str) -> list:
    """The phones (``"phone"``), e-mails or websites among prefetched communications."""
    return [c for c in communications.all() if c.channel == name]


# Parameters of the filter bar that are not filters: the search box, the order, the page size
# and the kanban's pipeline tabs. Only a filter in use opens the filter panel.
NOT_FILTERS = frozenset({"q", "ordering", "per_page", "page", "pipeline", "count"})


@register.filter
def filters_in_use(filterset) -> bool:
    """Whether the filter panel's fields hold anything (to show it open)."""
    data = getattr(filterset, "data", None) or {}
    return any(
        value
        for key in data
        if key not in NOT_FILTERS
        for value in (data.getlist(key) if hasattr(data, "getlist") else [data[key]])
    )
