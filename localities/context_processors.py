from localities.querysets import get_assignment


def assignment(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"assignment": None}
    return {"assignment": get_assignment(user)}
