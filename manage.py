#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bulletin.settings.dev")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except Exception as exc:
        # A database that does not answer is an operating condition, not a bug: say so in
        # one line instead of a traceback. Anything else keeps its traceback.
        from bulletin.database import CONNECTION_ERRORS, database_description, database_unreachable

        if not isinstance(exc, CONNECTION_ERRORS):
            raise
        reason = database_unreachable(fresh=True)
        if reason is None:  # the database answers: this was some other operational error
            raise
        command = sys.argv[1] if len(sys.argv) > 1 else "manage.py"
        sys.stderr.write(f"{command}: the database ({database_description()}) is unreachable: "
                         f"{reason}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
