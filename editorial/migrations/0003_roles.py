"""The three workspace roles as Django groups; what each may do is in editorial.permissions."""

from django.db import migrations

ROLES = ["编辑", "审稿人", "会员"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("editorial", "0002_workspace"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
