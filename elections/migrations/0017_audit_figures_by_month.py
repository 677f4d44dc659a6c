# The per-month charts read the elections submitted per UTC month (``figures._month``) where they
# read them per UTC day: the kept figures are moved here from each day to its month, in both
# tables (each election's counted buckets, and the totals, merged with their latest change time
# kept), so they stay what ``figures_rebuild`` counts.

from collections import Counter
from datetime import datetime

from django.db import migrations

BATCH = 2000


def _month(period: datetime) -> datetime:
    return period.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def by_month(apps, schema_editor):
    alias = schema_editor.connection.alias
    kept_model = apps.get_model("elections", "ElectionFigures")
    figure_model = apps.get_model("elections", "AuditFigure")
    changed = []
    for kept in kept_model.objects.using(alias).order_by("pk").iterator(chunk_size=BATCH):
        buckets = []
        for office, period, metric, key, n in kept.buckets:
            if metric == "submitted":
                period = _month(datetime.fromisoformat(period)).isoformat()
            buckets.append([office, period, metric, key, n])
        if buckets != kept.buckets:
            kept.buckets = sorted(buckets)
            changed.append(kept)
        if len(changed) >= BATCH:
            kept_model.objects.using(alias).bulk_update(changed, ["buckets"])
            changed = []
    kept_model.objects.using(alias).bulk_update(changed, ["buckets"], batch_size=BATCH)

    days = figure_model.objects.using(alias).filter(metric="submitted")
    totals, latest = Counter(), {}
    for office_id, period, key, n, updated_at in days.values_list(
        "office_id", "period", "key", "count", "updated_at"
    ):
        bucket = (office_id, _month(period), key)
        totals[bucket] += n
        latest[bucket] = max(latest.get(bucket, updated_at), updated_at)
    days.delete()
    figure_model.objects.using(alias).bulk_create(
        [
            figure_model(
                office_id=office_id,
                period=period,
                metric="submitted",
                key=key,
                count=n,
                updated_at=latest[(office_id, period, key)],
            )
            for (office_id, period, key), n in sorted(totals.items())
        ],
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("elections", "0016_audit_search_indexes"),
    ]

    operations = [
        migrations.RunPython(by_month, migrations.RunPython.noop, elidable=False),
    ]
