"""Chaos run: one campaign through separate poller and consumer processes while servers, processes and the
providers fail, then a check that nothing was lost and nothing sent twice beyond what the kills allow.

Run through tests/chaos/run (see its --help). Needs the built binaries and the local stack (scripts/stack); uses
its own database, queues and simulator, and removes the database afterwards unless --keep.
"""

import argparse
import json
import os
import random
import signal
import sys
import time

from bulkmsgpy.pipeline import Pipeline, target_lines
from bulkmsgpy.procs import exit_on_sigterm
from bulkmsgpy.runs import logger

import delivery_check

TERMINAL = ("sent", "failed", "cancelled", "suppressed")
log = logger("chaos")


class Run(Pipeline):
    def __init__(self, args):
        per_channel_rate = max(1, args.recipients // (3 * args.duration))
        super().__init__("chaos", args.build_dir, {
            "LOG_LEVEL": os.environ.get("CHAOS_LOG_LEVEL", "warn"),
            "POLL_INTERVAL_MS": "200",
            "RETRY_DELAY_SECONDS": "1",
            "MAX_ATTEMPTS": "100",
            "QUEUED_LEASE_SECONDS": "12",  # short, so rows of killed consumers come back fast
            "PROVIDER_TIMEOUT_MS": "4000",  # the lease must cover 3 provider timeouts
            "SHUTDOWN_TIMEOUT_SECONDS": "5",
            "CONSUMER_WORKERS": "2",
            "CONSUMER_MAX_IN_FLIGHT": str(args.in_flight),
            "CONSUMER_PREFETCH": str(args.in_flight * 2),
            # Throttled, so the campaign lasts about --duration seconds and the faults hit it while it sends.
            "EMAIL_RATE_PER_SEC": str(per_channel_rate),
            "SMS_RATE_PER_SEC": str(per_channel_rate),
            "PUSH_RATE_PER_SEC": str(per_channel_rate),
        })
        self.args = args
        self.rng = random.Random(args.seed)
        self.kills = 0
        self.consumer_kills = 0
        self.actions = []
        self.api_errors = []
        self.crashes = []
        self.campaign = None
        self.stale_campaign = None

    def check_alive(self):
        """Records any process that exited without being killed by the run (a crash), and restarts it."""
        for name, process in list(self.processes.items()):
            if name != "simulator" and process.poll() is not None:
                self.crashes.append(f"{name} exited with {process.returncode}")
                log(f"{name} exited with {process.returncode}; restarting it")
                self.start(name, name.rstrip("0123456789"))

    def kill(self, name, role):
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait()
        self.kills += 1
        self.consumer_kills += role == "consumer"
        self.start(name, role)

    def set_up(self):
        self.create_database()
        self.start_simulator(delivery_check.simulator_options() if self.args.feedback else None)
        self.start_api()
        self.campaign = self.create_campaign(f"chaos {self.args.recipients}")
        self.upload(self.campaign, target_lines(self.args.recipients, "chaos"))
        # A campaign scheduled for later whose time then lies two days back, as after restoring a backup: it must
        # be flagged, not started.
        self.stale_campaign = self.create_campaign("restored with a schedule in the past")
        self.upload(self.stale_campaign, target_lines(9, "chaos"))
        status, body = self.api("POST", f"/campaigns/{self.stale_campaign}/schedule",
                                json.dumps({"scheduled_at": "2030-01-01T00:00:00Z"}))
        assert status == 200, body
        self.sql(f"UPDATE campaigns SET scheduled_at = NOW(6) - INTERVAL 2 DAY WHERE id={self.stale_campaign}")
        for i in range(self.args.pollers):
            self.start(f"poller{i}", "poller")
        for i in range(self.args.consumers):
            self.start(f"consumer{i}", "consumer")
        status, body = self.api("POST", f"/campaigns/{self.campaign}/prepare")
        assert status == 202, body

    # --- chaos -------------------------------------------------------------------------------------------------
    def act(self, action):
        self.check_alive()
        self.actions.append(action)
        log(f"{action}; outbox {self.counts(self.campaign)}")
        if action == "kill poller":
            i = self.rng.randrange(self.args.pollers)
            self.kill(f"poller{i}", "poller")
        elif action == "kill consumer":
            i = self.rng.randrange(self.args.consumers)
            self.kill(f"consumer{i}", "consumer")
        elif action == "kill every consumer":
            for i in range(self.args.consumers):
                self.kill(f"consumer{i}", "consumer")
        elif action == "restart rabbitmq":
            self.stack("stop", "rabbit")
            time.sleep(2)
            self.stack("start", "rabbit")
        elif action == "restart mariadb":
            self.stack("stop", "mysql")
            time.sleep(2)
            self.stack("start", "mysql")
        elif action == "stop redis":
            self.stack("stop", "redis")
            time.sleep(self.args.redis_outage)
            self.stack("start", "redis")
        elif action == "5xx burst":
            self.faults(error_rate=0.5)
            time.sleep(3)
            self.faults(error_rate=0.0)
        elif action == "429 burst":
            self.faults(rate_limit_burst=300, retry_after_seconds=2)
        elif action == "slow provider":
            self.faults(latency_ms=800)
            time.sleep(3)
            self.faults(latency_ms=0)
        elif action == "dropped connections":
            self.faults(drop_rate=0.2)
            time.sleep(3)
            self.faults(drop_rate=0.0)
        elif action == "pause and resume during throttling":
            self.faults(rate_limit_burst=300, retry_after_seconds=2)
            self.expect_answer(self.api("POST", f"/campaigns/{self.campaign}/pause"), (200, 409))
            time.sleep(3)
            self.expect_answer(self.api("POST", f"/campaigns/{self.campaign}/resume"), (200, 409))
        self.expect_answer(self.api("GET", f"/campaigns/{self.campaign}/progress"), (200,))

    def expect_answer(self, reply, statuses):
        """Records an API answer outside `statuses` (e.g. a 500 after a server restart) as a failure."""
        if reply[0] not in statuses:
            self.api_errors.append(f"{reply[0]} {reply[1][:200]}")
            log(f"API answered {reply[0]}: {reply[1][:200]}")

    def unfinished(self):
        return sum(n for status, n in self.counts(self.campaign).items() if status not in TERMINAL)

    def chaos(self):
        faults = ["5xx burst", "429 burst", "slow provider", "dropped connections", "pause and resume during throttling"]
        servers = ["restart rabbitmq", "restart mariadb", "stop redis"]
        kills = ["kill poller", "kill consumer", "kill every consumer"] if self.args.kills else []
        # Every action once, in a shuffled order, then random ones while messages remain.
        script = faults + servers + kills
        if self.args.actions:
            script = [a for a in script if a in self.args.actions.split(",")]
        self.rng.shuffle(script)
        time.sleep(2)  # let preparation start
        for action in script:
            self.act(action)
            time.sleep(self.args.interval)
        deadline = time.time() + self.args.timeout
        pool = faults + kills
        while self.unfinished() > 0 and time.time() < deadline and self.args.extra_chaos:
            self.act(self.rng.choice(pool))
            time.sleep(self.args.interval)
        self.faults(error_rate=0.0, latency_ms=0, rate_limit_burst=0, drop_rate=0.0)
        while self.unfinished() > 0 and time.time() < deadline:
            time.sleep(1)
        self.check_alive()

    # --- verdict -----------------------------------------------------------------------------------------------
    def verdict(self):
        counts = self.counts(self.campaign)
        rows = self.sql(f"SELECT idempotency_key, status, COALESCE(last_error, '') FROM outbox "
                        f"WHERE campaign_id={self.campaign}")
        keys = self.sim_keys()
        sent_keys = [k for k, status, _ in rows if status == "sent"]
        missing_at_provider = [k for k in sent_keys if keys.get(k, 0) == 0]
        failed_without_reason = [k for k, status, reason in rows if status == "failed" and not reason]
        unfinished = [k for k, status, _ in rows if status not in TERMINAL]
        ours = {k for k, _, _ in rows}
        duplicated = sorted(k for k, n in keys.items() if k in ours and n > 1)
        duplicates = sum(keys[k] - 1 for k in duplicated)
        bound = self.consumer_kills * int(self.env["CONSUMER_WORKERS"]) * int(self.env["CONSUMER_MAX_IN_FLIGHT"])
        stale = self.sql(f"SELECT status, COALESCE(status_reason, ''), "
                         f"(SELECT COUNT(*) FROM outbox WHERE campaign_id={self.stale_campaign}) "
                         f"FROM campaigns WHERE id={self.stale_campaign}")[0]
        lost = len(unfinished) + len(missing_at_provider) + (len(rows) - self.args.recipients if len(rows) < self.args.recipients else 0)
        result = {
            "recipients": self.args.recipients, "outbox": counts, "lost": lost, "unfinished": len(unfinished),
            "sent_but_not_at_provider": len(missing_at_provider), "failed_without_reason": len(failed_without_reason),
            "duplicates": duplicates, "duplicated_keys": duplicated[:20], "duplicate_bound": bound, "kills": self.kills, "consumer_kills": self.consumer_kills,
            "actions": self.actions, "api_errors": self.api_errors, "crashes": self.crashes, "stale_campaign": {"status": stale[0], "reason": stale[1], "outbox_rows": int(stale[2])},
            "seconds": round(time.time() - self.started, 1), "seed": self.args.seed,
        }
        checks = {
            "every row sent or failed with a reason": not unfinished and not failed_without_reason
                                                        and len(rows) == self.args.recipients,
            "lost = 0": lost == 0,
            "duplicates within the bound of the kills": duplicates <= bound,
            "the API answered every request during the run (no 5xx)": not self.api_errors,
            "no process crashed": not self.crashes,
            "campaign restored with a past schedule is flagged, not started":
                stale[0] == "scheduled" and stale[1].startswith("missed schedule") and int(stale[2]) == 0,
        }
        if not self.args.kills:
            checks["duplicates = 0 without process kills"] = duplicates == 0
        if self.args.feedback:
            result["delivery"], delivery_checks = delivery_check.verdict(self, self.campaign, duplicates)
            checks.update(delivery_checks)
        result["checks"] = checks
        return result

    def main(self):
        self.started = time.time()
        try:
            self.set_up()
            self.chaos()
            if self.args.feedback:
                delivery_check.settle(self, self.campaign, timeout=120)
            self.stop_all(keep=("simulator",))  # the verdict reads what the simulator received
            result = self.verdict()
        finally:
            self.stop_all()
            if not self.args.keep:
                self.drop_database()
        print(json.dumps(result, indent=2))
        if self.args.json:
            os.makedirs(os.path.dirname(os.path.abspath(self.args.json)), exist_ok=True)
            with open(self.args.json, "w") as f:
                json.dump(result, f, indent=2)
        failed = [name for name, ok in result["checks"].items() if not ok]
        for name, ok in result["checks"].items():
            log(f"{'PASS' if ok else 'FAIL'}: {name}")
        log(f"lost {result['lost']}, duplicates {result['duplicates']} (bound {result['duplicate_bound']}), "
            f"{result['kills']} kills, {len(result['actions'])} actions, {result['seconds']} s; logs in {self.tmp}")
        if "delivery" in result:
            log(f"delivery states: bulkmsg {result['delivery']['bulkmsg']}, simulator {result['delivery']['simulator']}")
        return 1 if failed else 0


def parser():
    """The run's options (tests/chaos/cluster_chaos.py adds its own)."""
    p = argparse.ArgumentParser(prog="tests/chaos/run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipients", type=int, default=50_000, help="recipients over email, SMS and push")
    p.add_argument("--duration", type=int, default=120,
                   help="seconds the campaign should take under the provider rate limits it sets")
    p.add_argument("--no-kills", dest="kills", action="store_false", help="faults and server restarts only")
    p.add_argument("--no-feedback", dest="feedback", action="store_false",
                   help="no provider webhooks back to the API (tests/chaos/delivery_check.py)")
    p.add_argument("--pollers", type=int, default=2)
    p.add_argument("--consumers", type=int, default=2)
    p.add_argument("--in-flight", type=int, default=64, help="CONSUMER_MAX_IN_FLIGHT per worker")
    p.add_argument("--interval", type=float, default=3.0, help="seconds between chaos actions")
    p.add_argument("--redis-outage", type=int, default=30, help="seconds Redis stays stopped")
    p.add_argument("--actions", help="comma-separated subset of the actions to run (default: all)")
    p.add_argument("--extra-chaos", action="store_true", help="keep injecting random faults until all is sent")
    p.add_argument("--timeout", type=int, default=600, help="seconds to wait for every row to finish")
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", "build"))
    p.add_argument("--json", help="write the result here")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--cluster", action="store_true",
                   help="the cluster drill instead: 3 RabbitMQ nodes, HAProxy, node kills (cluster_chaos.py)")
    p.add_argument("--node-down", type=float, default=5.0, help="--cluster: seconds each node stays down")
    return p


if __name__ == "__main__":
    exit_on_sigterm()
    options = parser().parse_args()
    if options.cluster:
        sys.exit("tests/chaos/run --cluster starts the cluster drill (tests/chaos/cluster_chaos.py)")
    sys.exit(Run(options).main())
