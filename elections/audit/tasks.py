"""Background work, run by Django's tasks framework with the database-backed worker
(``django_tasks_db``; settings.TASKS): what is queued, and what the worker runs. The work itself
is in ``exports``, which never imports this module (one direction only).

Run the worker next to the app server::

    python manage.py db_worker                  # keeps polling; --interval SECONDS (default 1)
    python manage.py db_worker --batch          # runs what is queued, then exits
    python manage.py prune_db_task_results      # drops old task result rows

Without a running worker, large exports wait in the "queued" state.
"""

from django.db import transaction
from django.tasks import task

from elections.models import ExportJob

from .exports import export_job_run, export_jobs_expire


def export_job_start(*, requested_by, query: str, total: int) -> ExportJob:
    """Record the export and hand it to the background worker once the request commits."""
    export_jobs_expire()
    job = ExportJob.objects.create(requested_by=requested_by, query=query, total=total)

    def enqueue():
        result = export_records_zip.enqueue(str(job.pk))
        ExportJob.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


@task()
def export_records_zip(job_id: str) -> dict:
    """Build a large bulk export (``exports.export_job_run``) and store it for download."""
    job = export_job_run(job_id=job_id)
    if job.state == ExportJob.State.READY:
        # Have the worker delete the file when its link expires, even if nobody comes back.
        expire_exports.using(run_after=job.expires_at).enqueue()
    return {
        "job": str(job.pk),
        "state": job.state,
        "records": job.done,
        "manifest_sha256": job.manifest_sha256,
    }


@task()
def expire_exports() -> dict:
    """Delete the files of exports whose download link has expired (queued by each finished
    export to run when its link expires; anything else expired goes with it)."""
    return {"expired": export_jobs_expire()}
