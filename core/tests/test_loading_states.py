"""Every htmx request in the staff and patient templates shows that it is loading: the element names
an indicator (hx-indicator, pointing at an element of the same template that
templates/includes/loading.html draws), or says it busies itself (data-loading="self": the
.htmx-request class on the element) or runs in the background (data-loading="background": a poll,
marked aria-busy only, without a spinner every few seconds). static/js/htmx-busy.js, loaded by the base
layout, marks every request's target aria-busy."""

from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

HX_REQUESTS = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete")
ROOT = Path(settings.BASE_DIR)


def _templates() -> list[Path]:
    found = sorted(ROOT.glob("templates/**/*.html")) + sorted(ROOT.glob("*/templates/**/*.html"))
    return [path for path in found if ".venv" not in path.parts and "node_modules" not in path.parts]


class _Requests(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[int, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        # An attribute behind a template tag ({% if can_edit %}hx-post="...") parses as "%}hx-post".
        attrs = {name.rsplit("}", 1)[-1]: value for name, value in attrs}
        if any(name in attrs for name in HX_REQUESTS):
            self.requests.append((self.getpos()[0], attrs))


def _problems(path: Path) -> list[str]:
    source = path.read_text()
    parser = _Requests()
    parser.feed(source)
    problems = []
    for line, attrs in parser.requests:
        where = f"{path.relative_to(ROOT)}:{line}"
        indicator, loading = attrs.get("hx-indicator"), attrs.get("data-loading")
        if loading in ("self", "background"):
            continue
        if not indicator:
            problems.append(f"{where}: an htmx request with no hx-indicator or data-loading")
        elif not indicator.startswith("#"):
            problems.append(f"{where}: hx-indicator should name an id, got {indicator!r}")
        else:
            ident = indicator[1:]
            named = f'id="{ident}"' in source or (
                ident.endswith("-saving") and 'add:"-saving"' in source  # an id built from a variable
            )
            if not named or "includes/loading.html" not in source:
                problems.append(f"{where}: {indicator} is not a loading indicator of this template")
    return problems


def test_every_htmx_request_shows_it_is_loading():
    templates = _templates()
    requests = sum(len(_requests(path)) for path in templates)
    assert requests >= 10, f"expected the staff and patient templates' htmx requests, found {requests}"
    problems = [problem for path in templates for problem in _problems(path)]
    assert not problems, "\n".join(problems)


def _requests(path: Path) -> list:
    parser = _Requests()
    parser.feed(path.read_text())
    return parser.requests


def test_the_base_layout_loads_the_busy_script_and_the_indicator_is_styled():
    base = (ROOT / "templates/layouts/base.html").read_text()
    assert "js/htmx-busy.js" in base
    css = (ROOT / "static/css/touchpoints.css").read_text()
    assert ".htmx-indicator { display: none; }" in css and ".htmx-request .htmx-indicator" in css
    include = (ROOT / "templates/includes/loading.html").read_text()
    assert 'class="htmx-indicator loading" role="status"' in include
