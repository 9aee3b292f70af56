"""``crm.timeline.comment.add``: a comment in the history of a company, contact, deal or
lead (``fields[ENTITY_TYPE]``, ``fields[ENTITY_ID]``, ``fields[COMMENT]``), written by the
webhook's user through the history's comment service, which needs the right to read the
item. An item the user may not read is not found, as a missing one."""

from django.utils.translation import gettext as _

from crm.history import comment_add

from . import entity_types
from .errors import bad_argument, not_found
from .methods import method
from .params import as_map, is_none, to_int


@method("crm.timeline.comment.add", scope="crm")
def timeline_comment_add(user, params):
    """The new comment's id. ``AUTHOR_ID`` is not followed: the author is who calls."""
    fields = {str(k).upper(): v for k, v in as_map(params, "fields").items()}
    for name in ("ENTITY_ID", "ENTITY_TYPE", "COMMENT"):
        if is_none(fields.get(name)):
            raise bad_argument(_("The field %s is required.") % name, f"fields[{name}]")
    if not is_none(fields.get("FILES")):
        raise bad_argument(_("Files are not kept with comments here."), "fields[FILES]")
    item_type = entity_types.by_name(fields["ENTITY_TYPE"])
    if item_type is None:
        raise bad_argument(_("Entity type %s is not supported.") % fields["ENTITY_TYPE"],
                           "fields[ENTITY_TYPE]")  # fmt: skip
    if not isinstance(fields["COMMENT"], str):
        raise bad_argument(_("The field %s must be text.") % "COMMENT", "fields[COMMENT]")
    number = to_int(fields["ENTITY_ID"], "fields[ENTITY_ID]")
    item = item_type.model.objects.restrict(user, "read").filter(pk=number).first()
    if item is None:
        raise not_found(_("Not found."))
    return comment_add(user=user, item=item, text=fields["COMMENT"]).pk
