"""Publish version 1 of every service in ``catalog/data/services.json``."""

import json

from django.db import migrations

from dukcapil.catalog.services import CATALOGUE_FILE, VERSIONED_FIELDS, _content_hash
from dukcapil.catalog.services import _definition_from_file_entry as definition


def load(apps, schema_editor):
    Service = apps.get_model("catalog", "Service")
    ServiceVersion = apps.get_model("catalog", "ServiceVersion")
    for entry in json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["services"]:
        fields = definition(entry)
        service = Service.objects.create(code=entry["code"])
        version = ServiceVersion.objects.create(
            service=service,
            version=1,
            content_hash=_content_hash(fields),
            **{k: fields[k] for k in VERSIONED_FIELDS},
        )
        service.current_version = version
        service.save(update_fields=["current_version"])


def unload(apps, schema_editor):
    Service = apps.get_model("catalog", "Service")
    Service.objects.update(current_version=None)
    apps.get_model("catalog", "ServiceVersion").objects.all().delete()
    Service.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
