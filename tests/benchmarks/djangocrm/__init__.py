"""The peer of bench_create_vs_djangocrm.py: settings and a data generator for DjangoCRM.

Run with DjangoCRM's own Python (``django-crm-admin`` installed in it), never with ours, and
with ``tests/benchmarks`` on ``PYTHONPATH`` so that ``djangocrm.settings`` is importable.
"""
