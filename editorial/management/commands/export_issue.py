"""manage.py export_issue PUBLICATION_SLUG NUMBER DIR — write an issue as a bundle."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from editorial.bundles import BundleError, bundle_export
from editorial.models import Issue


class Command(BaseCommand):
    help = "Export an issue as a bundle into DIR (created; must be empty if it exists)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("publication_slug")
        parser.add_argument("number", type=int)
        parser.add_argument("directory")

    def handle(self, *args, publication_slug: str, number: int, directory: str,
               **options) -> None:
        issue = (
            Issue.objects.select_related("publication")
            .filter(publication__slug=publication_slug, number=number)
            .first()
        )
        if issue is None:
            raise CommandError(f"no issue {number} of publication {publication_slug!r}")
        try:
            files = bundle_export(issue=issue, directory=directory)
        except BundleError as exc:
            raise CommandError("; ".join(str(p) for p in exc.problems)) from None
        self.stdout.write(self.style.SUCCESS(f"wrote {len(files)} file(s) to {directory}"))
