"""Give the link changes already in history (a deal's company) the ids of the items they name,
so that they can be shown to each reader (``crm.history.render_for_reader``).

A label is matched to the one item of that model with exactly that name; a label no item or
several items carry keeps no id and is then shown to superusers only."""

from django.db import migrations

LINKS = {("deals", "deal"): {"company": ("companies", "company", "name")}}


def add_ids(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Event = apps.get_model("timeline", "Event")
    for (app_label, model_name), fields in LINKS.items():
        item_type = ContentType.objects.filter(app_label=app_label, model=model_name).first()
        if item_type is None:
            continue
        for event in Event.objects.filter(item_type=item_type, kind="updated").iterator():
            changed = False
            for change in event.changes:
                target = fields.get(change.get("field"))
                if target is None or "item" in change:
                    continue
                related = apps.get_model(target[0], target[1])
                change["item"] = f"{target[0]}.{target[1]}"
                for side in ("old", "new"):
                    found = list(
                        related.objects.filter(**{target[2]: change[side]}).values_list(
                            "pk", flat=True
                        )[:2]
                    )
                    if change[side] and len(found) == 1:
                        change[f"{side}_id"] = found[0]
                    elif not change[side]:
                        change[f"{side}_id"] = None
                changed = True
            if changed:
                event.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0002_deletion_reach"),
        ("deals", "0002_title_trigram_index"),
        ("companies", "0005_communication_lead"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_ids, migrations.RunPython.noop)]
