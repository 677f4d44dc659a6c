"""``python manage.py seed_scale --elections N``: realistic elections in bulk (scale_seed.py).

Refuses on a database it has already seeded (its accounts exist): run it once, on a fresh
database. Refuses when DEBUG is off unless ``--password`` names the accounts' password, since
the default one is publicly known.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from elections.management import scale_names, scale_seed
from elections.management.commands.load_notices import default_notice_files, load_notice_files
from elections.management.commands.seed_demo import signature

DEFAULT_PASSWORD = "formsvc-demo"


class Command(BaseCommand):
    help = (
        "Write N realistic elections in bulk (20 field offices, 400 officers, 40 supervisors, "
        "10 auditors named scale-...), for benchmarks and for trying formsvc at size. Runs once "
        "per database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--elections", type=int, required=True, help="how many elections")
        parser.add_argument("--seed", type=int, default=12, help="random seed (default 12)")
        parser.add_argument(
            "--password",
            help=(
                "password of every seeded account (default DEMO_PASSWORD or 'formsvc-demo', "
                "only with DEBUG on)"
            ),
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=2000,
            help="elections per transaction, whole families (default 2000; one more for a pair)",
        )

    def handle(self, *args, elections: int, seed: int, password, batch: int, **options):
        if elections < 1:
            raise CommandError("--elections must be at least 1.")
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        if password is None:
            if not settings.DEBUG:
                raise CommandError(
                    "seed_scale creates accounts; without --password they get a publicly known "
                    "password, which is only allowed with DEBUG on. Refusing because DEBUG is off."
                )
            password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        try:
            result = scale_seed.seed(
                elections=elections,
                seed=seed,
                password=password,
                batch_size=batch,
                write=lambda line: self.stdout.write(line) if options["verbosity"] > 1 else None,
                load_notices=lambda: load_notice_files(default_notice_files()),
                signature_image=signature,
            )
        except scale_seed.AlreadySeeded:
            raise CommandError(
                f"seed_scale has already run on this database ({scale_seed.already_seeded()} "
                f"accounts named {scale_seed.USERNAME_PREFIX}... exist); it runs once per "
                "database. Start from a fresh database to seed again."
            ) from None
        rate = result["elections"] / result["seconds"] if result["seconds"] else 0.0
        whole = result["seconds"] + result["summary_seconds"]
        overall = result["elections"] / whole if whole else 0.0
        common = scale_names.COMMON_SURNAME
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_scale: {result['elections']} elections of {result['parents']} parents in "
                f"{result['seconds']:.1f} s: {rate:.0f} elections/s; the auditor's figures "
                f"counted in {result['summary_seconds']:.1f} s more ({overall:.0f} elections/s "
                "in all). "
                f"Common surname: {common} (about 2% of parents). "
                f"Accounts: {scale_seed.USERNAME_PREFIX}officer-atl-01 ... "
                f"{scale_seed.USERNAME_PREFIX}supervisor-atl-1 ... "
                f"{scale_seed.USERNAME_PREFIX}auditor-01 ..."
            )
        )
        self.stdout.write(f"elections_per_s {rate:.1f}")
        self.stdout.write(f"elections_per_s_with_summary {overall:.1f}")
