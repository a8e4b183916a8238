"""The task worker inside a test: the database backend and `manage.py db_worker --batch`."""

from __future__ import annotations

import signal

from django.core.management import call_command

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def db_worker_batch() -> None:
    """Runs `manage.py db_worker --batch` in this process: every ready task, then it returns.

    Needs a transactional test (`referenzdaten` or `django_db(transaction=True)`): the worker claims each task in
    its own transaction and closes the connection between tasks, as in production. The command installs its own
    SIGINT/SIGTERM handlers; pytest's are put back afterwards.
    """
    signale = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s is not None]
    vorher = {s: signal.getsignal(s) for s in signale}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:
        for s, handler in vorher.items():
            signal.signal(s, handler)
