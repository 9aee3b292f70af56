"""The CRM items activities belong to, named by their registered type (``company``, ``deal``)
and id, and read only as their reader may read them."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist

from crm.entities import entity_type, entity_type_of, entity_types


class ItemNotFound(ObjectDoesNotExist):
    """No item of that type and id that the user may read: unknown and hidden alike."""


def item_type_keys() -> list[str]:
    return [registered.key for registered in entity_types()]


def key_of_type(item_type_id: int) -> str:
    """The registered key (``company``) of an activity's ``item_type``."""
    return entity_type_of(ContentType.objects.get_for_id(item_type_id).model_class()).key


def type_of_key(key: str) -> ContentType:
    """The content type of the registered item type ``key`` (KeyError for an unknown one)."""
    return ContentType.objects.get_for_model(entity_type(key).model)


def readable_item(user, key: str, pk, action: str = "read"):
    """The item ``pk`` of type ``key`` if ``user`` may ``action`` it; ItemNotFound otherwise,
    whether it does not exist or is out of their reach."""
    try:
        model = entity_type(key).model
        return model.objects.restrict(user, action).get(pk=pk)
    except (KeyError, ValueError, TypeError, ObjectDoesNotExist):
        raise ItemNotFound(key) from None


def readable_items_of(activities, user) -> dict[tuple[int, int], object]:
    """The items of ``activities`` that ``user`` may read, by ``(item_type_id, item_id)``: one
    query per item type among them. An activity whose item is missing here is one its
    responsible person sees on an item they may not read: it is shown without naming it."""
    wanted: dict[int, set[int]] = {}
    for activity in activities:
        wanted.setdefault(activity.item_type_id, set()).add(activity.item_id)
    found = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        for item in model.objects.restrict(user, "read").filter(pk__in=ids):
            found[(type_id, item.pk)] = item
    return found


def name_items(activities, user) -> list:
    """Give each activity ``readable_item``: its item if ``user`` may read it, else None."""
    activities = list(activities)
    found = readable_items_of(activities, user)
    for activity in activities:
        activity.readable_item = found.get((activity.item_type_id, activity.item_id))
    return activities
