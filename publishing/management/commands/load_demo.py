"""manage.py load_demo DIR — import the demo bundle and publish it: PDF, HTML edition, site."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from editorial.bundles import BundleError, bundle_import
from editorial.services import IssueFrozen
from publishing.library.services import issue_set_access
from publishing.models import AccessLevel
from publishing.releases.claims import EditionBusy
from publishing.releases.services import issue_after_publish, issue_publish_now


class Command(BaseCommand):
    help = ("Import an issue bundle and publish it through the release path: render the PDF and "
            "the HTML edition, record the edition, index it for search. Re-running adds nothing: "
            "an issue already published keeps its edition.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")
        parser.add_argument("--site-url", default=None,
                            help="address the site runs at, for the links printed at the end "
                                 "(default: the SITE_URL setting)")

    def handle(self, *args, directory: str, site_url: str, **options) -> None:
        try:
            result = bundle_import(directory=directory)
        except BundleError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) in {directory}; nothing was imported."
            ) from None
        except IssueFrozen as exc:  # the demo issue is published: it changes by a correction
            raise CommandError(f"{exc} Nothing was imported.") from None
        issue = result.issue
        self.stdout.write(
            f"{issue.publication.slug} #{issue.number}: {len(result.created)} article(s) added, "
            f"{len(result.updated)} updated."
        )
        # The demo shows everything to everyone; real issues default to members only.
        issue_set_access(issue=issue, level=AccessLevel.PUBLIC)
        try:
            outcome = issue_publish_now(issue=issue)
        except EditionBusy as exc:  # another run is publishing it: left alone
            raise CommandError(f"the issue was imported; it is being published — {exc}") from None
        except Exception as exc:  # the release path records it; say it plainly here
            raise CommandError(f"the issue was imported but not published — {exc}") from None
        if outcome.edition is None:
            self.stdout.write("Already published: the site keeps serving its edition.")
        else:
            issue_after_publish(issue=issue)
            self.stdout.write(f"Published edition {outcome.edition.version}: "
                              f"{outcome.edition.page_count} pages.")
        base = (site_url or settings.SITE_URL).rstrip("/")
        kwargs = {"publication_slug": issue.publication.slug, "number": issue.number}
        self.stdout.write(self.style.SUCCESS(f"Site:         {base}{reverse('publishing:home')}"))
        self.stdout.write(self.style.SUCCESS(f"Issue:        {base}{issue.get_absolute_url()}"))
        self.stdout.write(self.style.SUCCESS(
            f"PDF:          {base}{reverse('publishing:issue_pdf', kwargs=kwargs)}"))
        self.stdout.write(self.style.SUCCESS(
            f"HTML edition: {base}{reverse('publishing:issue_html_index', kwargs=kwargs)}"))
