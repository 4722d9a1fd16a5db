"""Check that no module imports a test module. Run by `make lint`; exits 1 and lists the offenders.

    .venv/bin/python scripts/check_test_imports.py

A test module is one pytest collects (`test_*.py`) or a `conftest.py`. Importing one runs its tests'
module code again and ties two test files together; pytest already shares a conftest's fixtures with
every test below it, without an import. Shared test code belongs in a support module that is not a
test module: a helper in an app's `tests/` folder serves that folder's tests only; one that several
apps use lives in the root `tests` package (`tests/factories.py`), which any test may import.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", ".git", "var", "migrations", "__pycache__"}


def python_files(root: Path = ROOT) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if not SKIPPED_DIRS & set(path.relative_to(root).parts[:-1]))


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_test_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def imported_names(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, dotted name) of every module the file imports; for ``from x import y`` both x and x.y,
    since y may be a module. Relative imports are resolved against the file's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.append((node.lineno, module))
            names += [(node.lineno, f"{module}.{alias.name}") for alias in node.names if alias.name != "*"]
    return names


def tests_package(name: str) -> str | None:
    """``messaging.tests`` for ``messaging.tests.fake_sms_provider``; None outside an app's tests (the
    root ``tests`` package is shared by every app)."""
    parts = name.split(".")
    return ".".join(parts[: parts.index("tests", 1) + 1]) if "tests" in parts[1:] else None


def problem(importer: str, name: str) -> str | None:
    if is_test_module(name):
        return f"imports the test module {name}"
    package = tests_package(name)
    if package and package != tests_package(importer):
        return f"imports {name} from another folder's tests (shared helpers belong in the root tests package)"
    return None


def check(root: Path = ROOT) -> list[str]:
    problems = []
    for path in python_files(root):
        importer = module_name(path, root)
        reported = set()  # one problem per import statement: its module, or else the first name in it
        for line, name in imported_names(path, root):
            found = problem(importer, name)
            if found and line not in reported:
                reported.add(line)
                problems.append(f"{path.relative_to(root)}:{line}: {found}")
    return problems


def main() -> int:
    problems = check()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} test import(s) to remove; share test code through a support module.")
        return 1
    print("No module imports a test module.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
