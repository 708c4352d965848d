"""End-to-end benchmark: one campaign through bulkmsg as deployed (separate `api`, `poller` and `consumer`
processes, the local MariaDB, RabbitMQ and Redis, and the provider simulator), measured from upload to the last
provider acceptance; then the same workload with the original design's settings (baseline) for a bounded time.

Run through bench/run (see its --help). Figures come from the database afterwards (createdAt of each outbox row =
when preparation wrote it; sent_at = when its outcome was stored, within a few ms of the provider's answer) and from
/proc (CPU seconds and peak RSS of every process, the servers included).
"""

import json
import os
import sys
import time

from bulkmsgpy.env import cluster_env
from bulkmsgpy.pipeline import Pipeline
from bulkmsgpy.procs import Resources, exit_on_sigterm
from bulkmsgpy.runs import log_processes, logger, result_path, run_parser, write_result

# Issue 23's acceptance (the batched pipeline), with the earlier latency goal kept.
GOALS = {"delivery_msgs_per_s": 12_000, "one_million_total_s": 100, "p99_latency_s": 2.0, "rss_mb": 200,
         "cpu_us_per_message": 160, "rabbitmq_rss_mb": 500}
# The original design (docs/original-design.md): one consumer with prefetch 1, a poller taking 100 rows every 5 s and
# publishing one message per row.
BASELINE = {"CONSUMER_WORKERS": "1", "CONSUMER_PREFETCH": "1", "CONSUMER_MAX_IN_FLIGHT": "1",
            "POLL_BATCH_SIZE": "100", "POLL_INTERVAL_MS": "5000", "POLL_PIPELINE_DEPTH": "1", "POLL_DRAIN": "false",
            "QUEUE_BATCH_SIZE": "1"}
log = logger("bench")


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


