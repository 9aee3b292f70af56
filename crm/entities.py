"""The entity registry: every kind of CRM item, registered once by its own app.

An app registers its item types in its ``AppConfig.ready()``; navigation, the rights grid, the
settings tab bar and the generic parts of the framework read them from here, so adding an item
type touches its own app and nothing in ``crm/`` or ``accessrights/`` (NetBox's registry is
the model). The framework imports no domain app: what it knows of one comes from here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.module_loading import import_string

from accessrights.entities import register_rights_rows


@dataclass(frozen=True)
class ItemServices:
    """The service functions an item type is written through, and the keyword naming the item
    (``company_update(user=..., company=...)``): what the generic views, viewsets and admin
    call."""

    create: Callable
    update: Callable
    delete: Callable
    item_argument: str
    spec: object = None  # the ``crm.services.ItemSpec`` its bulk services (imports) take

    def create_item(self, user, data: dict):
        return self.create(user=user, **data)

    def update_item(self, user, item, expected_version, data: dict):
        return self.update(
            user=user, expected_version=expected_version, **{self.item_argument: item}, **data
        )

    def delete_item(self, user, item) -> None:
        self.delete(user=user, **{self.item_argument: item})


@dataclass(frozen=True)
class EntityType:
    """One kind of CRM item.

    ``key`` is its rights entity (the model's ``access_entity``) and its name in URLs and the
    API; ``label`` its plural, for navigation and the rights grid; ``list_url`` the URL name of
    its main page; ``bitrix24`` Bitrix24's name of the entity (``COMPANY``, ``DEAL``, ...).
    ``rights_rows()`` gives the rights grid's rows when the item's rights are partitioned
    (deals: one row per pipeline, ``[(rights entity, label)]``); without it the grid has one
    row, ``(key, label)``. ``services`` are what every door writes it through. Registered
    types are listed by ``order``. ``list_view``: the dotted path of its list page (a
    ``crm.generic_views.ItemListView``), whose FilterSet, first column and default columns
    serve the doors that rebuild the list from the type alone (exports); a path, so that
    registering imports no view.
    """

    key: str
    model: type
    label: str | Promise
    list_url: str
    services: ItemServices | None = None
    bitrix24: str = ""
    order: int = 100
    rights_rows: Callable[[], list[tuple[str, str]]] | None = None
    list_view: str = ""

    @property
    def list_page(self):
        """The class of its list page (LookupError when it registered none)."""
        if not self.list_view:
            raise LookupError(f"{self.key} registered no list page")
        return import_string(self.list_view)

    @property
    def filterset(self):
        """The FilterSet of its list: the one definition of "filtered" for every door."""
        return self.list_page.filterset_class

    def grid_rows(self) -> list[tuple[str, str]]:
        return self.rights_rows() if self.rights_rows else [(self.key, str(self.label))]


_types: dict[str, EntityType] = {}


def register(entity_type: EntityType) -> EntityType:
    """Register an item type (refused twice under one key: two apps cannot share a name)."""
    existing = _types.get(entity_type.key)
    if existing is not None and existing.model is not entity_type.model:
        raise ValueError(f"entity {entity_type.key!r} is registered already")
    _types[entity_type.key] = entity_type
    register_rights_rows(
        entity_type.key, (entity_type.order, entity_type.key), entity_type.grid_rows
    )
    return entity_type


def entity_types() -> list[EntityType]:
    """Every registered item type, in order."""
    return sorted(_types.values(), key=lambda entity_type: (entity_type.order, entity_type.key))


def entity_type(key: str) -> EntityType:
    """The item type registered under ``key`` (KeyError for an unknown one)."""
    return _types[key]


def entity_type_of(model) -> EntityType:
    """The item type of ``model`` (LookupError for a model no app registered)."""
    for registered in _types.values():
        if registered.model is model:
            return registered
    raise LookupError(f"{model.__name__} is not a registered item type")


def services_of(model) -> ItemServices:
    """The services ``model``'s items are written through."""
    services = entity_type_of(model).services
    if services is None:
        raise LookupError(f"{model.__name__} registered no services")
    return services


@dataclass(frozen=True)
class SettingsTab:
    """A tab of the CRM settings pages; ``current`` tells whether a request is on it."""

    label: str | Promise
    url: str
    current: Callable


_settings_tabs: dict[str, tuple[int, Callable]] = {}


def register_settings_tabs(
    name: str, tabs: Callable[[], list[SettingsTab]], order: int = 100
) -> None:
    """Register an app's settings tabs under ``name``: ``tabs()`` is called each time the tab
    bar is drawn (a list of reference lists can grow)."""
    _settings_tabs[name] = (order, tabs)


def settings_tabs() -> list[SettingsTab]:
    """Every tab of the settings pages, in order."""
    ordered = sorted(_settings_tabs.items(), key=lambda entry: (entry[1][0], entry[0]))
    return [tab for _name, (_order, tabs) in ordered for tab in tabs()]
