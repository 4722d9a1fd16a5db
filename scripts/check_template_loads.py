"""Check that templates follow the import rules: a template may `{% load %}` a tag library only from its
own app or an app it may import. Run by `make lint`; exits 1 and lists the offenders otherwise.

    .venv/bin/python scripts/check_template_loads.py

The rules are read from `.importlinter`, so the templates and the Python code obey the same ones:
the layers contract (an app uses only the apps below it) and each forbidden contract (scheduling does
not use messaging, no production app uses demo). A template belongs to the app whose `templates/`
folder holds it; the project's own `templates/` (the layouts, error pages, shared includes) belongs to
`config`, which sits above every app and wires them together. A library belongs to the app whose
`templatetags/` package defines it; Django's and other packages' libraries (i18n, static, tz, humanize)
are not ours and are always allowed.

It also checks that the layers list every app (every folder with an `apps.py`), so a new app cannot
slip past the rules by being left out of them.
"""

import configparser
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_TEMPLATES_APP = "config"
LOAD = re.compile(r"{%-?\s*load\s+(.*?)\s*-?%}", re.S)


def contracts(path: Path = ROOT / ".importlinter") -> list[dict[str, str]]:
    parser = configparser.ConfigParser(inline_comment_prefixes=None)
    parser.read(path)
    return [dict(parser[name]) for name in parser.sections() if name.startswith("importlinter:contract:")]


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip() and not line.strip().startswith("#")]


def layers(all_contracts: list[dict[str, str]]) -> list[str]:
    """The layers contract's list, top to bottom."""
    found = [lines(c["layers"]) for c in all_contracts if c.get("type") == "layers"]
    if len(found) != 1:
        raise SystemExit(".importlinter: expected exactly one layers contract")
    return found[0]


def forbidden_pairs(all_contracts: list[dict[str, str]]) -> set[tuple[str, str]]:
    """(source app, forbidden app) from every forbidden contract."""
    pairs = set()
    for contract in all_contracts:
        if contract.get("type") == "forbidden":
            for source in lines(contract["source_modules"]):
                for forbidden in lines(contract["forbidden_modules"]):
                    pairs.add((source.split(".")[0], forbidden.split(".")[0]))
    return pairs


def apps(root: Path = ROOT) -> list[str]:
    return sorted(p.parent.name for p in root.glob("*/apps.py") if (p.parent / "__init__.py").exists())


def libraries(root: Path = ROOT) -> dict[str, set[str]]:
    """Tag library name -> the apps that define it."""
    found: dict[str, set[str]] = {}
    for path in root.glob("*/templatetags/*.py"):
        if path.stem != "__init__":
            found.setdefault(path.stem, set()).add(path.parent.parent.name)
    return found


def templates(root: Path = ROOT) -> list[tuple[str, Path]]:
    """(owning app, path) for every template."""
    owned = [(p.parent.name, t) for p in root.glob("*/templates") for t in sorted(p.rglob("*.html"))]
    return [(PROJECT_TEMPLATES_APP if app == "templates" else app, path) for app, path in owned]


def loaded_libraries(text: str) -> list[str]:
    names: list[str] = []
    for arguments in LOAD.findall(text):
        words = arguments.split()
        names += [words[-1]] if "from" in words else words  # {% load tag from library %} or {% load a b %}
    return names


def may_use(user: str, used: str, order: list[str], forbidden: set[tuple[str, str]]) -> bool:
    if user == used:
        return True
    if (user, used) in forbidden:
        return False
    if user not in order or used not in order:
        return False
    return order.index(user) < order.index(used)  # the used app is lower in the list


def check(root: Path = ROOT) -> list[str]:
    all_contracts = contracts(root / ".importlinter")
    order = layers(all_contracts)
    forbidden = forbidden_pairs(all_contracts)
    problems = [f"{app}: an app the layers contract in .importlinter does not list" for app in apps(root)]
    problems = [p for p in problems if p.split(":")[0] not in order]
    owners = libraries(root)
    for name, defined_in in sorted(owners.items()):
        if len(defined_in) > 1:
            problems.append(f"tag library {name!r} is defined in several apps: {', '.join(sorted(defined_in))}")
    for app, path in templates(root):
        for name in loaded_libraries(path.read_text(encoding="utf-8")):
            for library_app in sorted(owners.get(name, set())):
                if not may_use(app, library_app, order, forbidden):
                    problems.append(
                        f"{path.relative_to(root)} ({app}) loads {name!r} from {library_app}, which {app} may not use"
                    )
    return problems


def main() -> int:
    problems = check()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} template load(s) break the import rules (.importlinter).", file=sys.stderr)
        return 1
    print("Template loads follow the import rules.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
