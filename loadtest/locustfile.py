"""Locust users of the Monday-morning load run (``make loadtest``; see docs/loadtest.md).

The plan (``LOADTEST_PLAN``, JSON written by ``python -m loadtest.db seed``) holds, for each practice,
the booking targets, manage/visit/survey links, kiosk details and the front desk's sign-in. Every
request is named by its endpoint group (``loadtest.mix.GROUPS``), so the table has one row a group.
A response other than the one a browser expects is a failure (an error in the table).
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from locust import HttpUser, between, constant, events, task

from loadtest.mix import BOARD_CHANGE_EVERY_POLLS, BOARD_POLL_SECONDS, THINK_SECONDS, USER_WEIGHTS

with open(os.environ.get("LOADTEST_PLAN", "var/loadtest-plan.json")) as plan_file:
    PLAN = json.load(plan_file)
PRACTICES = PLAN["practices"]
_lock = threading.Lock()
# Links used once (a manage link cancelled, a survey answered, a visit checked in): handed out once.
_pools = {kind: [(p["slug"], item) for p in PRACTICES for item in p[kind]] for kind in ("manage", "visit", "survey")}
_pools["kiosk"] = [(p["slug"], {"key": p["kiosk"]["key"], **x}) for p in PRACTICES for x in p["kiosk"]["patients"]]
for pool in _pools.values():
    random.Random(1).shuffle(pool)
CHANGES = {"appointment.booked": 0, "appointment.rescheduled": 0, "appointment.cancelled": 0, "retried_gets": 0}
_front_desks = iter(range(10**6))


def take(kind: str):
    with _lock:
        return _pools[kind].pop() if _pools[kind] else None


def counted(kind: str) -> None:
    with _lock:
        CHANGES[kind] += 1


@events.test_stop.add_listener
def _write_changes(**_kwargs) -> None:
    path = os.environ.get("LOADTEST_CHANGES")
    if path:
        with open(path, "w") as out:
            json.dump(CHANGES, out)


class Forms(HTMLParser):
    """The page's forms: action and fields (name, type, value, checked)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": []})
        elif self.forms and tag in ("input", "button", "textarea", "select") and a.get("name"):
            kind = a.get("type") or ("submit" if tag == "button" else tag)
            self.forms[-1]["fields"].append(
                {"name": a["name"], "type": kind, "value": a.get("value") or "", "checked": "checked" in a}
            )


def forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field: str) -> dict | None:
    return next((f for f in forms(html) if any(x["name"] == field for x in f["fields"])), None)


def fill(form: dict, values: dict, *, submit: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    """The form's fields as a browser sends them: hidden and given values, the first choice of each radio."""
    out, seen = [], set()
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if kind in ("submit", "button", "image", "reset") or name in seen:
            continue
        if kind == "radio":
            seen.add(name)
            out.append((name, values.get(name, field["value"])))
        elif kind == "checkbox":
            if name in values or field["checked"]:
                seen.add(name)
                out.append((name, values.get(name, field["value"] or "on")))
        else:
            seen.add(name)
            out.append((name, values[name] if name in values and kind != "hidden" else field["value"]))
    if submit:
        out.append(submit)
    return out


def _address() -> str:
    n = random.randrange(1, 2**24 - 1)
    return f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}"


