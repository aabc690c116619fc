"""manage.py publish_due — publish every scheduled issue whose time has come (for cron)."""

from django.core.management.base import BaseCommand, CommandError

from publishing.releases.services import issue_publish_due


class Command(BaseCommand):
    help = "Publish scheduled issues that are due. Safe to run often and beside a worker."

    def handle(self, *args, **options) -> None:
        results = issue_publish_due()
        failures = 0
        for issue, outcome in results:
            if isinstance(outcome, str):
                failures += 1
                self.stderr.write(f"{issue}: FAILED: {outcome}")
            else:
                self.stdout.write(f"{issue}: {outcome.reason}")
        if not results:
            self.stdout.write("nothing is due")
        if failures:
            raise CommandError(f"{failures} issue(s) failed to publish; they stay scheduled.")
