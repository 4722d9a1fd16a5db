"""The import checks `make lint` runs pass on the project and fail on a tree that breaks them.

`lint-imports` (.importlinter) is import-linter's own, tested upstream; these are ours:
`scripts/check_test_imports.py` (no test imports another test module) and
`scripts/check_template_loads.py` (a template loads tag libraries only from apps its app may import).
"""

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_it_finds_no_test_importing_another_in_the_project():
    assert _script("check_test_imports").check(ROOT) == []


def test_it_reports_a_test_that_imports_another_test_module_or_a_conftest(tmp_path):
    for package in ("alpha", "alpha/tests", "beta", "beta/tests"):
        _write(tmp_path / package / "__init__.py", "")
    _write(tmp_path / "alpha/tests/test_one.py", "def helper():\n    return 1\n")
    _write(tmp_path / "alpha/tests/conftest.py", "")
    _write(tmp_path / "alpha/tests/support.py", "VALUE = 1\n")
    _write(tmp_path / "alpha/tests/test_two.py", "from alpha.tests.support import VALUE\n")  # allowed
    _write(tmp_path / "alpha/tests/test_three.py", "from alpha.tests.test_one import helper\n")
    _write(tmp_path / "beta/tests/test_four.py", "from .conftest import x\nfrom alpha.tests.support import VALUE\n")
    _write(tmp_path / "beta/tests/conftest.py", "x = 1\n")

    problems = _script("check_test_imports").check(tmp_path)

    assert any(p.startswith("alpha/tests/test_three.py:1:") and "test module" in p for p in problems)
    assert any(p.startswith("beta/tests/test_four.py:1:") for p in problems)  # a conftest
    assert any(p.startswith("beta/tests/test_four.py:2:") and "another folder" in p for p in problems)
    assert not any("test_two.py" in p for p in problems)


def test_it_finds_every_template_load_allowed_in_the_project():
    assert _script("check_template_loads").check(ROOT) == []


def test_it_reports_a_template_that_loads_a_higher_apps_tags(tmp_path):
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    for app in ("scheduling", "messaging", "feedback"):
        _write(tmp_path / app / "__init__.py", "")
        _write(tmp_path / app / "apps.py", "")
    _write(tmp_path / "messaging/templatetags/messaging_tags.py", "")
    _write(tmp_path / "feedback/templatetags/feedback_tags.py", "")
    _write(tmp_path / "feedback/templates/feedback/page.html", "{% load messaging_tags %}")  # down: allowed
    _write(tmp_path / "scheduling/templates/scheduling/page.html", "{% load i18n messaging_tags %}")  # forbidden
    _write(tmp_path / "messaging/templates/messaging/page.html", "{% load feedback_tags %}")  # up: refused

    problems = _script("check_template_loads").check(tmp_path)

    assert any("scheduling/page.html" in p and "messaging_tags" in p for p in problems)
    assert any("messaging/page.html" in p and "feedback_tags" in p for p in problems)
    assert not any("feedback/page.html" in p for p in problems)
