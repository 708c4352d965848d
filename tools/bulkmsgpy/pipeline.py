"""A bulkmsg pipeline as deployed, for the scripts that drive one: separate `bulkmsg` processes (api, pollers,
consumers) and the provider simulator on their own database and queues of the local stack (scripts/stack).

Used by tests/chaos/chaos_run.py, bench/e2e_bench.py and bench/upload_prepare.py. Needs the built binaries and the
`mariadb` and `redis-cli` clients.
"""

import json
import os
import subprocess
import tempfile
import time

from bulkmsgpy import ROOT
from bulkmsgpy.env import stack_env
from bulkmsgpy.net import free_port, http, wait_for
from bulkmsgpy.procs import server_pids, stop_processes
from bulkmsgpy.simulator import Simulator


def target_lines(count, prefix):
    """`count` NDJSON targets spread over email, SMS and push (FCM and APNs tokens), each with a name."""
    lines = []
    for i in range(count):
        kind = ("email", "sms", "push")[i % 3]
        if kind == "email":
            ref = f"{prefix}{i}@example.com"
        elif kind == "sms":
            ref = f"+1415{i:07d}"
        else:
            ref = f"{i:064x}" if i % 2 else f"fcm-{prefix}-{i}-" + "x" * 40
        lines.append(json.dumps({"user_ref": ref, "kind": kind, "metadata": {"name": f"User {i}"}}))
    return lines


