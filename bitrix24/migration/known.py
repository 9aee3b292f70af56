"""What the first steps of a run made known, read once for the item steps: the portal's users,
reference-list entries and stages, custom fields and their options as they are here."""

from django.contrib.auth import get_user_model

from dictionaries.models import CustomField, Entry

from ..models import MappingKind


def users(run) -> dict:
    """The portal's user ids -> our users."""

    def read():
        ours = run.mappings(MappingKind.USER).all()
        found = get_user_model()._default_manager.in_bulk(set(ours.values()))
        return {bitrix_id: found[pk] for bitrix_id, pk in ours.items() if pk in found}

    return run.once("users", read)


def entries(run) -> dict:
    """``"<ENTITY_ID>:<STATUS_ID>"`` of the portal -> our entries (with their pipelines)."""

    def read():
        ours = run.mappings(MappingKind.ENTRY).all()
        found = Entry.objects.select_related("pipeline").in_bulk(set(ours.values()))
        return {key: found[pk] for key, pk in ours.items() if pk in found}

    return run.once("entries", read)


def custom_fields(run, entity: str) -> dict[str, str]:
    """The portal's codes of the custom fields of ``entity`` -> ours."""

    def read():
        ours = run.mappings(MappingKind.FIELD).all()
        codes = dict(
            CustomField.objects.filter(pk__in=set(ours.values()), deleted_at__isnull=True)
            .values_list("pk", "code")
        )  # fmt: skip
        found: dict[str, dict[str, str]] = {}
        for key, pk in ours.items():
            kind, code = key.split(":", 1)
            if pk in codes:
                found.setdefault(kind, {})[code] = codes[pk]
        return found

    return run.once("fields", read).get(entity, {})


def options(run) -> dict[str, int]:
    """``"<entity>:<UF code>:<item id>"`` of the portal -> our option ids."""
    return run.once("options", lambda: run.mappings(MappingKind.OPTION).all())
