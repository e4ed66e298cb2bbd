"""`houqin scheduler`: enqueue the periodic tasks of every app for the task worker.

Every installed app's `tasks` module may list PERIODIC_TASKS = [(task, seconds), …]. This loop
enqueues each task on its interval; `houqin worker` runs them. It keeps no state of its own:
the tasks are idempotent and remember what they did in the database, so the scheduler can be
restarted (or run twice) at any time. While a task of the database queue is still waiting to
run, it is not enqueued again, so a stopped worker does not find a pile of ticks on its return.
"""

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import close_old_connections


def periodic_tasks():
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.tasks":
                continue
            raise
        found.extend(getattr(module, "PERIODIC_TASKS", ()))
    return found


def waiting(task):
    """Is a run of `task` already queued and not started (database queue only)?"""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists()


class Command(BaseCommand):
    help = "Enqueue the apps' periodic tasks (inspection rounds, overdue repairs …) for `houqin worker`."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue every periodic task once and stop.")
        parser.add_argument("--sleep", type=float, default=5.0, help="Seconds between checks (default 5).")

    def handle(self, *args, once, sleep, **options):
        tasks = periodic_tasks()
        last = {}
        self.stdout.write(
            f"Scheduler: {len(tasks)} periodic task(s): " + ", ".join(t.name for t, _s in tasks)
        )
        while True:
            now = time.monotonic()
            for task, seconds in tasks:
                if task.module_path in last and now - last[task.module_path] < seconds:
                    continue
                last[task.module_path] = now
                if waiting(task):
                    continue
                result = task.enqueue()
                if once:
                    self.stdout.write(f"enqueued {task.name} ({result.id})")
            if once:
                return
            close_old_connections()
            time.sleep(sleep)
