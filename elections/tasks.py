"""Background work, run by Django's tasks framework with the database-backed worker
(``django_tasks_db``; settings.TASKS).

Run the worker next to the app server::

    python manage.py db_worker                  # keeps polling; --interval SECONDS (default 1)
    python manage.py db_worker --batch          # runs what is queued, then exits
    python manage.py prune_db_task_results      # drops old task result rows

Without a running worker, large exports wait in the "queued" state.
"""

from django.tasks import task


@task()
def export_records_zip(job_id: str) -> dict:
    """Build a large bulk export (``exports.export_job_run``) and store it for download."""
    from .exports import export_job_run

    job = export_job_run(job_id=job_id)
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
    from .exports import export_jobs_expire

    return {"expired": export_jobs_expire()}
