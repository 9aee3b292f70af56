"""Which encoding is this CSV in: our plain rules against charset-normalizer (run on purpose).

    .venv/bin/python tests/benchmarks/bench_encoding_detection.py [--samples 200]

charset-normalizer is not a dependency of the project: install it to compare
(``pip install charset-normalizer``). The script makes ``--samples`` CSV files for each
language and size: Russian in Windows-1251, French and German in Windows-1252, each also in
UTF-8 without BOM; a header and 1, 10 or 100 rows of company names, phones, cities, streets
and comments drawn from real-looking words. It asks each method the encoding and prints
how often it is right (a file whose bytes decode the same in the answer counts as right)
and how long one answer takes: ``importexport.textfile.detect_encoding``; charset-normalizer
as it comes (``from_bytes(data).best()``); and charset-normalizer told the three candidates
(``cp_isolation``).
"""

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from importexport.textfile import ENCODINGS, detect_encoding
from tests.benchmarks.probe import conditions

WORDS = {
    "ru": {
        "header": "Название компании;Рабочий телефон;Город;Адрес;Комментарий",
        "names": ["ООО Ромашка", "ЗАО Север", "ИП Иванов", "АО Техснаб", "ПАО Сбербанк",
                  "ООО «Вектор»", "ООО Рога и копыта", "ИП Петрова Е.А."],
        "cities": ["Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань"],
        "streets": ["ул. Ленина, д. 5", "пр. Мира, д. 12", "ул. Гагарина, 3", "наб. Фонтанки"],
        "comments": ["Звонить после обеда", "Клиент с выставки", "", "Счёт оплачен", "VIP"],
    },
    "fr": {
        "header": "Nom de la société;Téléphone professionnel;Ville;Adresse;Commentaire",
        "names": ["Société Générale", "Crédit Agricole", "Boulangerie Dupré", "Café de la Gare",
                  "Atelier Lefèvre", "Renault", "Hôtel du Lac"],
        "cities": ["Paris", "Lyon", "Besançon", "Orléans", "Nîmes", "Marseille"],
        "streets": ["12 rue de la Paix", "3 avenue Foch", "8 place du Marché", "rue Émile Zola"],
        "comments": ["Rappeler après déjeuner", "Client fidèle", "", "Facture réglée", "VIP"],
    },
    "de": {
        "header": "Name des Unternehmens;Telefon dienstlich;Stadt;Straße;Kommentar",
        "names": ["Müller GmbH", "Bäckerei Schäfer", "Würth", "Schmidt & Söhne KG", "Siemens AG",
                  "Gärtnerei Köhler"],
        "cities": ["München", "Köln", "Düsseldorf", "Berlin", "Nürnberg", "Hamburg"],
        "streets": ["Königsallee 1", "Hauptstraße 5", "Am Markt 3", "Schloßweg 12"],
        "comments": ["Rückruf erbeten", "Größter Kunde", "", "Rechnung bezahlt", "VIP"],
    },
}  # fmt: skip
WINDOWS = {"ru": "windows-1251", "fr": "windows-1252", "de": "windows-1252"}
SIZES = (1, 10, 100)


def csv_text(language: str, rows: int, draw: random.Random) -> str:
    words = WORDS[language]
    lines = [words["header"]]
    for _ in range(rows):
        phone = f"+{draw.choice([7, 33, 49])} {draw.randint(100, 999)} {draw.randint(1000, 9999)}"
        cells = [draw.choice(words["names"]), phone, draw.choice(words["cities"]),
                 draw.choice(words["streets"]), draw.choice(words["comments"])]  # fmt: skip
        lines.append(";".join(cells))
    return "\n".join(lines) + "\n"


def ours(data: bytes) -> str:
    return detect_encoding(io.BytesIO(data))


def normalizer(data: bytes, isolation=None) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=isolation).best()
    return best.encoding if best else ""


def right(data: bytes, text: str, answer: str) -> bool:
    """Whether ``data`` read in ``answer`` (any Python name) gives ``text``."""
    try:
        return data.decode(ENCODINGS.get(answer, answer)) == text
    except (LookupError, UnicodeDecodeError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    arguments = parser.parse_args()
    methods = {"ours": ours}
    try:
        import charset_normalizer

        methods["charset-normalizer " + charset_normalizer.__version__] = normalizer
        methods["… told the 3 candidates"] = lambda data: normalizer(
            data, ["utf_8", "cp1251", "cp1252"]
        )
    except ImportError:
        print("charset-normalizer is not installed: only our rules are measured.")
    print(conditions("start"))
    draw = random.Random(1)
    print(f"{'file':<24}" + "".join(f"{name:>28}" for name in methods))
    for language in WORDS:
        for encoding in (WINDOWS[language], "utf-8"):
            for rows in SIZES:
                texts = [csv_text(language, rows, draw) for _ in range(arguments.samples)]
                cells = []
                for method in methods.values():
                    hits, times = 0, []
                    for text in texts:
                        data = text.encode(ENCODINGS[encoding])
                        start = time.perf_counter()
                        answer = method(data)
                        times.append(time.perf_counter() - start)
                        hits += right(data, text, answer)
                    cells.append(
                        f"{hits / len(texts):.0%} in {statistics.mean(times) * 1000:.2f} ms"
                    )
                label = f"{language} {encoding}, {rows} rows"
                print(f"{label:<24}" + "".join(f"{cell:>28}" for cell in cells))
    print(conditions("end"))


if __name__ == "__main__":
    main()
