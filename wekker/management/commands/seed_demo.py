from django.core.management.base import BaseCommand

from wekker import demo


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent). Demo logins: admin, coordinatrice, membre / wekker-demo."

    def handle(self, *args, **options):
        counts = demo.seed()
        summary = ", ".join(f"{value} {name}" for name, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {summary}."))
        self.stdout.write(f"Logins: admin, coordinatrice, membre – password {demo.DEMO_PASSWORD}")
