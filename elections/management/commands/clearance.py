"""``python manage.py clearance A-NUMBER [--json]``: the answer the clearance API gives, for an
operator on the server. Exit 0 when the parent is cleared, 1 when not, 2 when unknown or malformed.
Every answer is recorded in the access log, as the API's are."""

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import translation

from elections.access_log import service_access_record
from elections.clearance import clearance_for_a_number
from elections.models import AccessAction, Parent


class Command(BaseCommand):
    help = "May this parent be removed, and with which children? The clearance API's answer."

    def add_arguments(self, parser):
        parser.add_argument("a_number", help="The parent's A-number, in any usual shape.")
        parser.add_argument("--json", action="store_true", help="Print the API's JSON answer.")

    def handle(self, *args, a_number: str, json: bool = False, **options):
        translation.activate("en")
        try:
            answer = clearance_for_a_number(a_number).as_dict()
        except ValidationError as error:
            self._refuse("invalid_a_number", " ".join(error.messages), as_json=json)
        except Parent.DoesNotExist:
            self._refuse(
                "unknown_parent", "No parent with this A-number is recorded.", as_json=json
            )
        service_access_record(
            action=AccessAction.CLEARANCE,
            path=f"manage.py clearance {answer['a_number']}",
            detail=answer,
        )
        if json:
            self.stdout.write(_dumps(answer))
        else:
            self._print(answer)
        sys.exit(0 if answer["cleared"] else 1)

    def _refuse(self, code: str, detail: str, *, as_json: bool):
        if as_json:
            self.stdout.write(_dumps({"error": code, "detail": detail}))
        else:
            self.stderr.write(detail)
        sys.exit(2)

    def _print(self, answer: dict) -> None:
        verdict = "CLEARED" if answer["cleared"] else "NOT CLEARED"
        self.stdout.write(f"{verdict} {answer['a_number']} {answer['name']}")
        for reason in answer["reasons"]:
            self.stdout.write(f"  {reason}")
        for child in answer["children"]:
            self.stdout.write(
                f"  - {child['a_number'] or '-'} {child['name']}: {child['removal']}"
                f" ({'; '.join(child['reasons'])})"
            )


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
