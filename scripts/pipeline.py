"""A bulkmsg pipeline as deployed, for the scripts that drive one: separate `bulkmsg` processes (api, pollers,
consumers) and the provider simulator on their own database and queues of the local stack (scripts/stack).

Used by tests/chaos/chaos_run.py and bench/e2e_bench.py. Needs the built binaries and the `mariadb` client.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_env_file(path):
    values = {}
    if not os.path.exists(path):
        return values
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.removeprefix("export ").strip()] = value.strip().strip('"').strip("'")
    return values


def http(method, url, body=None, headers=None, timeout=30):
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(url, what, attempts=100):
    for _ in range(attempts):
        try:
            if http("GET", url)[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


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


def add_run_arguments(parser, result_name):
    """The options every benchmark script shares: --build-dir, --json (default
    bench/results/<result_name>-<recipients>.json, see result_path) and --keep."""
    parser.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", "build"))
    parser.add_argument("--json", help=f"result file (default bench/results/{result_name}-<recipients>.json)")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")


def result_path(args, result_name):
    return args.json or os.path.join(ROOT, "bench", "results", f"{result_name}-{args.recipients}.json")


def exit_on_sigterm():
    """For a script's main: SIGTERM unwinds like Ctrl-C, so the cleanup (Pipeline.stop_all in a finally) stops the
    processes it started instead of orphaning them."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


class Pipeline:
    """One database (`bulkmsg_t_<name>_<pid>`: the stack's user may create those), one pair of queues, a temp dir
    for logs and credentials, and the processes started in it (by name)."""

    def __init__(self, name, build_dir, settings):
        self.build = os.path.join(ROOT, build_dir)
        self.tmp = tempfile.mkdtemp(prefix=f"bulkmsg-{name}-")
        # .env.example, then .env, then the caller's environment (e.g. RABBITMQ_QUEUE_TYPE=quorum bench/run).
        self.env = read_env_file(os.path.join(ROOT, ".env.example"))
        self.env.update(read_env_file(os.path.join(ROOT, ".env")))
        self.env.update(os.environ)
        tag = f"{os.getpid()}"
        self.env.update({
            "DB_NAME": f"bulkmsg_t_{name}_{tag}",
            "NOTIFICATION_QUEUE": f"{name}.notify.{tag}",
            "DEAD_LETTER_QUEUE": f"{name}.failed.{tag}",
            "LOG_FORMAT": "json",
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
        out = open(os.path.join(self.tmp, f"{name}.log"), "a")
        self.processes[name] = subprocess.Popen([os.path.join(self.build, "bulkmsg"), role], env=env, cwd=self.tmp,
                                                stdout=out, stderr=subprocess.STDOUT)

    def stop(self, names):
        stopping = [self.processes[n] for n in names if n in self.processes]
        for process in stopping:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in stopping:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def stop_all(self, keep=()):
        self.stop([name for name in self.processes if name not in keep])

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
    def start_simulator(self):
        http_port, apns_port = free_port(), free_port()
        creds = os.path.join(self.tmp, "sim")
        subprocess.run([os.path.join(ROOT, "scripts", "sim-credentials"), creds, str(http_port), str(apns_port)],
                       check=True, stdout=subprocess.DEVNULL)
        out = open(os.path.join(self.tmp, "sim.log"), "w")
        self.processes["simulator"] = subprocess.Popen([
            os.path.join(self.build, "bulkmsg-provider-sim"), "--http-port", str(http_port), "--apns-port",
            str(apns_port), "--tls-cert", f"{creds}/server.pem", "--tls-key", f"{creds}/server.key",
            "--fcm-public-key", f"{creds}/fcm.pub.pem", "--apns-public-key", f"{creds}/apns.pub.pem",
            "--sendgrid-api-key", "SG.simulator", "--twilio-account-sid", "ACsimulator", "--twilio-auth-token",
            "simulator-token", "--apns-key-id", "SIMKEY0001", "--apns-team-id", "SIMTEAM001"],
            stdout=out, stderr=subprocess.STDOUT)
        self.env.update(read_env_file(f"{creds}/sim.env"))
        self.sim = self.env["PROVIDER_SIMULATOR_URL"]
        wait_for(f"{self.sim}/_sim/stats", "the simulator")

    def faults(self, **values):
        http("POST", f"{self.sim}/_sim/faults", json.dumps(values))

    def sim_keys(self):
        """How many times the simulator accepted each idempotency key."""
        return json.loads(http("GET", f"{self.sim}/_sim/stats?keys=1")[1])["keys"]

    # --- the API -----------------------------------------------------------------------------------------------
    def start_api(self, settings=None):
        self.api_port = free_port()
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

    def upload(self, campaign, lines):
        """Posts the NDJSON target lines in one request (the API streams it); every line must be accepted."""
        status, body = self.api("POST", f"/campaigns/{campaign}/targets", "\n".join(lines) + "\n",
                                "application/x-ndjson")
        assert status == 200 and json.loads(body)["accepted"] == len(lines), body
