from django.core.management.base import BaseCommand

from reference.loading import load_reference_data
from reference.models import Domain, Territory


class Command(BaseCommand):
    help = "Load or refresh the ROME, FAP-2009 and territory reference data."

    def handle(self, *args, **options):
        load_reference_data(Territory, Domain)
        self.stdout.write(f"{Domain.objects.count()} domains, {Territory.objects.count()} territories.")
