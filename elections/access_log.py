"""Every look an auditor takes is recorded (DESIGN.md §5): the service that writes the access log
and the decorator every auditor view wears.

``auditor_view`` refuses anyone who is not an auditor (403) and records each page the auditor
opens, with the response status, including pages that answer 404. Views that download, export
or verify record their own, more specific entry with ``access_log_record`` and say so with
``auditor_view(log_page=False)``.
"""

import functools
import ipaddress
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .constants import Role
from .models import AccessAction, AccessLog
from .selectors import staff_profile_for

logger = logging.getLogger("formsvc.access")

USER_AGENT_MAX = 300


def client_ip(request) -> str | None:
    """The address the request came from, as the app server saw it.

    Behind a reverse proxy, the proxy (or gunicorn's ``--forwarded-allow-ips``) must set
    REMOTE_ADDR; a client-supplied X-Forwarded-For is never trusted here.
    """
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def is_auditor(user) -> bool:
    profile = staff_profile_for(user=user)
    return profile is not None and profile.role == Role.AUDITOR and user.is_active


def access_log_record(
    *,
    request,
    action: AccessAction,
    election=None,
    detail: dict | None = None,
    status_code: int | None = None,
) -> AccessLog:
    """Append one entry for what ``request.user`` just did. Never updates an earlier entry."""
    user = request.user
    profile = staff_profile_for(user=user)
    entry = AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        role=profile.role if profile else "",
        action=action,
        method=request.method or "",
        path=request.get_full_path()[:2000],
        status_code=status_code,
        election=election,
        detail=detail or {},
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
    )
    logger.info("audit access %s %s %s", entry.username, entry.action, entry.path)
    return entry


#: The role recorded for an API request made with a service account's token.
SERVICE_ROLE = "service"


def service_access_record(
    *,
    action: AccessAction,
    token=None,
    request=None,
    path: str = "",
    method: str = "",
    election=None,
    detail: dict | None = None,
    status_code: int | None = None,
) -> AccessLog:
    """Append one entry for what a system did through the API (``token``, with the request), or
    for a command run on the server (no token, no request: ``path`` names the command)."""
    if request is not None:
        path = request.get_full_path()
        method = request.method or ""
    user = token.user if token is not None else None
    entry = AccessLog.objects.create(
        user=user,
        token=token,
        username=user.get_username() if user is not None else "manage.py",
        role=SERVICE_ROLE if token is not None else "command",
        action=action,
        method=method,
        path=path[:2000],
        status_code=status_code,
        election=election,
        detail=detail or {},
        ip_address=client_ip(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX] if request else "",
    )
    logger.info("service access %s %s %s", entry.username, entry.action, entry.path)
    return entry


def auditor_view(view=None, *, log_page: bool = True):
    """Only auditors may open the view; each page they open is logged (``log_page``)."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            if not is_auditor(request.user):
                raise PermissionDenied
            try:
                response = func(request, *args, **kwargs)
            except Http404:
                if log_page:
                    access_log_record(request=request, action=AccessAction.PAGE, status_code=404)
                raise
            if log_page:
                access_log_record(
                    request=request,
                    action=AccessAction.PAGE,
                    election=getattr(request, "audited_election", None),
                    status_code=response.status_code,
                )
            return response

        # Copied outwards by functools.wraps, so the URL's callback says it: tested.
        wrapper.auditor_only = True
        return wrapper

    return decorate(view) if view is not None else decorate
