"""Departments, roles and their permissions: who may do what with which CRM items."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """Which items an action reaches, from nothing to everything (Bitrix24's access levels)."""

    NONE = "none", _("None")
    OWN = "own", _("Own")
    DEPARTMENT = "department", _("Own and department")
    SUBDEPARTMENTS = "subdepartments", _("Own, department and sub-departments")
    OPEN = "open", _("All open and own")
    ALL = "all", _("All")


class Action(models.TextChoices):
    READ = "read", _("Read")
    ADD = "add", _("Add")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")


class Department(models.Model):
    """A unit of the company's structure; departments form a tree.

    ``path`` ("/1/4/9/") is maintained by ``accessrights.services`` so that a department and
    all its sub-departments are found with one prefix match.
    """

    name = models.CharField(_("name"), max_length=255)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        related_name="crm_departments",
        blank=True,
    )
    path = models.CharField(max_length=1000, db_index=True, editable=False, default="/")

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Role(models.Model):
    """A named set of permissions, given to users and to whole departments.

    A user's rights are the union of every role they hold directly or through a department
    they belong to (or one above it).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    can_change_settings = models.BooleanField(_("may change CRM settings"), default=False)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("users"), related_name="crm_roles", blank=True
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), related_name="roles", blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]
        constraints = [
            # "Sales" and "sales" are one name, also for two requests racing each other.
            models.UniqueConstraint(Lower("name"), name="role_name_unique_case_insensitive")
        ]

    def __str__(self):
        return self.name


class RolePermission(models.Model):
    """One cell of the rights table: for ``entity`` and ``action``, the ``scope`` a role grants.

    A missing cell means no access.
    """

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="permissions")
    # A rights entity (``accessrights.entities``): ``company``, ..., and for deals ``deal``
    # (the default pipeline) or ``deal:<id>`` (the others).
    entity = models.CharField(max_length=20)
    action = models.CharField(max_length=10, choices=Action)
    scope = models.CharField(max_length=16, choices=Scope)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["role", "entity", "action"], name="role_permission_unique"
            )
        ]

    def __str__(self):
        return f"{self.role}: {self.entity}.{self.action} = {self.scope}"
