from tinhso.core.navigation import modules_for


def navigation(request):
    user = getattr(request, "user", None)
    return {"nav_modules": modules_for(user) if user is not None and user.is_authenticated else []}
