"""Export of a million companies to CSV and XLSX (run on purpose, not in CI).

The issue's targets, on PostgreSQL: CSV at least 50,000 rows/s, XLSX at least 10,000 rows/s,
peak memory flat (under 200 MB).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench   # generate_clients data
    .venv/bin/python tests/benchmarks/bench_export.py [--formats csv xlsx] [--ordering name]

It runs what the worker runs for an export job (``importexport.exports.export_run``: the rows
chosen through the list's FilterSet on ``restrict(user, "export")`` and read, counted, read a
chunk at a time as values with their references, users and phones read per chunk, written by
the format's writer into a temporary file, the progress saved after each chunk, the file kept
as the job's result) as a superuser, outside any transaction as the worker runs it (the rows'
server-side cursor is then one PostgreSQL keeps past each progress update: inside a
transaction it would stream instead, and measure a speed the worker does not have); the job
and its file are deleted afterwards. The columns: name, type, industry, employees, phones,
e-mails, responsible person, revenue, its currency, the custom field ``UF_CRM_TIER`` when the
database has it, and the creation moment.

It prints the machine, the load average and a CPU probe at the start and the end
(``tests/benchmarks/probe.py``), and for each format the rows, the seconds, rows/s, the file's
size, the CPU of this process and of its PostgreSQL backend (read from /proc), and the peak
memory of this process (VmHWM, read from /proc/self/status; each format runs in a process of
its own, so that each peak is its own).
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "0")


def _status(field: str) -> int:
    """A field of /proc/self/status in kB (VmHWM: the peak resident memory)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process of this machine, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_one(file_format: str, ordering: str) -> None:
    """Export once in this process and print the figures."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.http import QueryDict

    from crm.fields import catalogue
    from crm.models import Job
    from importexport import exports

    user = get_user_model().objects.filter(is_superuser=True).first()
    if user is None:
        user = get_user_model().objects.create(username="bench-export", is_superuser=True)
    codes = ["name", "type", "industry", "employees", "phones", "emails", "responsible",
             "revenue", "currency"]  # fmt: skip
    codes += [f.code for f in catalogue("company") if f.code == "UF_CRM_TIER"]
    codes.append("created_at")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    parameters = exports.export_parameters(
        user=user,
        entity="company",
        file_format=file_format,
        columns=codes,
        query=QueryDict(f"ordering={ordering}" if ordering else ""),
    )
    start_memory = _status("VmRSS")
    job = Job.objects.create(kind=exports.KIND, requester=user, parameters=parameters)
    try:
        cpu, backend_cpu, started = time.process_time(), _backend_cpu(backend), time.monotonic()
        exports.export_run(job)
        elapsed = time.monotonic() - started
        cpu, backend_cpu = time.process_time() - cpu, _backend_cpu(backend) - backend_cpu
        job.refresh_from_db()
        size = job.result.size
        job.result.delete(save=False)
    finally:
        job.delete()
    print(
        f"{file_format}, ordering {ordering or 'none (newest first)'}: {job.done:,} rows of "
        f"{len(codes)} columns in {elapsed:.1f} s = "
        f"{job.done / elapsed:,.0f} rows/s; file {size / 1e6:,.1f} MB; CPU: this process "
        f"{cpu:.1f} s, PostgreSQL {backend_cpu:.1f} s; memory: {start_memory / 1024:.0f} MB "
        f"after start-up, peak (VmHWM) {_status('VmHWM') / 1024:.0f} MB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"], choices=["csv", "xlsx"])
    parser.add_argument("--ordering", default="", help="the list's sort, e.g. name or -created")
    parser.add_argument("--one", choices=["csv", "xlsx"], help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        run_one(arguments.one, arguments.ordering)
        return
    from tests.benchmarks.probe import conditions

    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(conditions("start"), flush=True)
    for file_format in arguments.formats:
        command = [
            sys.executable,
            __file__,
            "--one",
            file_format,
            f"--ordering={arguments.ordering}",
        ]
        subprocess.run(command, check=True)
    print(conditions("end"))


if __name__ == "__main__":
    main()
