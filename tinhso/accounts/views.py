from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tinhso.accounts.services import has_access


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"tokens": request.user.api_tokens.all(),
                                                     "no_access": not has_access(request.user)})
