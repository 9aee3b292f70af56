"""Requisites of companies and contacts, and their presets.

Requisites are read through their owner: the company (contact) must be in
``restrict(user, "read")``, or the whole endpoint is a 404. Every write goes through
``requisites.services``, which checks the right to update the owner (403) and the values
(400 with keys such as ``values.inn``).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accessrights.api import SettingsRightOrReadOnly
from accessrights.rules import can_change_settings
from companies.models import Company, Contact
from crm.api import query_parameters
from requisites import services
from requisites.models import Preset, Requisite

from .serializers import PresetSerializer, RequisiteSerializer


def _write(service, **arguments):
    """Call a requisites service; a likely duplicate also names the way out, ``allow_duplicate``
    (the other errors go to crm.api's exception handler as they are)."""
    try:
        return service(**arguments)
    except DjangoValidationError as exc:
        errors = getattr(exc, "error_dict", {})
        if not any(error.code == "duplicate" for found in errors.values() for error in found):
            raise
        detail = exc.message_dict
        detail["allow_duplicate"] = [
            _("Another item has the same tax identifier; send allow_duplicate: true to keep both.")
        ]
        raise exceptions.ValidationError(detail) from None


class _OwnerRequisiteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Requisites of one company (contact), default first. ``values``, ``address`` and
    ``accounts`` replace what they hold when given; ``allow_duplicate`` saves despite another
    owner having the same tax identifier (otherwise a 400 on the tax identifier field)."""

    owner_model: type[Company] | type[Contact]
    owner_field: str
    serializer_class = RequisiteSerializer
    pagination_class = None  # a company has a few requisites: the list comes whole
    filter_backends = []
    lookup_value_regex = "[0-9]+"

    @property
    def owner_kwarg(self) -> str:
        return f"{self.owner_field}_id"

    def get_owner(self):
        """The company (contact) of the URL, if the user may read it; otherwise a 404."""
        if not hasattr(self, "_owner"):
            readable = self.owner_model.objects.restrict(self.request.user, "read")
            self._owner = get_object_or_404(readable, pk=self.kwargs[self.owner_kwarg])
        return self._owner

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Requisite.objects.none()
        return (
            Requisite.objects.restrict(self.request.user, "read")
            .filter(**{self.owner_field: self.get_owner()})
            .select_related("preset")
            .prefetch_related("accounts", "preset__fields")
            .order_by("-is_default", "id")
        )

    def create(self, request, *args, **kwargs):
        owner = self.get_owner()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        requisite = _write(
            services.requisite_create,
            user=request.user,
            owner=owner,
            **serializer.service_arguments(),
        )
        return Response(self._read(requisite), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        requisite = self.get_object()
        serializer = self.get_serializer(
            requisite, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        requisite = _write(
            services.requisite_update,
            user=request.user,
            requisite=requisite,
            **serializer.service_arguments(),
        )
        return Response(self._read(requisite))

    def destroy(self, request, *args, **kwargs):
        services.requisite_delete(user=request.user, requisite=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _read(self, requisite: Requisite) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=requisite.pk)).data


def _owner_schema(owner_field: str, label: str):
    parameter = OpenApiParameter(
        f"{owner_field}_id",
        int,
        OpenApiParameter.PATH,
        description=f"Id of the {label} (one you may read; otherwise 404).",
    )
    return extend_schema_view(
        **{
            action: extend_schema(parameters=[parameter])
            for action in ("list", "retrieve", "create", "update", "partial_update", "destroy")
        }
    )


@_owner_schema("company", "company")
class CompanyRequisiteViewSet(_OwnerRequisiteViewSet):
    __doc__ = _OwnerRequisiteViewSet.__doc__
    owner_model = Company
    owner_field = "company"


@_owner_schema("contact", "contact")
class ContactRequisiteViewSet(_OwnerRequisiteViewSet):
    __doc__ = _OwnerRequisiteViewSet.__doc__
    owner_model = Contact
    owner_field = "contact"


class PresetListParameters(serializers.Serializer):
    all = serializers.BooleanField(
        default=False, help_text="Include inactive presets (for users with the settings right)."
    )


@extend_schema_view(list=extend_schema(parameters=[PresetListParameters]))
class PresetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Presets of requisites: a country's set of typed fields. Any signed-in user reads them
    (the list shows active presets); the settings right adds and changes them. ``fields`` is
    written whole; a preset is retired with ``is_active: false``, never deleted."""

    serializer_class = PresetSerializer
    permission_classes = [SettingsRightOrReadOnly]
    pagination_class = None
    filter_backends = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        presets = Preset.objects.prefetch_related("fields").order_by("sort", "id")
        if self.action == "list" and not self._all_asked():
            presets = presets.filter(is_active=True)
        return presets

    def _all_asked(self) -> bool:
        asked = query_parameters(self.request, PresetListParameters)["all"]
        return asked and can_change_settings(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            preset = services.preset_create(
                user=request.user,
                name=data["name"],
                country=data["country"],
                fields=[dict(field) for field in data.get("fields", ())],
            )
            if data.get("is_active") is False:
                preset = services.preset_update(user=request.user, preset=preset, is_active=False)
        return Response(self._read(preset), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        preset = self.get_object()
        serializer = self.get_serializer(
            preset, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changes = {name: data[name] for name in ("name", "is_active") if name in data}
        if "fields" in data:
            changes["fields"] = [dict(field) for field in data["fields"]]
        preset = services.preset_update(user=request.user, preset=preset, **changes)
        return Response(self._read(preset))

    def _read(self, preset: Preset) -> dict:
        return self.get_serializer(Preset.objects.prefetch_related("fields").get(pk=preset.pk)).data
