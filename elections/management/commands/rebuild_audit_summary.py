"""Count the auditor dashboard's figures again from every election (``elections.figures``).

The workflow keeps the figures as elections change; run this after writing elections in bulk
without it (``seed_scale``, a restore, an import) or after migrating a database that already
holds elections. The dashboard keeps showing the old figures until the new ones are complete.
"""

import time

from django.core.management.base import BaseCommand

from elections.figures import figures_rebuild


class Command(BaseCommand):
    help = "Rebuild the auditor dashboard's summary figures from every election."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counted = figures_rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(f"Counted {counted} submitted elections in {seconds:.1f} s.")
