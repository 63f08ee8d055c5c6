"""Locust users of the load bench (run by bench/load.py, which prepares the plan and the server).

Fifty users by default: 20 municipal coordinators, 15 principals, 10 inspectors, 4 regional coordinators and one
administrator (in these shares for another number of users, at least one of each) log in through the real form
(CSRF) and walk their main pages, thinking 0.5–2 s between pages.
Requests are named by the Django view name so the server's CPU log (bench/gunicorn_cpu.py) joins them. The whole
run stops after BENCH_LOAD_MAX_REQUESTS requests even if the time limit is not reached yet. Statistics start once
every user has logged in; the logins themselves are reported by the server's CPU log.
"""

import itertools
import json
import os
import random
import re

import gevent
from locust import HttpUser, between, events, task

from bench.load import persona_counts

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8").read())
MAX_REQUESTS = int(os.environ.get("BENCH_LOAD_MAX_REQUESTS", "5000"))
COUNTS = persona_counts(int(os.environ.get("BENCH_LOAD_USERS", "50")))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_accounts = {persona: itertools.cycle(PLAN[persona]) for persona in ("regional", "municipal", "principal", "inspector")}
_accounts["admin"] = itertools.cycle(PLAN["admin"])
_sent = itertools.count(1)
_logged_in = itertools.count(1)


@events.init.add_listener
def _bound_requests(environment, **kwargs):
    def count(**_kwargs):
        if next(_sent) == MAX_REQUESTS:
            # Outside the user's greenlet: quitting from inside it would kill the caller half-way.
            gevent.spawn(environment.runner.quit)

    environment.events.request.add_listener(count)


class Persona(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    persona = ""

    def on_start(self):
        account = next(_accounts[self.persona])
        self.schools = account["schools"]
        page = self.client.get("/accounts/login/", name="login")
        token = CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            {
                "username": account["username"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {account['username']} answered {response.status_code}")
        if next(_logged_in) == sum(COUNTS.values()):
            # Every user is in: the pages are measured from here. A login hashes the password (about 0.3 s of CPU
            # by design), so 50 of them queue up for seconds on two cores and would blur every page's figures.
            self.environment.stats.reset_all()

    def page(self, url, name):
        self.client.get(url, name=name)

    def school(self):
        return random.choice(self.schools)

    def campaign(self):
        return random.choice(PLAN["campaigns"])


class Overseer(Persona):
    abstract = True

    @task(3)
    def dashboard(self):
        self.page("/", "dashboard")

    @task(3)
    def registry(self):
        pages = max(1, len(self.schools) // 50)
        self.page(f"/registry/schools/?page={random.randint(1, pages)}", "registry:school-list")

    @task(2)
    def indicators(self):
        self.page(f"/reports/indicators/?year={PLAN['year']}", "reports:indicator-list")

    @task(1)
    def municipalities_compared(self):
        self.page(f"/reports/dashboard/municipalities/?year={PLAN['year']}", "reports:municipality-comparison")

    @task(2)
    def registry_search(self):
        self.page("/registry/schools/?status=shnor&q=%D0%A1%D0%9E%D0%A8+%E2%84%961", "registry:school-list")

    @task(2)
    def school_page(self):
        self.page(f"/registry/schools/{self.school()}/", "registry:school-detail")

    @task(1)
    def school_results(self):
        self.page(f"/reports/schools/{self.school()}/results/", "reports:school-results-tab")

    @task(2)
    def results(self):
        self.page("/reports/results/", "reports:results-list")

    @task(2)
    def campaign_results(self):
        self.page(f"/reports/results/campaigns/{self.campaign()}/", "reports:campaign-results")

    @task(1)
    def flags(self):
        self.page(f"/reports/results/flags/?year={PLAN['year']}", "reports:flags")

    @task(1)
    def pairings(self):
        self.page("/support/pairings/", "support:pairing-list")

    @task(1)
    def events(self):
        self.page("/support/events/", "support:event-list")

    @task(1)
    def plans(self):
        self.page("/roadmaps/", "roadmaps:plan-list")


class MunicipalCoordinator(Overseer):
    fixed_count = COUNTS["municipal"]
    persona = "municipal"


class RegionalCoordinator(Overseer):
    fixed_count = COUNTS["regional"]
    persona = "regional"


class Inspector(Overseer):
    fixed_count = COUNTS["inspector"]
    persona = "inspector"


class Administrator(Overseer):
    fixed_count = COUNTS["admin"]
    persona = "admin"


class Principal(Persona):
    fixed_count = COUNTS["principal"]
    persona = "principal"

    @task(3)
    def dashboard(self):
        self.page("/", "dashboard")

    @task(3)
    def school_page(self):
        self.page(f"/registry/schools/{self.school()}/", "registry:school-detail")

    @task(2)
    def school_results(self):
        self.page(f"/reports/schools/{self.school()}/results/", "reports:school-results-tab")

    @task(2)
    def results(self):
        self.page("/reports/results/", "reports:results-list")

    @task(2)
    def campaign_results(self):
        self.page(f"/reports/results/campaigns/{self.campaign()}/", "reports:campaign-results")

    @task(1)
    def events(self):
        self.page("/support/events/", "support:event-list")

    @task(1)
    def plans(self):
        self.page("/roadmaps/", "roadmaps:plan-list")
