"""Demo accounts for trying the site: editor, reviewer, member (password bulletin-demo).

The member gets an active membership, so it reads members-only issues and shows in the
members page like any member. Refuses to run unless DEBUG is on, so a production database
never gets known passwords. (In publishing, not editorial: memberships are publishing's.)"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from publishing.models import Membership

DEMO_PASSWORD = "bulletin-demo"  # noqa: S105 — documented demo password, DEBUG only
DEMO_USERS = [
    ("editor", "秘书处编辑", EDITOR_GROUP),
    ("reviewer", "审稿专家", REVIEWER_GROUP),
    ("member", "协会会员", MEMBER_GROUP),
]


class Command(BaseCommand):
    help = "Create the demo users editor / reviewer / member (only with DEBUG on)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo users are only created with DEBUG on.")
        User = get_user_model()
        for username, name, group in DEMO_USERS:
            user, _created = User.objects.get_or_create(
                username=username, defaults={"first_name": name,
                                             "email": f"{username}@example.org"})
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=group)])
            if group == MEMBER_GROUP:
                Membership.objects.update_or_create(
                    user=user, defaults={"organisation": "大连市数字贸易协会", "expires_on": None})
        self.stdout.write("Demo users (password: bulletin-demo), log in at /accounts/login/:")
        for username, name, group in DEMO_USERS:
            self.stdout.write(f"  {username:<9} {group} {name}")
