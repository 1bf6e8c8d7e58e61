from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from indicators.summary import withheld_label

register = template.Library()


@register.filter
def count(value):
    """A count as shown: withheld small cells read "< 11"."""
    if value is None:
        return withheld_label()
    return number_format(value, force_grouping=True)


@register.filter
def percent(value):
    """A share (0–1) as a percentage; an unknown or withheld share reads "—"."""
    if value is None:
        return "—"
    return f"{number_format(value * 100, 1)} %"


@register.filter
def change_points(value):
    """A change of share in percentage points, signed."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return _("%(sign)s%(points)s pts") % {"sign": sign, "points": number_format(abs(value) * 100, 1)}


@register.filter
def ratio(value):
    if value is None:
        return "—"
    return f"{number_format(value * 100, 0)} %"


@register.filter
def index(value):
    return "—" if value is None else number_format(value, 1)


@register.filter
def class_label(value):
    labels = {"masculinised": _("Masculinised"), "mixed": _("Mixed"), "feminised": _("Feminised")}
    return labels.get(value, "—")


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The page's query string with some parameters replaced (e.g. another territory)."""
    query = context["request"].GET.copy()
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


@register.filter
def split(value):
    return value.split()


@register.filter
def get(mapping, key):
    return mapping.get(key)
