"""Forms of the rights pages: they only read and check what was posted; services write."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.naming import PeopleChoiceField, PersonChoiceField, people

from .models import Department

INDENT = "\u2003"  # an em space per level: option labels cannot carry padding


def department_label(department) -> str:
    return INDENT * department.depth + department.name


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return department_label(obj)


class DepartmentsChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.SelectMultiple(attrs={"size": 10})

    def label_from_instance(self, obj):
        return department_label(obj)


class RoleAssignmentForm(forms.Form):
    """Who holds a role: users directly, and every member of the chosen departments."""

    users = PeopleChoiceField(queryset=None, required=False, label=_("Users"))
    departments = DepartmentsChoiceField(
        queryset=Department.objects.all(), required=False, label=_("Departments")
    )

    def __init__(self, *args, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = people(Q(crm_roles=role))
        if not self.is_bound:
            self.initial = {
                "users": list(role.users.values_list("pk", flat=True)),
                "departments": list(role.departments.values_list("pk", flat=True)),
            }


class DepartmentForm(forms.Form):
    """Add a department (name, parent, head) or edit one (also its members).

    Every department is offered as parent, its own subtree included: the service refuses a
    move into the subtree and says why.
    """

    name = forms.CharField(label=_("Name"), max_length=255)
    parent = DepartmentChoiceField(
        queryset=Department.objects.all(),
        required=False,
        label=_("Parent department"),
        empty_label=_("— top level —"),
    )
    head = PersonChoiceField(
        queryset=None, required=False, label=_("Head"), empty_label=_("— nobody —")
    )
    members = PeopleChoiceField(queryset=None, required=False, label=_("Members"))

    def __init__(self, *args, department=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.department = department
        if department is None:
            del self.fields["members"]
            self.fields["head"].queryset = people()
            return
        self.fields["head"].queryset = people(Q(pk=department.head_id))
        self.fields["members"].queryset = people(Q(crm_departments=department))
        if not self.is_bound:
            self.initial = {
                "name": department.name,
                "parent": department.parent_id,
                "head": department.head_id,
                "members": list(department.members.values_list("pk", flat=True)),
            }