class Pipeline:
    """One database (`bulkmsg_t_<name>_<pid>`: the stack's user may create those), one pair of queues, a temp dir
    for logs and credentials, and the processes started in it (by name)."""

    def __init__(self, name, build_dir, settings):
        self.build = os.path.join(ROOT, build_dir)
        self.tmp = tempfile.mkdtemp(prefix=f"bulkmsg-{name}-")
        self.env = stack_env()
        tag = f"{os.getpid()}"
        self.env.update({
            "DB_NAME": f"bulkmsg_t_{name}_{tag}",
            "NOTIFICATION_QUEUE": f"{name}.notify.{tag}",
            "DEAD_LETTER_QUEUE": f"{name}.failed.{tag}",
            "LOG_FORMAT": "json",
            # Its email campaigns are marketing mail, which needs one-click unsubscribe links (docs/compliance.md):
            # published at an address nothing is asked to reach, so every mail carries its headers and token.
            "PUBLIC_BASE_URL": "http://127.0.0.1:9",
            "UNSUBSCRIBE_SECRET": "pipeline-unsubscribe-secret",
        })
        self.env.update(settings)
        self.processes = {}  # name -> Popen
        self.key = None
        self.api_port = None
        self.sim = None

    # --- processes ---------------------------------------------------------------------------------------------
    def bulkmsg(self, *argv):
        result = subprocess.run([os.path.join(self.build, "bulkmsg"), *argv], env=self.env, cwd=self.tmp,
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"bulkmsg {' '.join(argv)} failed: {result.stdout}{result.stderr}")
        return result.stdout

    def start(self, name, role, settings=None):
        env = dict(self.env)
        env["METRICS_PORT"] = str(free_port())
        env.update(settings or {})
        with open(os.path.join(self.tmp, f"{name}.log"), "a") as out:
            self.processes[name] = subprocess.Popen([os.path.join(self.build, "bulkmsg"), role], env=env,
                                                    cwd=self.tmp, stdout=out, stderr=subprocess.STDOUT)

    def stop(self, names):
        stop_processes([self.processes[n] for n in names if n in self.processes])

    def stop_all(self, keep=()):
        self.stop([name for name in self.processes if name not in keep])

    def pids(self):
        """The processes started here and the stack's servers, by name (for procs.Resources)."""
        return {**{name: p.pid for name, p in self.processes.items()}, **server_pids()}

    def stack(self, *argv):
        subprocess.run([os.path.join(ROOT, "scripts", "stack"), *argv], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    # --- database ----------------------------------------------------------------------------------------------
    def sql(self, statement, database=True):
        argv = ["mariadb", "-h", self.env["DB_HOST"], "-P", self.env["DB_PORT"], "-u", self.env["DB_USERNAME"],
                "-N", "-B", "-e", statement]
        if database:
            argv.insert(1, self.env["DB_NAME"])
        env = dict(os.environ, MYSQL_PWD=self.env["DB_PASSWORD"])
        for _ in range(60):  # the server may be restarting
            result = subprocess.run(argv, env=env, capture_output=True, text=True)
            if result.returncode == 0:
                return [line.split("\t") for line in result.stdout.splitlines()]
            time.sleep(1)
        raise RuntimeError(f"SQL failed: {statement}: {result.stderr}")

    def counts(self, campaign):
        return {status: int(n) for status, n in self.sql(
            f"SELECT status, COUNT(*) FROM outbox WHERE campaign_id={campaign} GROUP BY status")}

    def create_database(self):
        self.sql(f"CREATE DATABASE `{self.env['DB_NAME']}`", database=False)
        self.bulkmsg("migrate")
        self.key = self.bulkmsg("apikey", "create", "--name", "pipeline").strip().splitlines()[-1]

    def drop_database(self):
        """Drops the database and this database's Redis keys (sent markers live for days otherwise)."""
        try:
            self.sql(f"DROP DATABASE IF EXISTS `{self.env['DB_NAME']}`", database=False)
        except RuntimeError:
            pass
        script = "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end"
        subprocess.run(["redis-cli", "-h", self.env["REDIS_HOST"], "-p", self.env["REDIS_PORT"], "--no-auth-warning",
                        "EVAL", script, "0", f"bulkmsg:{self.env['DB_NAME']}:*"],
                       env=dict(os.environ, REDISCLI_AUTH=self.env["REDIS_PASSWORD"]), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    # --- simulator ---------------------------------------------------------------------------------------------
    def start_simulator(self, feedback=None):
        """Starts the simulator; with `feedback` (its feedback options, e.g. ["--feedback-bounce", "0.02"]) it
        posts the providers' webhooks to the API that start_api will start (on a port chosen now)."""
        simulator = Simulator(self.build, os.path.join(self.tmp, "sim"))
        webhook_url = None
        if feedback is not None:
            self.api_port = free_port()
            webhook_url = f"http://127.0.0.1:{self.api_port}"
        self.processes["simulator"] = simulator.start(os.path.join(self.tmp, "sim.log"), webhook_url, feedback or ())
        self.env.update(simulator.env)
        self.sim = simulator.url

    def sim_stats(self):
        return json.loads(http("GET", f"{self.sim}/_sim/stats")[1])

    def faults(self, **values):
        http("POST", f"{self.sim}/_sim/faults", json.dumps(values))

    def sim_keys(self):
        """How many times the simulator accepted each idempotency key."""
        return json.loads(http("GET", f"{self.sim}/_sim/stats?keys=1")[1])["keys"]

    # --- the API -----------------------------------------------------------------------------------------------
    def start_api(self, settings=None):
        self.api_port = self.api_port or free_port()
        self.env["EXPRESS_APP_PORT"] = str(self.api_port)
        self.start("api", "api", settings)
        wait_for(f"http://127.0.0.1:{self.api_port}/live", "the API")

    def api(self, method, path, body=None, content_type="application/json"):
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": content_type}
        try:
            return http(method, f"http://127.0.0.1:{self.api_port}/api/v1{path}", body, headers, timeout=300)
        except OSError as e:
            return 0, f"no answer: {e}"

    def create_campaign(self, name):
        status, body = self.api("POST", "/campaigns", json.dumps({
            "name": name, "kind": "email",
            "template": {"subject": "Hi {{name}}", "text": "Hello {{name}}", "title": "Hi {{name}}"}}))
        assert status == 201, body
        return json.loads(body)["id"]

    def timed_upload(self, name, recipients, prefix):
        """Creates campaign `name` and uploads `recipients` targets (target_lines) to it in one request; returns
        (campaign id, seconds the upload took)."""
        campaign = self.create_campaign(name)
        lines = target_lines(recipients, prefix)
        started = time.time()
        self.upload(campaign, lines)
        return campaign, time.time() - started

    def upload(self, campaign, lines):
        """Posts the NDJSON target lines in one request (the API streams it); every line must be accepted."""
        status, body = self.api("POST", f"/campaigns/{campaign}/targets", "\n".join(lines) + "\n",
                                "application/x-ndjson")
        assert status == 200 and json.loads(body)["accepted"] == len(lines), body
