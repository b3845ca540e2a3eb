"""The load test's simulated people (run by bench/load.py; Locust, headless).

Each simulated person signs in through the sign-in form with one of the
accounts bench/scale_data.py made (password ``SCALE_PASSWORD``), then works
with 1–3 s of thinking between steps:

- mentors (most of the users): their home page, and log a meeting there;
- coordinators: the duo, mentee and mentor lists with filters, a duo page, a
  person's page;
- coaches: their workspace (home) and a duo they follow;
- funders: the figures list, a programme's dashboard and its CSV download.

Requests over plain HTTP on loopback carry ``X-Forwarded-Proto: https`` (the
proxy's header), as the production settings trust it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import re
import uuid

from locust import HttpUser, between, task

PASSWORD = os.environ.get("SCALE_PASSWORD", "scale-bench-password-2026")
DOMAIN = "scale.invalid"
N_PROGRAMMES = int(os.environ.get("SCALE_PROGRAMMES", "50"))
HEADERS = {"X-Forwarded-Proto": "https"}

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DUO_LINK = re.compile(r'href="(/duos/[0-9a-f-]{36}/)"')
MENTEE_LINK = re.compile(r'href="(/mentees/[0-9a-f-]{36}/)"')
FIGURES_LINK = re.compile(r'href="(/figures/[0-9a-f-]{36}/)"')
MEETING_FORM = re.compile(r'action="(/duos/[0-9a-f-]{36}/meetings/)".*?name="(duo-\d+)-date"', re.S)


def secure(host: str) -> str:
    """The address the browser sees behind the proxy: a secure request checks that
    its Referer is https too."""
    return host.replace("http://", "https://", 1)


_counters = {role: itertools.count() for role in ("mentor", "coordinator", "coach", "funder")}


def account(role: str) -> str:
    n = next(_counters[role])
    if role == "mentor":
        return f"mentor-{n % N_PROGRAMMES}-{(n // N_PROGRAMMES) % 20}@{DOMAIN}"
    if role == "coach":
        return f"coach-{n % N_PROGRAMMES}-{(n // N_PROGRAMMES) % 2}@{DOMAIN}"
    if role == "funder":
        return f"funder-{n % 4}@{DOMAIN}"
    return f"coordinator-{n % N_PROGRAMMES}@{DOMAIN}"


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self) -> None:
        self.client.headers.update(HEADERS)
        page = self.client.get("/accounts/login/", name="sign-in form")
        token = CSRF.search(page.text)
        email = account(self.role)
        with self.client.post(
            "/accounts/login/",
            data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token and token[1]},
            headers={"Referer": secure(self.host) + "/accounts/login/"},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {email} answered {response.status_code}")
                # Also in the log: bench/load.py counts them after resetting the statistics.
                print(f"SIGN-IN REFUSED {email} {response.status_code}", flush=True)

    def get(self, url: str, name: str):
        return self.client.get(url, name=name)


class Mentor(Person):
    weight = 5
    role = "mentor"

    @task(2)
    def home(self) -> None:
        self.get("/", "mentor home")

    @task(1)
    def log_meeting(self) -> None:
        page = self.get("/", "mentor home")
        forms = MEETING_FORM.findall(page.text)
        token = CSRF.search(page.text)
        if not forms or not token:
            return
        action, prefix = random.choice(forms)
        with self.client.post(
            action,
            data={
                "csrfmiddlewaretoken": token[1],
                f"{prefix}-date": dt.date.today().isoformat(),
                f"{prefix}-minutes": random.choice([30, 45, 60, 90]),
                f"{prefix}-mode": random.choice(["workplace", "video", "phone"]),
                f"{prefix}-topics": ["cv"],
                f"{prefix}-note": "",
                f"{prefix}-client_token": str(uuid.uuid4()),
                f"{prefix}-same_day_ok": "on",
            },
            headers={"Referer": secure(self.host) + "/"},
            name="log a meeting",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"logging a meeting answered {response.status_code}")


class Coordinator(Person):
    weight = 3
    role = "coordinator"

    @task(3)
    def duo_list(self) -> None:
        query = random.choice(
            [
                "",
                "?status=active",
                "?status=ended&end_reason=completed",
                "?health=silent",
                "?page=3",
            ]
        )
        page = self.get("/duos/" + query, "duo list (filtered)")
        links = DUO_LINK.findall(page.text)
        if links:
            self.get(random.choice(links), "duo page")

    @task(2)
    def mentee_list(self) -> None:
        query = random.choice(["", "?status=ready", "?q=Peeters", "?ordering=-created"])
        page = self.get("/mentees/" + query, "mentee list (filtered)")
        links = MENTEE_LINK.findall(page.text)
        if links:
            self.get(random.choice(links), "mentee page")

    @task(1)
    def mentor_list(self) -> None:
        self.get("/mentors/" + random.choice(["", "?status=ready"]), "mentor list (filtered)")

    @task(1)
    def home(self) -> None:
        self.get("/", "coordinator home")


class Coach(Person):
    weight = 1
    role = "coach"

    @task
    def workspace(self) -> None:
        page = self.get("/", "coach workspace")
        links = DUO_LINK.findall(page.text)
        if links:
            self.get(random.choice(links), "duo page")


class Funder(Person):
    weight = 1
    role = "funder"

    @task(1)
    def figures(self) -> None:
        page = self.get("/figures/", "figures list")
        links = FIGURES_LINK.findall(page.text)
        if not links:
            return
        url = random.choice(links)
        self.get(url, "dashboard")
        if random.random() < 0.3:
            self.get(url + "?format=csv", "dashboard CSV download")
