"""``crm.timeline.comment.add``: a comment in an item's history, by the webhook's user,
on items they may read only."""

import pytest

from companies.services import company_create, contact_create
from deals.services import deal_create, lead_create
from tests.conftest import sales_user
from timeline.models import Event, EventKind

from .rest import Rest


def test_a_comment_on_each_kind_of_item(client, admin):
    items = {
        "company": company_create(user=admin, name="Acme"),
        "CONTACT": contact_create(user=admin, first_name="Anna"),
        "Deal": deal_create(user=admin, title="Big deal"),
        "lead": lead_create(user=admin, title="Site request"),
    }
    rest = Rest(client, admin)

    for kind, item in items.items():
        fields = {"ENTITY_TYPE": kind, "ENTITY_ID": str(item.pk), "COMMENT": f"About {item}"}
        comment = Event.objects.get(pk=rest.result("crm.timeline.comment.add", fields=fields))
        assert (comment.item_id, comment.kind, comment.text) == (item.pk, EventKind.COMMENT,
                                                                 f"About {item}")  # fmt: skip
        assert (comment.author, comment.door) == (admin, "webhook")


def test_an_item_the_caller_may_not_read_is_not_found(client, manager):
    other = sales_user()
    hidden = company_create(user=other, name="Hidden", responsible=other, opened=False)
    rest = Rest(client, manager)

    # Bad input: a comment on a company the manager may not read, and on no company at all.
    answers = [
        rest.refused("crm.timeline.comment.add", 400,
                     fields={"ENTITY_TYPE": "company", "ENTITY_ID": pk, "COMMENT": "Hello"})
        for pk in (hidden.pk, 10**9)
    ]  # fmt: skip

    assert answers[0] == answers[1] and answers[0]["error"] == "NOT_FOUND"
    assert not Event.objects.filter(kind=EventKind.COMMENT).exists()


@pytest.mark.parametrize(
    ("fields", "argument"),
    [
        ({"COMMENT": None}, "fields[COMMENT]"),
        ({"COMMENT": "   "}, "fields[COMMENT]"),
        ({"COMMENT": ["Hello"]}, "fields[COMMENT]"),
        ({"ENTITY_TYPE": "order"}, "fields[ENTITY_TYPE]"),  # no app registers orders
        ({"ENTITY_TYPE": None}, "fields[ENTITY_TYPE]"),
        ({"ENTITY_ID": "Acme"}, "fields[ENTITY_ID]"),
        ({"FILES": [["1.gif", "R0lGODlhAQABAAAAACw="]]}, "fields[FILES]"),
    ],
    ids=["no-comment", "blank-comment", "comment-as-array", "unknown-type", "no-type",
         "id-as-text", "files"],
)  # fmt: skip
def test_bad_comments_are_refused(client, admin, fields, argument):
    # Bad input: the comment, entity type, id or files named by the id.
    company = company_create(user=admin, name="Acme")
    given = {"ENTITY_TYPE": "company", "ENTITY_ID": company.pk, "COMMENT": "Hello"} | fields

    body = Rest(client, admin).refused("crm.timeline.comment.add", 400, fields=given)

    assert body["argument"] == argument
    assert not Event.objects.filter(kind=EventKind.COMMENT).exists()
