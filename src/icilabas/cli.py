"""The `icilabas` console script: manage.py under a friendlier name.

`icilabas demo`, `icilabas generate --projects N`, `icilabas serve` and every Django command.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icilabas.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    aliases = {
        "serve": ["runserver", "--noreload"],
        "import-iati": ["import_iati"],
        "export-iati": ["export_iati"],
        "export-atlas": ["export_atlas"],
        "confirmation-campaign": ["confirmation_campaign"],
        "import-vocabulary": ["import_vocabulary"],
    }
    if len(argv) > 1 and argv[1] in aliases:
        argv[1:2] = aliases[argv[1]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
