"""Daily: e-mail reviewers whose reviews are due within BULLETIN_REVIEW_REMINDER_DAYS or overdue."""

from django.core.management.base import BaseCommand

from editorial.services import send_review_reminders


class Command(BaseCommand):
    help = "E-mail reminders for reviews that are due soon or overdue (once a day per review)."

    def handle(self, *args, **options) -> None:
        sent = send_review_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
