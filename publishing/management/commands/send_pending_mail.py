"""manage.py send_pending_mail — finish announcements and invitations a failing mail server
interrupted (for cron; each person still gets each message once)."""

from django.core.management.base import BaseCommand

from publishing.library.services import mail_resume_pending


class Command(BaseCommand):
    help = "Send pending announcements and invitations. Safe to run often and beside a worker."

    def handle(self, *args, **options) -> None:
        sent = mail_resume_pending()
        self.stdout.write(f"announcements sent: {sent['announcements']}, "
                          f"invitations sent: {sent['invitations']}")
