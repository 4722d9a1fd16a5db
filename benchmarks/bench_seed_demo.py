"""seed_demo_large_seconds (seed_demo_medium_seconds with --quick): `manage.py seed_demo` on a fresh database."""

from .demo_db import seeded, suffix, vendors

ORDER = 0  # the first figure printed
LARGE_BUDGET_SECONDS = 180  # the large demo must build in under three minutes
EXPECTED_SHAPE = {
    "medium": {"locations": 3, "providers": 10, "patients": 10_000, "registered": 10_000},
    "large": {"locations": 3, "providers": 20, "patients": 50_000, "registered": 50_000},
}


def run(quick: bool) -> list[tuple[str, float, str]]:
    figures: list[tuple[str, float, str]] = []
    for vendor in vendors():
        database = seeded(vendor, quick)
        size, seed_seconds = database.size, database.seed_seconds
        assert size is not None and seed_seconds is not None  # seeded() has seeded it
        shape, expected = database.measure("shape"), EXPECTED_SHAPE[size]
        if shape != expected:
            raise AssertionError(f"the {size} demo on {vendor} is {shape}, not {expected}")
        if size == "large" and seed_seconds > LARGE_BUDGET_SECONDS:
            raise AssertionError(
                f"the large demo took {seed_seconds:.0f} s on {vendor}; the budget is {LARGE_BUDGET_SECONDS} s"
            )
        figures.append((f"seed_demo_{size}_seconds{suffix(vendor)}", round(seed_seconds, 1), "s"))
    return figures
