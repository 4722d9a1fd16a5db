"""Run every benchmarks/bench_*.py module and print each figure as `name: value unit`.

    python benchmarks/run.py [--quick]      (`make bench`, `make bench QUICK=1`)

Each module exposes ``run(quick: bool) -> list[tuple[name, value, unit]]`` and an optional
``ORDER`` (lower runs first). Figures go to stdout; progress goes to stderr. Benchmarks build
their own throwaway demo databases and never touch the demo in var/ (the django-appointment
comparison keeps its own virtualenv in var/bench-django-appointment-venv). Exits non-zero if any module fails.
"""

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller data (the medium demo) for a fast run")
    args = parser.parse_args()

    started = time.perf_counter()
    names = sorted(path.stem for path in (BASE_DIR / "benchmarks").glob("bench_*.py"))
    modules = [importlib.import_module(f"benchmarks.{name}") for name in names]
    modules.sort(key=lambda module: (getattr(module, "ORDER", 100), module.__name__))
    failed = []
    for module in modules:
        try:
            for name, value, unit in module.run(args.quick):
                print(f"{name}: {value} {unit}", flush=True)
        except Exception:  # noqa: BLE001 - report it, run the other benchmarks, exit non-zero at the end
            failed.append(module.__name__)
            traceback.print_exc()
    mode = "quick" if args.quick else "full"
    print(f"({mode} benchmark run took {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
