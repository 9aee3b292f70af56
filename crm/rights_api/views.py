from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accessrights import services
from accessrights.api import SettingsRight
from accessrights.models import Department, Role
from crm.api import TimelinePagination
from crm.entities import ItemServices
from timeline.api import EventSerializer
from timeline.models import Event

from .serializers import DepartmentSerializer, RoleSerializer


def _by_id(queryset):
    return queryset.only("pk").order_by("pk")


class _SettingsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Configuration of who sees what: only the settings right reads or changes it.

    The serializer checks the shape of the input; every write goes through ``item_services``
    (which check the settings right again and write the history). PUT requires the required
    fields, PATCH none; with both, fields left out keep their values. Lists are short and
    returned whole.
    """

    permission_classes = [SettingsRight]
    pagination_class = None
    filter_backends = []
    item_services: ItemServices

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = self.item_services.create(user=request.user, **serializer.validated_data)
        return Response(self._read(item), status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        item = self.get_object()
        serializer = self.get_serializer(item, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        item = self.item_services.update(
            user=request.user,
            **{self.item_services.item_argument: item},
            **serializer.validated_data,
        )
        return Response(self._read(item))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        item = self.get_object()
        self.item_services.delete(user=request.user, **{self.item_services.item_argument: item})
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _read(self, item) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=item.pk)).data


class DepartmentViewSet(_SettingsViewSet):
    """Departments, a tree: ``parent`` moves one (never into its own sub-departments),
    ``path`` lists the ids from the top down. A department with sub-departments cannot be
    deleted; its members and roles are detached when it is."""

    serializer_class = DepartmentSerializer
    queryset = Department.objects.prefetch_related(
        Prefetch("members", queryset=_by_id(get_user_model().objects))
    )
    item_services = ItemServices(
        create=services.department_create,
        update=services.department_update,
        delete=services.department_delete,
        item_argument="department",
    )


class RoleViewSet(_SettingsViewSet):
    """Roles: their grid of permissions (entity x action -> scope), the settings right, and the
    users and departments holding them. ``permissions`` is written whole: cells left out mean
    none. Every change is in the role's ``history``."""

    serializer_class = RoleSerializer
    queryset = Role.objects.prefetch_related(
        "permissions",
        Prefetch("users", queryset=_by_id(get_user_model().objects)),
        Prefetch("departments", queryset=_by_id(Department.objects)),
    )
    item_services = ItemServices(
        create=services.role_create,
        update=services.role_update,
        delete=services.role_delete,
        item_argument="role",
    )

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=TimelinePagination)
    def history(self, request, pk=None):
        """The role's history, newest first; a grid change names its cells (``company.read``)."""
        events = Event.objects.of_item(self.get_object()).select_related("author", "on_behalf_of")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventSerializer(page, many=True).data)
