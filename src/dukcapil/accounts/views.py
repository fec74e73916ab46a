"""Staff login, logout and the staff home page (thin: the form and the decorators do the work)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dukcapil.accounts.decorators import staff_verified_required
from dukcapil.accounts.forms import StaffAuthenticationForm


class StaffLoginView(auth_views.LoginView):
    """Password and a TOTP code (or a one-time backup code) in one form."""

    form_class = StaffAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = False


class StaffLogoutView(auth_views.LogoutView):
    next_page = "accounts:login"


@staff_verified_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"staff": request.user})
