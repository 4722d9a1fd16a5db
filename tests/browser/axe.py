"""Run axe-core (from node_modules, never a CDN) in a Playwright page and fail with readable details.

The site sends ``Content-Security-Policy: script-src 'self'``, so ``page.add_script_tag(path=...)``
(an inline script) is refused. Instead of ``bypass_csp=True``, which would switch the policy off
for the whole page under test, axe is served from a same-origin URL that Playwright answers
itself (``page.route``): the page keeps its real CSP, and the tests still notice if a template
starts needing inline script or style.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL_PATH = "/__browser-tests__/axe.min.js"  # answered by Playwright, never reaches Django
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_routed_pages: weakref.WeakSet[Page] = weakref.WeakSet()


def _inject(page: Page) -> None:
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS} is missing: run `npm ci` (axe-core is in package.json)")
    if page not in _routed_pages:
        page.route(
            f"**{AXE_URL_PATH}",
            lambda route: route.fulfill(path=AXE_JS, content_type="application/javascript; charset=utf-8"),
        )
        _routed_pages.add(page)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=origin + AXE_URL_PATH)


def run_axe(page: Page) -> list[dict]:
    """Return axe's violations (WCAG 2.0/2.1 A and AA rules) for the page as it is now."""
    _inject(page)
    return page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
            const results = await axe.run(document, options);
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary})),
            }));
        }""",
        WCAG_TAGS,
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}")
            lines.append(f"       {node['html'][:200]}")
            for detail in (node["summary"] or "").splitlines():
                lines.append(f"       {detail}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, where: str = "") -> None:
    violations = run_axe(page)
    label = where or page.url
    assert not violations, f"axe found {len(violations)} WCAG A/AA violation(s) on {label}:\n" + format_violations(
        violations
    )
