"""Cluster chaos run (`tests/chaos/run --cluster`, issue 24, docs/scaling.md): the chaos run's campaign on the
three-node RabbitMQ cluster of `scripts/stack cluster` with quorum queues, two API processes behind HAProxy
(`scripts/stack lb`, in a stack directory of its own), two pollers and two consumers connected with RABBITMQ_HOSTS.
During delivery it SIGKILLs the node leading the run's notification queue together with one API process, starts
both again, then stops the node leading afterwards and starts it again. No bulkmsg consumer or poller is killed, so
nothing may be sent twice. The report adds the queue's leaders (`rabbitmq-queues quorum_status`) as they changed
and each process's broker failovers and connections (from its /metrics).
"""

import json
import os
import re
import subprocess
import sys
import time

from bulkmsgpy import ROOT
from bulkmsgpy.env import cluster_env
from bulkmsgpy.net import free_port, http, wait_for
from bulkmsgpy.procs import exit_on_sigterm

import chaos_run

log = chaos_run.log
STACK_SCRIPT = os.path.join(ROOT, "scripts", "stack")


def metric_samples(exposition, name):
    """{labels: value} of metric `name` in a Prometheus text exposition ("" for a sample without labels)."""
    samples = {}
    for match in re.finditer(rf"^{name}(\{{[^}}]*\}})? (\S+)$", exposition, re.M):
        samples[match.group(1) or ""] = float(match.group(2))
    return samples


