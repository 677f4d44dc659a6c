"""``python manage.py create_api_token USERNAME --scopes clearance:read,records:read [--office CODE]
[--name TEXT]``: a bearer token for a service account (created if missing), printed once.
``python manage.py create_api_token --revoke PREFIX``: revoke the token that starts so."""

from django.core.management.base import BaseCommand, CommandError

from elections.api.tokens import TokenRefused, scopes_parse, token_issue, tokens_revoke
from elections.models import API_SCOPES, ApiToken


class Command(BaseCommand):
    help = "Create a bearer token for a service account of the JSON API, or revoke one."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="The service account (created if missing).")
        parser.add_argument(
            "--scopes", default="", help=f"Comma-separated, of: {', '.join(API_SCOPES)}."
        )
        parser.add_argument("--office", default=None, help="Limit the token to one field office.")
        parser.add_argument("--name", default="", help="What the token is for.")
        parser.add_argument(
            "--revoke",
            metavar="PREFIX",
            default=None,
            help="Revoke the token that starts with PREFIX (as the admin lists it).",
        )

    def handle(self, *args, username, scopes, office, name, revoke, **options):
        if revoke:
            return self._revoke(revoke)
        if not username:
            raise CommandError("Name the service account: create_api_token USERNAME --scopes ...")
        try:
            token, raw, created = token_issue(
                username=username, scopes=scopes_parse(scopes), office_code=office, name=name
            )
        except TokenRefused as error:
            raise CommandError(str(error)) from None
        if created:
            self.stdout.write(f"Created the service account {username} (it cannot sign in).")
        limit = f"field office {token.office.code}" if token.office else "every field office"
        self.stdout.write(f"Token for {username}: {', '.join(token.scopes)}; {limit}.")
        self.stdout.write("Store it now; it is never shown again:")
        self.stdout.write(raw)

    def _revoke(self, prefix: str):
        matches = ApiToken.objects.filter(key_prefix__startswith=prefix.rstrip("…"))
        count = matches.count()
        if count == 0:
            raise CommandError(f"No token starts with {prefix}.")
        if count > 1:
            raise CommandError(f"{count} tokens start with {prefix}; give more characters.")
        token = matches.get()
        if tokens_revoke(matches) == 0:
            self.stdout.write(f"{token} was already revoked.")
        else:
            self.stdout.write(f"Revoked {token}.")
