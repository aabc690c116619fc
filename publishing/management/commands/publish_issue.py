"""manage.py publish_issue PUBLICATION_SLUG NUMBER — publish an issue now (back issues)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from editorial.models import Issue
from publishing.releases.claims import EditionBusy
from publishing.releases.services import issue_after_publish, issue_publish_now


class Command(BaseCommand):
    help = ("Publish an issue now through the release path: render, verify, record the edition, "
            "index it for search and announce it to members. Does nothing if already published.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("publication_slug")
        parser.add_argument("number", type=int)

    def handle(self, *args, publication_slug: str, number: int, **options) -> None:
        issue = Issue.objects.filter(publication__slug=publication_slug, number=number).first()
        if issue is None:
            raise CommandError(f"no issue {number} of publication {publication_slug!r}")
        try:
            outcome = issue_publish_now(issue=issue)
        except EditionBusy as exc:  # another run is at work on it: left alone
            raise CommandError(f"{issue}: not published now — {exc}") from None
        except Exception as exc:  # reported plainly; the issue stays scheduled with the error
            raise CommandError(f"{issue}: publishing failed — {exc}") from None
        if outcome.edition is None:
            self.stdout.write(f"{issue}: {outcome.reason}")
            return
        issue_after_publish(issue=issue)
        self.stdout.write(self.style.SUCCESS(
            f"{issue}: published edition {outcome.edition.version}, "
            f"{outcome.edition.page_count} pages"))
