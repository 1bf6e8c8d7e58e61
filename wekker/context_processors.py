from groups import access


def roles(request):
    """What the navigation needs to know about the user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_admin": False, "is_coordinator": False}
    return {"is_admin": access.is_admin(user), "is_coordinator": access.is_coordinator(user)}