class Bench:
    def __init__(self, args, name, settings, recipients, time_limit=None):
        self.args = args
        self.name = name
        self.recipients = recipients
        self.time_limit = time_limit
        self.p = Pipeline(f"bench_{name}", args.build_dir, {
            "LOG_LEVEL": "warn", "RETRY_DELAY_SECONDS": "1", "API_RATE_LIMIT_PER_SEC": "0", **settings})

    def sql_value(self, statement):
        rows = self.p.sql(statement)
        return rows[0][0] if rows and rows[0] and rows[0][0] != "NULL" else None

    def wait_until_done(self, campaign, started):
        """Shows progress every 2 s until every row is sent or failed, or the time limit; returns the end time."""
        while True:
            time.sleep(2)
            _, body = self.p.api("GET", f"/campaigns/{campaign}/progress")
            try:
                progress = json.loads(body)
            except ValueError:
                continue
            counts = progress.get("counts", {})
            done = progress.get("done", 0)
            log(f"{self.name}: {time.time() - started:6.1f} s  prepared {progress.get('prepared', 0):>9,}  "
                f"sent {counts.get('sent', 0):>9,}  failed {counts.get('failed', 0):>6,}  "
                f"rate {progress.get('rate_per_second') or 0:>8,.0f}/s")
            if done >= self.recipients:
                return
            if self.time_limit and time.time() - started > self.time_limit:
                self.p.api("POST", f"/campaigns/{campaign}/cancel")
                return
            if time.time() - started > self.args.timeout:
                raise RuntimeError(f"{self.name}: not done after {self.args.timeout} s")

    def figures(self, campaign, prepare_at, stopped_at, upload_s):
        c = f"campaign_id={campaign}"
        t0 = f"'{prepare_at}'"
        seconds = lambda expr: f"TIMESTAMPDIFF(MICROSECOND, {t0}, {expr}) / 1e6"  # noqa: E731
        # From the prepare call to the scheduler's `prepared` event (its pickup, at most POLL_INTERVAL_MS, included).
        prepared = f"(SELECT MIN(createdAt) FROM campaign_events WHERE {c} AND event='prepared')"
        row = self.p.sql(f"SELECT COUNT(*), {seconds(prepared)}, "
                         f"{seconds('MIN(sent_at)')}, {seconds('MAX(sent_at)')}, {seconds(repr(stopped_at))}, "
                         f"SUM(status='sent'), SUM(status='failed') FROM outbox WHERE {c}")[0]
        rows, prepared_s, first_s, last_s, stopped_s, sent, failed = (
            float(v) if v != "NULL" else None for v in row)
        # A time-limited run (the baseline) sends until it is stopped, not until its last message.
        delivery_s = ((stopped_s if self.time_limit else last_s) or 0) - (first_s or 0)
        latencies = sorted(float(r[0]) for r in self.p.sql(
            f"SELECT TIMESTAMPDIFF(MICROSECOND, createdAt, sent_at) / 1e6 FROM outbox WHERE {c} AND status='sent'"))
        curve = {kind: [[int(t), int(n)] for t, n in self.p.sql(
            f"SELECT FLOOR({seconds(column)}), COUNT(*) FROM outbox WHERE {c} AND {column} IS NOT NULL GROUP BY 1 "
            f"ORDER BY 1")] for kind, column in (("prepared", "createdAt"), ("sent", "sent_at"))}
        keys = self.p.sim_keys()
        return {
            "recipients": self.recipients, "outbox_rows": int(rows), "sent": int(sent or 0), "failed": int(failed or 0),
            "upload_seconds": round(upload_s, 2),
            "upload_targets_per_s": round(self.recipients / upload_s),
            "preparation_seconds": prepared_s,
            "preparation_rows_per_s": round(rows / prepared_s) if prepared_s else None,
            "time_to_first_message_s": first_s,
            "delivery_seconds": round(delivery_s, 2) if delivery_s > 0 else None,
            "delivery_msgs_per_s": round(sent / delivery_s, 1) if sent and delivery_s > 0 else None,
            "prepare_to_last_sent_s": last_s,
            "upload_to_last_sent_s": round(upload_s + last_s, 2) if last_s else None,
            "latency_prepare_to_sent_s": {f"p{p}": percentile(latencies, p) for p in (50, 95, 99)},
            "simulator_accepted": sum(keys.values()),
            "duplicates": sum(n - 1 for n in keys.values() if n > 1),
            "progress": curve,
        }

    def run(self):
        p = self.p
        try:
            p.create_database()
            p.start_simulator()
            with Resources(p.pids) as resources:
                p.start_api()
                log(f"{self.name}: uploading {self.recipients:,} targets")
                campaign, upload_s = p.timed_upload(f"bench {self.name} {self.recipients}", self.recipients, "bench")
                for i in range(self.args.pollers):
                    p.start(f"poller{i}", "poller")
                for i in range(self.args.consumers):
                    p.start(f"consumer{i}", "consumer")
                time.sleep(1)  # let them connect
                prepare_at = self.sql_value("SELECT NOW(6)")
                status, body = p.api("POST", f"/campaigns/{campaign}/prepare")
                assert status == 202, body
                self.wait_until_done(campaign, time.time())
                stopped_at = self.sql_value("SELECT NOW(6)")
            result = self.figures(campaign, prepare_at, stopped_at, upload_s)
            result["processes"] = resources.report()
            result["settings"] = {k: p.env[k] for k in sorted(BASELINE) if k in p.env}
            return result
        finally:
            p.stop_all()
            if not self.args.keep:
                p.drop_database()


def verdict(result):
    """Each goal met or missed, and for a miss the busiest process (the likely limit) and by how much."""
    processes = result["processes"]
    window = result["prepare_to_last_sent_s"] or 1
    busiest = sorted(((v["cpu_seconds"] / window, n) for n, v in processes.items()), reverse=True)[:3]
    limit = ", ".join(f"{n} {share:.0%} of a core" for share, n in busiest)
    scale = 1_000_000 / result["recipients"]
    projected = result["upload_to_last_sent_s"] * scale if result["upload_to_last_sent_s"] else None
    # The servers (cluster nodes included) and the simulator are not bulkmsg processes.
    bulkmsg_rss = {n: v["peak_rss_mb"] for n, v in processes.items()
                   if n not in ("mariadb", "redis", "simulator") and not n.startswith("rabbit")}
    # CPU of every process, the servers and the simulator included, per recipient sent.
    cpu_us = sum(v["cpu_seconds"] for v in processes.values()) / max(result["recipients"], 1) * 1e6
    checks = [
        ("delivery ≥ 12,000 msg/s", result["delivery_msgs_per_s"] or 0, GOALS["delivery_msgs_per_s"], ">="),
        ("1,000,000 recipients upload → all sent < 100 s" + ("" if scale == 1 else f" (projected ×{scale:g})"),
         projected or float("inf"), GOALS["one_million_total_s"], "<"),
        ("p99 prepare → sent < 2 s", result["latency_prepare_to_sent_s"]["p99"] or float("inf"),
         GOALS["p99_latency_s"], "<"),
        ("every bulkmsg process < 200 MB RSS", max(bulkmsg_rss.values()), GOALS["rss_mb"], "<"),
        ("CPU per message, all processes together < 160 µs", cpu_us, GOALS["cpu_us_per_message"], "<"),
        ("RabbitMQ peak RSS < 500 MB",
         max((v["peak_rss_mb"] for n, v in processes.items() if n.startswith("rabbit")), default=float("inf")),
         GOALS["rabbitmq_rss_mb"], "<"),
    ]
    out = []
    for name, value, goal, op in checks:
        met = value >= goal if op == ">=" else value < goal
        ratio = value / goal if op == ">=" else goal / value if value else 0
        out.append({"goal": name, "value": round(value, 2), "met": met,
                    "note": "" if met else f"at {ratio:.0%} of the goal; busiest: {limit}"})
    return out


