from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form in words a member understands (the reason stays in the server log)."""
    return render(request, "403_csrf.html", status=403)
