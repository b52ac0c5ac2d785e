from django import template

from localities.selectors import home_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def records_counts(context):
    """The home page's counts for the user's area (one aggregate query per kind of record)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    return home_counts(request.user)
