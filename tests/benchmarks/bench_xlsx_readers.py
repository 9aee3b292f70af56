"""Reading a 100,000-row XLSX: openpyxl against python-calamine (run on purpose, not in CI).

    .venv/bin/python tests/benchmarks/bench_xlsx_readers.py [--rows 100000] [--runs 3]

The script writes a workbook of ``--rows`` rows and 10 columns (company names in Russian and
French, phones, e-mails, whole numbers, amounts, dates, dates with times, yes/no, a comment
with a line break on every fifth row, a code) into a temporary folder twice: as openpyxl's
write-only mode writes it (inline strings and no dimension, as our export's files are too) and as
Excel writes one (shared strings, the sheet's dimension). Then, each time in a new process
(so that the peak memory is the reader's own), it reads every row of the first sheet with:

* openpyxl 3.1 in read-only mode (values only), through defusedxml as openpyxl does when it
  is installed (the safe way to read files from strangers), and without it;
* python-calamine (``iter_rows``, the values as it gives them);
* ``importexport.readers.read_table``: calamine with the checks before it (the zip, its
  size, the cells' extent) and every cell as text.

It prints, for each, rows per second, the seconds to the first 10 rows (what the import
wizard's preview waits), the peak resident memory of the process and the part of it there
before reading, the median of ``--runs``; and the machine, the load average and the CPU
probe at the start and the end.
"""

import argparse
import datetime
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.probe import conditions  # noqa: E402

READERS = ("openpyxl+defusedxml", "openpyxl", "calamine", "read_table")
HEADERS = ["Name", "Phone", "E-mail", "Employees", "Revenue", "Founded", "Modified", "Active",
           "Comment", "Code"]  # fmt: skip


def write_workbook(path: Path, rows: int) -> None:
    """The workbook as openpyxl's write-only mode writes it."""
    from openpyxl import Workbook

    draw = random.Random(1)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Companies")
    sheet.append(HEADERS)
    start = datetime.datetime(2024, 3, 15, 14, 5, 7)
    for number in range(rows):
        sheet.append([
            f"ООО Ромашка {number}" if number % 2 else f"Société Générale {number}",
            f"+7 (812) 848-{number % 100:02d}-20",
            f"info{number}@example.com",
            draw.randint(1, 5000),
            round(draw.random() * 1e6, 2),
            datetime.date(2000, 1, 1) + datetime.timedelta(days=number % 9000),
            start + datetime.timedelta(minutes=number),
            bool(number % 3),
            "Комментарий\nвторая строка" if number % 5 == 0 else None,
            f"C{number:07d}",
        ])  # fmt: skip
    workbook.save(path)


_INLINE = re.compile(
    r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', re.S
)


def excel_layout(source: Path, target: Path, rows: int) -> None:
    """The same workbook as Excel lays it out: strings in the shared-strings part, cells
    pointing at them, the sheet's dimension before its data."""
    strings: dict[str, int] = {}

    def shared(match):
        index = strings.setdefault(match[3], len(strings))
        return f'<c r="{match[1]}"{match[2]} t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for part in old.infolist():
            xml = old.read(part).decode()
            if part.filename.startswith("xl/worksheets/"):
                xml = _INLINE.sub(shared, xml).replace(
                    "<sheetViews>", f'<dimension ref="A1:J{rows + 1}"/><sheetViews>', 1
                )
            elif part.filename == "[Content_Types].xml":
                xml = xml.replace("</Types>", (
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                    'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
                ))  # fmt: skip
            elif part.filename == "xl/_rels/workbook.xml.rels":
                xml = xml.replace("</Relationships>", (
                    '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://'
                    'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
                    "/></Relationships>"
                ))  # fmt: skip
            new.writestr(part.filename, xml)
        items = "".join(f"<si><t>{text}</t></si>" for text in strings)
        new.writestr("xl/sharedStrings.xml", (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'uniqueCount="{len(strings)}">{items}</sst>'
        ))  # fmt: skip


def read_rows(reader: str, path: str):
    """Every row of the first sheet, as the reader gives it."""
    if reader.startswith("openpyxl"):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        yield from workbook.worksheets[0].iter_rows(values_only=True)
        workbook.close()
    elif reader == "calamine":
        from python_calamine import CalamineWorkbook

        yield from CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows()
    else:
        from importexport.readers import read_table

        with open(path, "rb") as file:
            table = read_table(file, name=Path(path).name)
            yield table.headers
            yield from table.rows


def child(reader: str, path: str) -> None:
    """One reading in this process: its figures as a JSON line."""
    if reader == "read_table":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
        import django

        django.setup()
        import importexport.readers  # noqa: F401
    elif reader.startswith("openpyxl"):
        import openpyxl

        assert reader.endswith("defusedxml") == openpyxl.DEFUSEDXML, "defusedxml not as asked"
    else:
        import python_calamine  # noqa: F401
    before = peak_memory()
    start = time.perf_counter()
    first = None
    count = 0
    for _row in read_rows(reader, path):
        count += 1
        if count == 10:
            first = time.perf_counter() - start
    seconds = time.perf_counter() - start
    peak = peak_memory()
    print(json.dumps({"rows": count, "seconds": seconds, "first": first, "peak": peak,
                      "before": before}))  # fmt: skip


def peak_memory() -> float:
    """This process's peak resident memory in MB (VmHWM: ru_maxrss would count the parent's
    memory at the fork)."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024


def measure(reader: str, path: Path) -> dict:
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    if reader == "openpyxl":
        environment["OPENPYXL_DEFUSEDXML"] = "False"
    answer = subprocess.run(
        [sys.executable, __file__, "--child", reader, str(path)],
        capture_output=True, text=True, check=True, env=environment,
    )  # fmt: skip
    return json.loads(answer.stdout.splitlines()[-1])


def defusedxml_installed() -> bool:
    try:
        import defusedxml  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(*arguments.child)
        return
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(conditions("start"))
    readers = READERS if defusedxml_installed() else READERS[1:]
    if len(readers) < len(READERS):
        print("defusedxml is not installed: openpyxl is measured without it only.")
    with tempfile.TemporaryDirectory() as folder:
        files = {"openpyxl's layout": Path(folder, "write_only.xlsx"),
                 "Excel's layout": Path(folder, "excel.xlsx")}  # fmt: skip
        write_workbook(files["openpyxl's layout"], arguments.rows)
        excel_layout(files["openpyxl's layout"], files["Excel's layout"], arguments.rows)
        for layout, path in files.items():
            print(f"\n{layout}: {path.stat().st_size / 1e6:.1f} MB, "
                  f"{_unzipped(path) / 1e6:.1f} MB unzipped")  # fmt: skip
            print(f"{'reader':<22}{'rows/s':>10}{'first 10 rows':>15}{'peak RSS':>11}{'before':>9}")
            results = {reader: [] for reader in readers}
            for _run in range(arguments.runs):
                for reader in readers:
                    results[reader].append(measure(reader, path))
            for reader, runs in results.items():
                assert all(run["rows"] == arguments.rows + 1 for run in runs), runs
                seconds = statistics.median(run["seconds"] for run in runs)
                print(
                    f"{reader:<22}{(arguments.rows + 1) / seconds:>10,.0f}"
                    f"{statistics.median(run['first'] for run in runs):>13.2f} s"
                    f"{statistics.median(run['peak'] for run in runs):>8.0f} MB"
                    f"{statistics.median(run['before'] for run in runs):>6.0f} MB"
                )
    print(f"\n{conditions('end')}")


def _unzipped(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(part.file_size for part in archive.infolist())


if __name__ == "__main__":
    main()
