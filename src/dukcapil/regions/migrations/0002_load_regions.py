"""Load the official Kemendagri region codes shipped in ``regions/data`` (see its SOURCE.md)."""

from django.db import migrations

from dukcapil.regions.loading import load_regions, unload_regions


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(load_regions, unload_regions)]
