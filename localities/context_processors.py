from localities.permissions import VIEW, can_import, get_assignment, is_administrator, may


def assignment(request):
    """The user's assignment and the rights the menus depend on."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "assignment": None,
            "may_import": False,
            "is_administrator": False,
            "may_use_api": False,
        }
    return {
        "assignment": get_assignment(user),
        "may_import": can_import(user),
        "is_administrator": is_administrator(user),
        # The read-only API answers whoever has an area (exchange.api).
        "may_use_api": may(user, VIEW),
    }
