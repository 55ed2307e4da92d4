from django.db import migrations


def carry_numbers(apps, schema_editor):
    """Each cycle's number, one up: what was cached under the old number (or bumped by a process still
    running the old code during the deploy) is never read as current."""
    old = apps.get_model("dashboards", "CockpitVersion")
    new = apps.get_model("monitoring", "CycleVersion")
    new.objects.bulk_create(
        [new(cycle_id=cycle_id, number=number + 1) for cycle_id, number in old.objects.values_list("cycle_id", "number")]
    )


def carry_numbers_back(apps, schema_editor):
    old = apps.get_model("dashboards", "CockpitVersion")
    new = apps.get_model("monitoring", "CycleVersion")
    old.objects.bulk_create(
        [old(cycle_id=cycle_id, number=number + 1) for cycle_id, number in new.objects.values_list("cycle_id", "number")]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_cockpit_version"),
        ("monitoring", "0010_cycle_and_unit_versions"),
    ]

    operations = [
        migrations.RunPython(carry_numbers, carry_numbers_back),
        migrations.DeleteModel(name="CockpitVersion"),
    ]
