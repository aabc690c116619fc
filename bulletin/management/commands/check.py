"""``manage.py check`` that also checks the databases (Django's own skips database checks
unless ``--database`` is given, so an unreachable database read as "no issues")."""

from django.core.management.commands.check import Command as DjangoCheckCommand
from django.db import connections

from bulletin.checks import reporting_reachability


class Command(DjangoCheckCommand):
    help = DjangoCheckCommand.help + " Database checks run against every configured database."

    def handle(self, *app_labels, **options):
        if not options.get("databases"):
            options["databases"] = list(connections)
        token = reporting_reachability.set(True)
        try:
            return super().handle(*app_labels, **options)
        finally:
            reporting_reachability.reset(token)
