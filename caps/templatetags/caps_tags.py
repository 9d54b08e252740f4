"""Labels for codes kept in plan documents (population groups, council roles), and the women's share."""

from django import template
from django.utils.translation import gettext as _

from caps.document import currency_label, group_label
from caps.models import CouncilRole

register = template.Library()


@register.filter
def participant_group(code: str) -> str:
    return group_label(code)


@register.filter
def council_role(code: str) -> str:
    return str(dict(CouncilRole.choices).get(code, code))


@register.filter
def currency(code: str) -> str:
    return currency_label(code)


@register.filter
def share(value) -> str:
    """A women's share as "12.5 %", or a dash when nobody was counted."""
    if value is None:
        return "—"
    return _("%(value)s %%") % {"value": value}


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, or None when the mapping has no such key."""
    if not mapping:
        return None
    return mapping.get(key)
