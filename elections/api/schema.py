"""The OpenAPI document: the bearer scheme, the error answers each endpoint declares, and the
address aliases left out of it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer, ValidationErrorSerializer

#: Paths served without (or with) a trailing slash too, so a client that adds or drops it is
#: not redirected (a redirected POST loses its body). The document names each path once.
ALIASES: set[str] = set()


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "elections.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )
        scheme["description"] = "A service account's token (manage.py create_api_token)."
        return scheme


ERROR_DESCRIPTIONS = {
    400: "Malformed request: the body or a parameter is not valid (each field listed).",
    401: "Missing, unknown or revoked token.",
    403: "The token does not carry the scope, or is limited to another field office.",
    404: "Not found (or not visible to this token's field office).",
    405: "Method not allowed.",
    409: "Conflicts with what is recorded.",
    415: "The body is not JSON.",
    429: "Over the token's rate limit; Retry-After says when to try again.",
    503: "The stored record no longer matches its SHA-256 and is not served.",
}


def errors(*statuses: int) -> dict:
    """The declared error answers: 401, 403, 405 and 429 always, plus ``statuses``."""
    answers = {}
    for status in sorted({401, 403, 405, 429, *statuses}):
        serializer = ValidationErrorSerializer if status == 400 else ErrorSerializer
        answers[status] = OpenApiResponse(serializer, description=ERROR_DESCRIPTIONS[status])
    return answers


def canonical_paths_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: drop the aliases."""
    return [endpoint for endpoint in endpoints if endpoint[0] not in ALIASES]