class Patient(HttpUser):
    """A patient on their own phone: their own address (X-Forwarded-For, the run trusts one proxy hop)."""

    abstract = True
    wait_time = between(*THINK_SECONDS)

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-For"] = _address()

    def think(self) -> None:
        self.wait()

    def take_or_wait(self, kind: str):
        """The next link of ``kind`` from the plan, or None after a pause when none is left."""
        found = take(kind)
        if found is None:
            self.think()
        return found

    def get(self, url: str, group: str, ok=(200,)):
        for attempt in (1, 2):
            with self.client.get(url, name=group, catch_response=True, allow_redirects=False) as response:
                if response.status_code == 0 and attempt == 1:
                    # The server closed a kept-alive connection as this GET went out: a browser sends
                    # it again on a new one. Counted apart (``retried_gets``), not hidden.
                    response.success()
                    counted("retried_gets")
                    continue
                if response.status_code not in ok:
                    response.failure(f"{response.status_code} {response.error or ''}".strip())
                else:
                    response.success()
            return response
        raise AssertionError("unreachable")

    def post(self, url: str, data, group: str, ok=(302,)):
        headers = {"Referer": f"{self.host}{url}", "Origin": f"{self.host}"}
        with self.client.post(
            url, data=data, name=group, headers=headers, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code not in ok:
                response.failure(f"{response.status_code} {response.error or ''}".strip())
            else:
                response.success()
        return response


class BookingPatient(Patient):
    """A new patient booking online through the five pages (times, hold, details, book, done)."""

    weight = USER_WEIGHTS["BookingPatient"]

    @task
    def book(self) -> None:
        self.client.cookies.clear()
        practice = random.choice(PRACTICES)
        target = random.choice(practice["targets"])
        slug = practice["slug"]
        query = urlencode(
            {
                "kind": "new",
                "vt": practice["visit_type"],
                "loc": target["location"],
                "prov": target["provider"],
                "day": target["day"],
            }
        )
        page = self.get(f"/p/{slug}/book/?{query}", "book: times page")
        times = form_with(page.text, "slot") if page.status_code == 200 else None
        if times is None:
            return
        slots = [x["value"] for x in times["fields"] if x["name"] == "slot"]
        fields = [(x["name"], x["value"]) for x in times["fields"] if x["type"] == "hidden"]
        self.think()
        held = self.post(
            times["action"] or f"/p/{slug}/book/time/",
            [*fields, ("slot", random.choice(slots))],
            "book: hold",
            ok=(200, 302),
        )
        if held.status_code != 302:
            return  # taken meanwhile: the page offered other times
        details_url = urlsplit(held.headers["Location"]).path
        self.think()
        page = self.get(details_url, "book: details page")
        form = form_with(page.text, "idempotency_key") if page.status_code == 200 else None
        if form is None:
            return
        n = random.randrange(10**6)
        values = {
            "first_name": "Load",
            "last_name": f"Patient{n}",
            "date_of_birth": "1980-01-15",
            "phone": f"(512) 555-{n % 10000:04d}",
            "email": f"load-{n}@example.com",
            "coverage": "self_pay",
        }
        self.think()
        booked = self.post(form["action"] or details_url, fill(form, values), "book: book")
        if booked.status_code == 302 and "/book/done/" in booked.headers.get("Location", ""):
            counted("appointment.booked")
            self.get(urlsplit(booked.headers["Location"]).path, "book: done page")


class ManagingPatient(Patient):
    """A patient with a coming visit opens the manage link, then reschedules or cancels."""

    weight = USER_WEIGHTS["ManagingPatient"]

    @task
    def manage(self) -> None:
        found = self.take_or_wait("manage")
        if found is None:
            return
        slug, token = found
        base = f"/p/{slug}/manage/{token}/"
        self.get(base, "manage: page")
        self.think()
        if random.random() < 0.5:
            self.reschedule(base)
        else:
            page = self.get(base + "cancel/", "manage: cancel page")
            form = form_with(page.text, "reason") if page.status_code == 200 else None
            if form is None:
                return
            self.think()
            done = self.post(form["action"] or base + "cancel/", fill(form, {}), "manage: cancel")
            if done.status_code == 302:
                counted("appointment.cancelled")

    def reschedule(self, base: str) -> None:
        """The days, a day's times, a time (asks to confirm), confirm."""
        page = self.get(base + "reschedule/", "manage: reschedule days")
        days = re.findall(r"\?day=(\d{4}-\d{2}-\d{2})", page.text)
        if not days:
            return
        self.think()
        day_url = f"{base}reschedule/?day={random.choice(days)}"
        page = self.get(day_url, "manage: reschedule times")
        times = form_with(page.text, "slot") if page.status_code == 200 else None
        if times is None:
            return
        slots = [x["value"] for x in times["fields"] if x["name"] == "slot"]
        fields = [(x["name"], x["value"]) for x in times["fields"] if x["type"] == "hidden"]
        self.think()
        asked = self.post(
            times["action"] or day_url, [*fields, ("slot", random.choice(slots))], "manage: reschedule", ok=(200,)
        )
        confirm = form_with(asked.text, "slot") if asked.status_code == 200 else None
        if confirm is None:
            return
        self.think()
        done = self.post(
            confirm["action"] or day_url,
            fill(confirm, {}, submit=("confirm", "1")),
            "manage: reschedule",
            ok=(200, 302),
        )
        if done.status_code == 302:
            counted("appointment.rescheduled")


class PhoneCheckIn(Patient):
    """A patient with a visit today opens the visit link from their text and taps "I'm here"."""

    weight = USER_WEIGHTS["PhoneCheckIn"]

    @task
    def arrive(self) -> None:
        found = self.take_or_wait("visit")
        if found is None:
            return
        slug, token = found
        page = self.get(f"/p/{slug}/visit/{token}/", "visit: page")
        form = next((f for f in forms(page.text) if f["action"].endswith("/here/")), None)
        if form is None:
            return
        self.think()
        self.post(form["action"], fill(form, {}), "visit: here")


class KioskCheckIn(Patient):
    """A patient at the tablet in the waiting room: date of birth, three letters, confirm."""

    weight = USER_WEIGHTS["KioskCheckIn"]

    @task
    def arrive(self) -> None:
        found = self.take_or_wait("kiosk")
        if found is None:
            return
        slug, who = found
        self.client.cookies.clear()
        base = f"/p/{slug}/arrive/{who['key']}/"
        page = self.get(base + "?kiosk=1", "kiosk: start")
        form = form_with(page.text, "last_name_start")
        if form is None:
            return
        year, month, day = who["date_of_birth"].split("-")
        values = {
            "month": str(int(month)),
            "day": str(int(day)),
            "year": year,
            "last_name_start": re.sub(r"\W", "", who["last_name"])[:3] or who["last_name"],
        }
        self.think()
        found_page = self.post(form["action"] or base, fill(form, values), "kiosk: find", ok=(200, 302))
        confirm = form_with(found_page.text, "token") if found_page.status_code == 200 else None
        if confirm is None:
            return
        self.think()
        self.post(confirm["action"] or base + "confirm/", fill(confirm, {}), "kiosk: confirm", ok=(200, 302))


class SurveyPatient(Patient):
    """A patient answers the survey from their invitation link."""

    weight = USER_WEIGHTS["SurveyPatient"]

    @task
    def answer(self) -> None:
        found = self.take_or_wait("survey")
        if found is None:
            return
        slug, token = found
        base = f"/p/{slug}/s/{token}/"
        page = self.get(base, "survey: page")
        form = next((f for f in forms(page.text) if any(x["type"] == "radio" for x in f["fields"])), None)
        if form is None:
            return
        self.think()
        self.post(form["action"] or base, fill(form, {}, submit=("action", "send")), "survey: answer", ok=(302,))


class FrontDesk(HttpUser):
    """A practice's front desk: signed in, the flow board open (polled every 5 s), changing statuses."""

    weight = USER_WEIGHTS["FrontDesk"]
    fixed_count = len(PRACTICES)
    wait_time = constant(BOARD_POLL_SECONDS)

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-For"] = _address()
        self.practice = PRACTICES[next(_front_desks) % len(PRACTICES)]
        self.base = f"/staff/{self.practice['slug']}/flow/"
        self.polls = 0
        page = self.client.get("/accounts/login/", name="staff: sign-in page")
        form = form_with(page.text, "password")
        staff = self.practice["staff"]
        data = fill(form or {"fields": []}, {"username": staff["email"], "password": staff["password"]})
        with self.client.post(
            (form or {}).get("action") or "/accounts/login/",
            data=data,
            name="staff: sign-in",
            headers={"Referer": f"{self.host}/accounts/login/"},
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")
        self.rows = self.client.get(self.base, name="board: page").text
        match = re.search(r'"v": "([0-9a-f]+)"', self.rows)
        self.version = match.group(1) if match else ""

    @task
    def poll(self) -> None:
        self.polls += 1
        with self.client.get(
            self.base + "rows/", params={"v": self.version}, name="board: poll", catch_response=True
        ) as response:
            if response.status_code == 200:
                self.rows = response.text
                match = re.search(r'"v": "([0-9a-f]+)"', self.rows)
                self.version = match.group(1) if match else ""
            elif response.status_code != 204:
                response.failure(f"{response.status_code}")
        if self.polls % BOARD_CHANGE_EVERY_POLLS == 0:
            self.change_status()

    def change_status(self) -> None:
        choices = [
            (f, x["value"])
            for f in forms(self.rows)
            if "/status/" in f["action"]
            for x in f["fields"]
            if x["name"] == "to" and x["type"] == "submit"
        ]
        choices = [(f, to) for f, to in choices if to not in ("cancelled", "no_show", "scheduled")] or choices
        if not choices:
            return
        form, to = random.choice(choices)
        with self.client.post(
            form["action"],
            data=fill(form, {}, submit=("to", to)),
            name="board: change status",
            headers={"HX-Request": "true", "Referer": f"{self.host}{self.base}"},
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 409):
                response.failure(f"{response.status_code}")
            elif response.status_code == 200:
                self.rows = response.text
