"""Print the figures that show the codebase's shape: which apps import each other, import cycles
between apps and inside each app, and the largest modules.

    .venv/bin/python scripts/architecture_report.py

Production code only: test modules, conftest and migrations are left out (tests may import across
apps), and so are imports under ``if TYPE_CHECKING:``, which never run (as in ``.importlinter``).
A cycle inside an app is a strongly connected group of its direct children (modules or packages, a
package counting as everything in it).
"""

import sys
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def django_apps() -> list[str]:
    return sorted(
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if (path.parent / "__init__.py").exists() and path.parent.name != "config"
    )


def is_production(module: str) -> bool:
    parts = module.split(".")
    return "tests" not in parts and "migrations" not in parts and not parts[-1].startswith("test_")


def strongly_connected(nodes: set[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; returns the groups of two or more nodes that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return groups


def main() -> None:
    apps = django_apps()
    graph = grimp.build_graph(*apps, exclude_type_checking_imports=True)
    production = {m for m in graph.modules if is_production(m)}

    app_edges: dict[str, set[str]] = defaultdict(set)
    child_edges: dict[str, dict[str, set[str]]] = {app: defaultdict(set) for app in apps}
    for importer in production:
        importer_app = importer.split(".")[0]
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported not in production:
                continue
            imported_app = imported.split(".")[0]
            if imported_app != importer_app:
                app_edges[importer_app].add(imported_app)
                continue
            importer_parts, imported_parts = importer.split("."), imported.split(".")
            if len(importer_parts) > 1 and len(imported_parts) > 1 and importer_parts[1] != imported_parts[1]:
                child_edges[importer_app][importer_parts[1]].add(imported_parts[1])

    mutual = sorted((a, b) for a in apps for b in app_edges[a] if a < b and a in app_edges[b])
    print(f"app_pairs_importing_each_other: {len(mutual)}")
    for a, b in mutual:
        print(f"  {a} <-> {b}")
    app_cycles = strongly_connected(set(apps), app_edges)
    print(f"app_cycle_groups: {len(app_cycles)}")
    for group in app_cycles:
        print(f"  {' , '.join(group)}")

    inside = []
    for app in apps:
        children = {m.split(".")[1] for m in production if m.startswith(app + ".")}
        for group in strongly_connected(children, child_edges[app]):
            inside.append(f"{app}: {' , '.join(group)}")
    print(f"cycles_inside_apps: {len(inside)}")
    for line in inside:
        print(f"  {line}")

    sizes = []
    for app in apps:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if is_production(".".join(relative.with_suffix("").parts)):
                sizes.append((sum(1 for _ in path.open()), str(relative)))
    sizes.sort(reverse=True)
    print("largest_modules:")
    for lines, name in sizes[:10]:
        print(f"  {lines:5d} {name}")
    print(f"production_modules: {len(sizes)}")


if __name__ == "__main__":
    main()
