from localities.permissions import can_import, get_assignment, is_administrator


def assignment(request):
    """The user's assignment and the rights the menus depend on."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"assignment": None, "may_import": False, "is_administrator": False}
    return {
        "assignment": get_assignment(user),
        "may_import": can_import(user),
        "is_administrator": is_administrator(user),
    }
