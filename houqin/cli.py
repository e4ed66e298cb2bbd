"""The `houqin` command: `houqin demo`, `houqin serve`, `houqin worker`, `houqin seed-scale`,
`houqin import-assets`, and every Django management command (`houqin migrate`, `houqin
createsuperuser` …)."""

import os
import sys

ALIASES = {
    "seed-scale": "seed_scale",
    "import-assets": "import_assets",
    "worker": "db_worker",
}


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "houqin.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
        if argv[1] == "db_worker":
            from django.conf import settings

            backend = settings.TASKS["default"]["BACKEND"] if hasattr(settings, "TASKS") else ""
            if "rq" in backend.lower():
                argv[1] = "rqworker"
                argv.insert(2, "default")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
