"""The REST door to access rights: departments, roles and their grids, shares of single items.

It lives with the rest of the API framework so that ``accessrights`` builds on nothing of
``crm``: ``views`` and ``urls`` give the departments and roles endpoints, ``shares`` a viewset
mixin giving any restricted CRM item viewset its ``/<id>/shares/`` endpoints. The permission
classes other apps' APIs use stay in ``accessrights.api``.
"""
