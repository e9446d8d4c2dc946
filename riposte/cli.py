"""The `riposte` command: Django's manage.py, plus Riposte's own commands (demo, serve, worker...).

`riposte import-directory` and `riposte import_directory` are the same command: hyphens read better
in a terminal, Python modules need underscores.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")
    argv = list(sys.argv)
    argv[0] = "riposte"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
