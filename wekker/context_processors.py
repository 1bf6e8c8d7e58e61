def roles(request):
    """What the navigation needs to know about the user."""
    roles = getattr(request, "roles", None)
    if roles is None or not roles.is_authenticated:
        return {"is_admin": False, "is_coordinator": False}
    return {"is_admin": roles.is_admin, "is_coordinator": roles.is_coordinator}