def svg_chart(results, path):
    """Progress over time (rows prepared and sent) of each mode, as an SVG line chart."""
    width, height, margin = 900, 420, 60
    series = []
    for mode, result in results.items():
        for kind, colour in (("prepared", "#888"), ("sent", "#1f77b4" if mode == "bulkmsg" else "#d62728")):
            total, points = 0, [(0, 0)]
            for t, n in result["progress"][kind]:
                total += n
                points.append((t + 1, total))
            series.append((f"{mode} {kind}", colour, points))
    max_t = max(max(p[0] for p in s[2]) for s in series) or 1
    max_n = max(max(p[1] for p in s[2]) for s in series) or 1
    x = lambda t: margin + t / max_t * (width - 2 * margin)  # noqa: E731
    y = lambda n: height - margin - n / max_n * (height - 2 * margin)  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="12"><rect width="100%" height="100%" fill="white"/>',
             f'<line x1="{margin}" y1="{y(0)}" x2="{x(max_t)}" y2="{y(0)}" stroke="black"/>',
             f'<line x1="{margin}" y1="{y(0)}" x2="{margin}" y2="{y(max_n)}" stroke="black"/>',
             f'<text x="{width / 2}" y="{height - 15}" text-anchor="middle">seconds since prepare</text>',
             f'<text x="{margin}" y="{margin - 20}">rows (max {max_n:,})</text>',
             f'<text x="{x(max_t)}" y="{y(0) + 15}" text-anchor="end">{max_t} s</text>']
    for i, (label, colour, points) in enumerate(series):
        path_points = " ".join(f"{x(t):.1f},{y(n):.1f}" for t, n in points)
        dash = ' stroke-dasharray="4 3"' if "prepared" in label else ""
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{path_points}"/>')
        parts.append(f'<text x="{width - margin - 150}" y="{margin + 16 * i}" fill="{colour}">{label}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts))


def print_report(results, goals):
    main = results["bulkmsg"]
    log(f"bulkmsg, {main['recipients']:,} recipients: upload {main['upload_targets_per_s']:,} targets/s, "
        f"preparation {main['preparation_rows_per_s']:,} rows/s, delivery {main['delivery_msgs_per_s']:,} msg/s, "
        f"first message after {main['time_to_first_message_s']:.2f} s, upload → all sent "
        f"{main['upload_to_last_sent_s']:.1f} s, duplicates {main['duplicates']}")
    lat = main["latency_prepare_to_sent_s"]
    log(f"prepare → sent latency: p50 {lat['p50']:.3f} s, p95 {lat['p95']:.3f} s, p99 {lat['p99']:.3f} s")
    log_processes(log, main["processes"])
    if "baseline" in results:
        base, ratio = results["baseline"], results["ratio_delivery"]
        # A short --baseline-seconds may end before the baseline's first message: then there is no ratio.
        faster = f"bulkmsg is {ratio:.0f}× faster" if ratio else "no ratio"
        log(f"baseline (original design's settings, {base['sent']:,} sent in its time limit): delivery "
            f"{base['delivery_msgs_per_s']} msg/s; {faster}")
    for g in goals:
        log(f"{'MET ' if g['met'] else 'MISSED'} {g['goal']}: {g['value']:,} {g['note']}")


def parse_args():
    p = run_parser("bench/run", __doc__, "e2e", 200_000, "the campaign to finish")
    p.add_argument("--pollers", type=int, default=1)
    p.add_argument("--consumers", type=int, default=1, help="consumer processes (CONSUMER_WORKERS threads each)")
    p.add_argument("--baseline-seconds", type=int, default=60,
                   help="how long the baseline runs (it sends at most 20 msg/s); 0 skips it")
    p.add_argument("--svg", help="progress chart (default next to the JSON, .svg)")
    p.add_argument("--cluster", action="store_true",
                   help="the campaign on the single node, then on the three-node cluster of scripts/stack cluster "
                        "(RABBITMQ_HOSTS, quorum queues), side by side with each process's CPU; no baseline")
    return p.parse_args()


CLUSTER_CPU = ("rabbitmq", "rabbit1", "rabbit2", "rabbit3")


def cluster_comparison(args):
    """The same campaign on the single RabbitMQ node and on the cluster; CPU seconds of every process per 1,000
    messages, so the report shows where the cluster's extra CPU went."""
    fast = {"POLL_INTERVAL_MS": "200"}
    results = {"single": Bench(args, "single", fast, args.recipients).run(),
               "cluster": Bench(args, "cluster", {**fast, **cluster_env()}, args.recipients).run()}
    for mode in ("single", "cluster"):
        r = results[mode]
        r["cpu_seconds_per_1000"] = {n: round(v["cpu_seconds"] * 1000 / max(r["sent"], 1), 3)
                                     for n, v in r["processes"].items()}
        r["rabbitmq_cpu_seconds"] = round(sum(r["processes"].get(n, {}).get("cpu_seconds", 0) for n in CLUSTER_CPU), 1)
    single, cluster = results["single"]["delivery_msgs_per_s"], results["cluster"]["delivery_msgs_per_s"]
    results["ratio_cluster_to_single"] = round(cluster / single, 3) if single and cluster else None
    return results


def print_cluster_report(results):
    for mode in ("single", "cluster"):
        r = results[mode]
        log(f"{mode:<7} delivery {r['delivery_msgs_per_s']} msg/s, prepare → last sent {r['prepare_to_last_sent_s']} s, "
            f"sent {r['sent']:,}, duplicates {r['duplicates']}, RabbitMQ CPU {r['rabbitmq_cpu_seconds']} s")
    log("CPU seconds per 1,000 messages   single   cluster")
    names = sorted(set(results["single"]["cpu_seconds_per_1000"]) | set(results["cluster"]["cpu_seconds_per_1000"]))
    for name in names:
        per = [results[m]["cpu_seconds_per_1000"].get(name) for m in ("single", "cluster")]
        log(f"  {name:<30} " + "  ".join(f"{v:7.3f}" if v is not None else "      -" for v in per))
    log(f"cluster / single delivery: {results['ratio_cluster_to_single']}")


def main():
    exit_on_sigterm()
    args = parse_args()
    if args.cluster:
        json_path = result_path(args, "e2e-cluster")
        results = cluster_comparison(args)
        write_result(json_path, results)
        print_cluster_report(results)
        log(f"results: {json_path}")
        ok = all(results[m]["sent"] == args.recipients and results[m]["duplicates"] == 0 for m in ("single", "cluster"))
        return 0 if ok else 1
    json_path = result_path(args, "e2e")
    svg_path = args.svg or os.path.splitext(json_path)[0] + ".svg"
    # POLL_INTERVAL_MS only delays the start (the scheduler tick that starts preparation, the first poll): a
    # deployment that wants its first message out quickly sets it short, as here; the baseline keeps the original's.
    results = {"bulkmsg": Bench(args, "bulkmsg", {"POLL_INTERVAL_MS": "200"}, args.recipients).run()}
    if args.baseline_seconds > 0:
        results["baseline"] = Bench(args, "baseline", BASELINE, args.recipients, args.baseline_seconds).run()
        base_rate = results["baseline"]["delivery_msgs_per_s"]
        results["ratio_delivery"] = results["bulkmsg"]["delivery_msgs_per_s"] / base_rate if base_rate else None
    goals = verdict(results["bulkmsg"])
    results["goals"] = goals
    write_result(json_path, results)
    svg_chart({k: v for k, v in results.items() if k in ("bulkmsg", "baseline")}, svg_path)
    print_report(results, goals)
    log(f"results: {json_path}, chart: {svg_path}")
    main_result = results["bulkmsg"]
    ok = main_result["sent"] == args.recipients and main_result["duplicates"] == 0 and \
        main_result["simulator_accepted"] >= main_result["sent"]
    if not ok:
        log("FAIL: not every recipient was sent exactly once")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
