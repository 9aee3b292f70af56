"""The REST door to people: ``/api/v1/users/`` (every signed-in user reads it, for pickers;
the settings right adds, changes, deactivates, reactivates, invites and hands over) and
``/api/v1/me/`` (one's own names, language, time zone and phone region). Writes go through
``people.services``."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accessrights.api import SettingsRightOrReadOnly
from accessrights.models import Department, Role
from crm.api import CheckedCursorPagination
from crm.api_serializers import ModelSerializer, Serializer
from crm.serializer_fields import IdListField

from . import services
from .invitations import invitation_path, invitation_send
from .models import Profile, validate_phone_region, validate_time_zone
from .naming import person_label
from .regional import profile_of

User = get_user_model()


class UserSerializer(ModelSerializer):
    display_name = serializers.SerializerMethodField(
        help_text="How the CRM names the user: full name, with the login when two active "
        "users share it."
    )

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "display_name", "is_active"]
        read_only_fields = fields

    def get_display_name(self, user) -> str:
        return person_label(user)


class EmployeeSerializer(UserSerializer):
    """A user as the settings right sees them: with e-mail, departments and roles."""

    # Text, not an e-mail format: a user added without an address has an empty one.
    email = serializers.CharField(read_only=True, help_text="Their e-mail address, or empty.")
    departments = serializers.SerializerMethodField(help_text="Ids of their departments.")
    roles = serializers.SerializerMethodField(help_text="Ids of the roles they hold directly.")

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "email", "departments", "roles", "last_login"]
        read_only_fields = fields

    def get_departments(self, user) -> list[int]:
        return sorted(user.crm_departments.values_list("pk", flat=True))

    def get_roles(self, user) -> list[int]:
        return sorted(user.crm_roles.values_list("pk", flat=True))


class EmployeeWriteSerializer(Serializer):
    username = serializers.CharField(max_length=150, help_text="The login.")
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    departments = IdListField(
        queryset=Department.objects.all(), required=False, help_text="Ids of their departments."
    )
    roles = IdListField(
        queryset=Role.objects.all(), required=False, help_text="Ids of the roles they hold."
    )


class EmployeeCreatedSerializer(EmployeeSerializer):
    set_password_url = serializers.SerializerMethodField(
        help_text="The one-time link to choose a password: shown this once."
    )
    mailed = serializers.SerializerMethodField(help_text="Whether it was mailed to them.")

    class Meta(EmployeeSerializer.Meta):
        fields = [*EmployeeSerializer.Meta.fields, "set_password_url", "mailed"]
        read_only_fields = fields

    def get_set_password_url(self, user) -> str:
        return self.context["link"]["url"]

    def get_mailed(self, user) -> bool:
        return self.context["link"]["mailed"]


class InvitationSerializer(Serializer):
    set_password_url = serializers.CharField(help_text="The one-time link: shown this once.")
    mailed = serializers.BooleanField()


class HandOverSerializer(Serializer):
    to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text="Id of the active user."
    )


class HandedOverSerializer(Serializer):
    moved = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="How many items of each type moved (item type -> count).",
    )


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name or login")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = User
        fields = []

    def search(self, qs, name, value):
        value = value.strip()[:150]
        if not value:
            return qs
        return qs.filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(username__icontains=value)
        )


class UserPagination(CheckedCursorPagination):
    ordering = ("id",)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The CRM's users. Every signed-in user reads them (id, login, names, how the CRM names
    them, active or not); the settings right adds them (with a one-time set-password link),
    changes them, puts them in departments and roles, deactivates and reactivates them and
    hands their items over. Users are never deleted: they are deactivated."""

    permission_classes = [SettingsRightOrReadOnly]
    serializer_class = UserSerializer
    queryset = User.objects.order_by("id")
    filterset_class = UserFilterSet
    pagination_class = UserPagination
    lookup_value_regex = "[0-9]{1,18}"

    def _employee(self, user, **context):
        fresh = User.objects.prefetch_related("crm_departments", "crm_roles").get(pk=user.pk)
        serializer = EmployeeCreatedSerializer if context else EmployeeSerializer
        return serializer(fresh, context={"request": self.request, **context}).data

    def _link(self, employee) -> dict:
        url = self.request.build_absolute_uri(invitation_path(employee))
        mailed = invitation_send(employee=employee, url=url, sender=self.request.user)
        return {"url": url, "mailed": mailed}

    @extend_schema(request=EmployeeWriteSerializer, responses={201: EmployeeCreatedSerializer})
    def create(self, request):
        given = EmployeeWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        employee = services.employee_create(user=request.user, **given.validated_data)
        body = self._employee(employee, link=self._link(employee))
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    @extend_schema(request=EmployeeWriteSerializer, responses=EmployeeSerializer)
    def partial_update(self, request, pk=None):
        employee = self.get_object()
        given = EmployeeWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        services.employee_update(user=request.user, employee=employee, **given.validated_data)
        return Response(self._employee(employee))

    @extend_schema(request=None, responses=EmployeeSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """The user can no longer sign in by any door; their items and history stay."""
        employee = services.employee_deactivate(user=request.user, employee=self.get_object())
        return Response(self._employee(employee))

    @extend_schema(request=None, responses=EmployeeSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        employee = services.employee_reactivate(user=request.user, employee=self.get_object())
        return Response(self._employee(employee))

    @extend_schema(request=None, responses={201: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def invitation(self, request, pk=None):
        """A new one-time set-password link for the user (mailed when the CRM sends mail)."""
        employee = self.get_object()
        services.check_may_invite(request.user, employee)
        link = self._link(employee)
        body = {"set_password_url": link["url"], "mailed": link["mailed"]}
        return Response(
            InvitationSerializer(body).data,
            status=status.HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )

    @extend_schema(request=HandOverSerializer, responses=HandedOverSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        """Make ``to`` the responsible of every item of this user that you may change."""
        employee = self.get_object()
        given = HandOverSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        moved = services.items_hand_over(
            user=request.user, employee=employee, to=given.validated_data["to"]
        )
        return Response(HandedOverSerializer({"moved": moved}).data)


class MeSerializer(Serializer):
    """One's own account; an empty ``language``, ``time_zone`` or ``phone_region`` means the
    installation's default."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    display_name = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    language = serializers.ChoiceField(
        choices=[("", ""), *Profile._meta.get_field("language").choices],
        required=False,
        allow_blank=True,
        help_text="The language of pages and messages; empty: the installation's.",
    )
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        validators=[validate_time_zone],
        help_text="An IANA time zone such as Europe/Paris; empty: the installation's.",
    )
    phone_region = serializers.CharField(
        max_length=2,
        required=False,
        allow_blank=True,
        validators=[validate_phone_region],
        help_text="The country (ISO 3166 code such as FR) of phone numbers written without "
        "their country code; empty: the installation's.",
    )
    photo_url = serializers.CharField(read_only=True, allow_null=True)

    @staticmethod
    def shown(request, user) -> dict:
        profile = profile_of(user)
        photo = reverse("people:photo", args=[user.pk]) if profile.photo else None
        return {
            "id": user.pk,
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "display_name": person_label(user),
            "email": user.email,
            "language": profile.language,
            "time_zone": profile.time_zone,
            "phone_region": profile.phone_region,
            "photo_url": request.build_absolute_uri(photo) if photo else None,
        }


class MeView(APIView):
    """The signed-in user's own account: names, language, time zone and phone region. Rights
    are not part of it: keys such as ``is_superuser`` or ``roles`` are ignored like any
    unknown key."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(MeSerializer.shown(request, request.user)).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        given = MeSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        services.profile_update(user=request.user, **given.validated_data)
        return Response(MeSerializer(MeSerializer.shown(request, request.user)).data)
