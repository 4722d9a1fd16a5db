"""No test module imports another one, and no app's tests import another app's tests.

Test data comes from ``tests/factories.py``; fixtures come from a ``conftest.py``, which pytest hands
to every test below it without an import. A helper module that is not a test (``pages.py``,
``fake_sms_provider.py``) may be imported by the tests of its own folder; one that several apps use
lives in the root ``tests`` package (``tests.factories``, ``tests.deployment``, ``tests.browser.pages``).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", "node_modules", "var", ".git"}


def _test_files() -> Iterator[Path]:
    yield ROOT / "conftest.py"
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if not SKIP & set(parts) and "tests" in parts[:-1]:
            yield path


def _module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imported(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every module the file imports, relative imports made absolute; for
    ``from package import name`` also ``package.name``, which may be a module."""
    package = _module_of(path).split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def _tests_package(module: str) -> str | None:
    """``messaging.tests`` for ``messaging.tests.conftest``; None outside an app's tests."""
    parts = module.split(".")
    if "tests" in parts[1:]:
        return ".".join(parts[: parts.index("tests", 1) + 1])
    return None


def _problem(importer: str, imported: str) -> str | None:
    last = imported.rsplit(".", 1)[-1]
    if last == "conftest" or last.startswith("test_"):
        return "imports a test module or a conftest"
    package = _tests_package(imported)
    if package and package != _tests_package(importer):
        return "imports another app's tests (shared helpers belong in the root tests package)"
    return None


def test_no_test_module_imports_another():
    offenders = []
    for path in _test_files():
        importer = _module_of(path)
        for line, imported in _imported(path):
            problem = _problem(importer, imported)
            if problem:
                offenders.append(f"{path.relative_to(ROOT)}:{line} {imported}: {problem}")
    assert sorted(set(offenders)) == []


def test_the_check_sees_each_kind_of_test_import():
    assert _problem("feedback.tests.test_x", "messaging.tests.test_inbox_helpers")
    assert _problem("scheduling.tests.test_x", "scheduling.tests.conftest")
    assert _problem("accounts.tests.test_x", "conftest")
    assert _problem("tests.browser.test_x", "tests.browser.test_booking")
    assert _problem("messaging.tests.test_x", "core.tests.worker_support")
    assert _problem("feedback.comments.tests.test_x", "feedback.tests.listening_data")
    assert _problem("messaging.tests.test_x", "messaging.tests.fake_sms_provider") is None
    assert _problem("messaging.tests.test_x", "tests.browser.pages") is None
    assert _problem("scheduling.tests.test_x", "tests.factories") is None
    assert _problem("scheduling.tests.test_x", "scheduling.services") is None
