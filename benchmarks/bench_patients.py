"""patient_search_demo_p50_ms and staff_patient_page_ms: medians on the seeded demo (large; medium with --quick)."""

from .demo_db import log, seeded, suffix, vendors

ORDER = 1


def run(quick: bool) -> list[tuple[str, float, str]]:
    repeats = "5" if quick else "15"
    figures = []
    for vendor in vendors():
        database = seeded(vendor, quick)
        search = database.measure("search", "--repeats", repeats)
        log(f"  search hits on the {database.size} demo ({vendor}): {search['hits']}")
        page = database.measure("page", "--repeats", repeats)
        figures.append((f"patient_search_demo_p50_ms{suffix(vendor)}", round(search["median_ms"], 2), "ms"))
        figures.append((f"staff_patient_page_ms{suffix(vendor)}", round(page["median_ms"], 2), "ms"))
    return figures
