from .selectors import staff_profile_for


def staff(request):
    """The signed-in user's staff profile, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_profile": None}
    return {"staff_profile": staff_profile_for(user=user)}
