"""The Bitrix24-compatible REST facade: incoming webhooks and the ``/rest/`` endpoint that
scripts and client libraries written for Bitrix24 call unchanged."""