class ClusterRun(chaos_run.Run):
    def __init__(self, args):
        super().__init__(args)
        self.env.update(cluster_env())
        self.metrics_ports = {}
        self.leaders = []  # {"seconds", "leader", "term", "after"} each time the leader changed
        self.failovers = None
        self.lb_env = None
        self.unfinished_at = {}  # action -> rows not yet sent or failed when it began

    # --- processes ---------------------------------------------------------------------------------------------
    def start(self, name, role, settings=None):
        self.metrics_ports[name] = free_port()
        super().start(name, role, {"METRICS_PORT": str(self.metrics_ports[name]), **(settings or {})})

    def start_api(self, settings=None):
        """api1 and api2 behind HAProxy, which listens on the port the simulator posts its webhooks to."""
        self.api_port = self.api_port or free_port()
        first = free_port()
        second = next(port for port in iter(free_port, None) if port != first)
        self.metrics_ports.update({"api1": first, "api2": second})
        self.lb_env = dict(self.env, **(settings or {}), STACK_DIR=os.path.join(self.tmp, "lb-stack"),
                           STACK_LB_PORT=str(self.api_port), STACK_LB_API_PORT=str(first), STACK_LB_API2_PORT=str(second),
                           BULKMSG_BIN=os.path.join(self.build, "bulkmsg"))
        self.lb("up")
        wait_for(f"http://127.0.0.1:{self.api_port}/ready", "HAProxy with a ready API", attempts=300)

    def lb(self, *argv):
        subprocess.run([STACK_SCRIPT, "lb", *argv], env=self.lb_env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def cluster(self, *argv, check=True):
        return subprocess.run([STACK_SCRIPT, "cluster", *argv], cwd=ROOT, check=check, capture_output=True,
                              text=True).stdout

    def stop_all(self, keep=()):
        if self.failovers is None and self.processes:
            self.failovers = self.read_failovers()
        if self.lb_env:
            subprocess.run([STACK_SCRIPT, "lb", "down"], env=self.lb_env, cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.STDOUT)
        super().stop_all(keep)

    def read_failovers(self):
        """Each process's bulkmsg_broker_failovers_total and open connections by endpoint."""
        report = {}
        for name, port in sorted(self.metrics_ports.items()):
            try:
                exposition = http("GET", f"http://127.0.0.1:{port}/metrics", timeout=5)[1]
            except OSError as e:
                report[name] = {"error": str(e)}
                continue
            connections = metric_samples(exposition, "bulkmsg_broker_connections")
            report[name] = {
                "failovers": int(sum(metric_samples(exposition, "bulkmsg_broker_failovers_total").values())),
                "connections": {re.sub(r'^\{endpoint="|"\}$', "", k): int(v) for k, v in connections.items() if v},
            }
        return report

    # --- the quorum queue --------------------------------------------------------------------------------------
    def quorum_status(self, avoid=()):
        """(leader node number, term, members online) of the run's queue, asked of a running node."""
        for node in ("1", "2", "3"):
            if node in avoid:
                continue
            out = self.cluster("rabbitmq-queues", node, "quorum_status", self.env["NOTIFICATION_QUEUE"], "--vhost",
                               self.env["RABBITMQ_VHOST"], "--formatter", "json", check=False)
            try:
                members = json.loads(out)
            except ValueError:
                continue
            states = {re.search(r"(\d)@", m["Node Name"]).group(1): m for m in members}
            online = [n for n, m in states.items() if m.get("Raft State") in ("leader", "follower")]
            leader = next((n for n, m in states.items() if m.get("Raft State") == "leader"), None)
            if leader:
                return leader, states[leader].get("Term"), len(online)
        return None, None, 0

    def await_leader(self, after, avoid=(), members=2, timeout=90):
        """Waits until the queue has a leader outside `avoid` and `members` members online; records it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.expect_answer(self.api("GET", f"/campaigns/{self.campaign}/progress"), (200,))
            leader, term, online = self.quorum_status(avoid)
            if leader and leader not in avoid and online >= members:
                log(f"queue leader: node {leader} (term {term}, {online} members online) after {after}")
                if not self.leaders or (self.leaders[-1]["leader"], self.leaders[-1]["term"]) != (int(leader), term):
                    self.leaders.append({"seconds": round(time.time() - self.started, 1), "leader": int(leader),
                                         "term": term, "after": after})
                return leader
            time.sleep(1)
        raise RuntimeError(f"no queue leader with {members} members online {timeout} s after {after}")

    # --- chaos -------------------------------------------------------------------------------------------------
    def step(self, action, *command, lb=False):
        self.actions.append(action)
        unfinished = self.unfinished()
        self.unfinished_at[action] = unfinished
        log(f"{action}; outbox {self.counts(self.campaign)}")
        (self.lb if lb else self.cluster)(*command)

    def hold(self, seconds):
        """Keeps asking the API (through HAProxy) for progress for `seconds`."""
        until = time.time() + seconds
        while time.time() < until:
            self.expect_answer(self.api("GET", f"/campaigns/{self.campaign}/progress"), (200,))
            time.sleep(0.5)

    def chaos(self):
        first = self.await_leader("start", members=3)
        while self.counts(self.campaign).get("sent", 0) == 0 and time.time() - self.started < 120:
            time.sleep(0.5)
        self.step(f"SIGKILL node {first} (queue leader)", "kill", first)
        self.step("SIGKILL api1", "kill", "1", lb=True)
        self.kills += 1
        self.await_leader(f"SIGKILL node {first}", avoid=(first,))
        self.hold(self.args.node_down)
        self.step(f"start node {first}", "start", first)
        self.step("start api1", "start", "1", lb=True)
        second = self.await_leader(f"start node {first}", members=3)
        self.step(f"stop node {second} (queue leader)", "stop", second)
        self.await_leader(f"stop node {second}", avoid=(second,))
        self.hold(self.args.node_down)
        self.step(f"start node {second}", "start", second)
        self.await_leader(f"start node {second}", members=3)
        deadline = time.time() + self.args.timeout
        while self.unfinished() > 0 and time.time() < deadline:
            self.hold(1)
        self.check_alive()

    def verdict(self):
        result = super().verdict()
        failovers = self.failovers or {}
        result["leader_changes"] = self.leaders
        result["failovers"] = failovers
        checks = result["checks"]
        checks["duplicates = 0 (no consumer killed)"] = result["duplicates"] == 0
        checks["the queue's leader moved off each node taken down"] = len(self.leaders) >= 3
        result["unfinished_at"] = self.unfinished_at
        losses = [a for a in self.unfinished_at if a.startswith(("SIGKILL node", "stop node", "SIGKILL api"))]
        checks["every node loss and the API kill happened during delivery"] = len(losses) == 3 and all(
            self.unfinished_at[a] > 0 for a in losses)
        checks["processes failed over (bulkmsg_broker_failovers_total > 0)"] = sum(
            p.get("failovers", 0) for p in failovers.values()) > 0
        return result

    def main(self):
        code = super().main()
        for change in self.leaders:
            log(f"leader change at {change['seconds']} s: node {change['leader']} (term {change['term']}) "
                f"after {change['after']}")
        for name, report in (self.failovers or {}).items():
            log(f"{name}: {report}")
        return code


if __name__ == "__main__":
    exit_on_sigterm()
    sys.exit(ClusterRun(chaos_run.parser().parse_args()).main())
