from django.utils.crypto import salted_hmac

from .selectors import staff_profile_for


def staff(request):
    """The signed-in user's staff profile, for the navigation bar, and the opaque value that ties
    what the browser keeps of a half-typed page to that user (static/js/flow.js)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_profile": None, "draft_owner": ""}
    return {
        "staff_profile": staff_profile_for(user=user),
        "draft_owner": salted_hmac(
            "formsvc.draft-owner", str(user.pk), algorithm="sha256"
        ).hexdigest()[:20],
    }
