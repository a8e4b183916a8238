from buendnis.choices import Rolle


def rolle(request):
    """The signed-in user's role, for navigation that fits the role."""
    user = getattr(request, "user", None)
    value = getattr(user, "rolle", "") if user is not None and user.is_authenticated else ""
    return {"rolle": value, "Rolle": Rolle}
