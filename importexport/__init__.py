"""Imports and exports of CRM items: file readers and writers, the import and export jobs,
their pages and API. Fields, parsing, rights, writing and filters come from the framework
(the catalogue, the bulk item services, the client matcher, filter specs, the job spine)."""
