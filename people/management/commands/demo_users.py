from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from people.demo import DEMO_PASSWORD, ensure_demo_users


class Command(BaseCommand):
    help = "Create (if missing) and print the demo users, one per role."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo users are never created in production.")
        rows = ensure_demo_users()
        self.stdout.write(f"Usuarios de demostración (contraseña: {DEMO_PASSWORD}):")
        for username, role, branch in rows:
            self.stdout.write(f"  {username:<12} {role:<32} sucursal: {branch}")
