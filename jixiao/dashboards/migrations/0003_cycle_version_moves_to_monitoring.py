from django.db import migrations


def carry_numbers(apps, schema_editor):
    """Keep each cycle's number: a key cached under an old number must not be read as current."""
    old = apps.get_model("dashboards", "CockpitVersion")
    new = apps.get_model("monitoring", "CycleVersion")
    new.objects.bulk_create(
        [new(cycle_id=cycle_id, number=number) for cycle_id, number in old.objects.values_list("cycle_id", "number")]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_cockpit_version"),
        ("monitoring", "0010_cycle_and_unit_versions"),
    ]

    operations = [
        migrations.RunPython(carry_numbers, migrations.RunPython.noop),
        migrations.DeleteModel(name="CockpitVersion"),
    ]
