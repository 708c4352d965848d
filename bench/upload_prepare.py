"""Upload and preparation benchmark (the campaign API issue): one streamed upload of --recipients NDJSON targets to
`bulkmsg api`, then their preparation into the outbox by `bulkmsg poller` (the scheduler duty renders each target,
computes its idempotency key and writes the outbox in batches).

The poller's relay is slowed to one row per kind per POLL_INTERVAL_MS (POLL_BATCH_SIZE=1, POLL_DRAIN=false) so that
the figure is preparation's own, not preparation competing with publishing. Figures: upload targets/s (the one
request, from joining its lines to the answer), preparation rows/s (from the prepare call to the scheduler's
`prepared` event, its pickup of at most POLL_INTERVAL_MS included), peak RSS (VmHWM) of the API and the poller, and
CPU seconds of every process. Run through `bench/run upload-prepare` (see --help).
"""

import sys
import time

from bulkmsgpy.pipeline import Pipeline
from bulkmsgpy.procs import Resources, exit_on_sigterm
from bulkmsgpy.runs import log_processes, logger, result_path, run_parser, write_result

GOALS = {"upload_targets_per_s": 100_000, "preparation_rows_per_s": 50_000, "api_rss_mb": 200}
SETTINGS = {"LOG_LEVEL": "warn", "API_RATE_LIMIT_PER_SEC": "0", "POLL_INTERVAL_MS": "200", "POLL_BATCH_SIZE": "1",
            "POLL_DRAIN": "false"}
log = logger("bench")


def wait_for_preparation(p, campaign, recipients, timeout):
    started = time.time()
    while True:
        time.sleep(1)
        rows = int(p.sql(f"SELECT COUNT(*) FROM outbox WHERE campaign_id={campaign}")[0][0])
        prepared = p.sql(f"SELECT COUNT(*) FROM campaign_events WHERE campaign_id={campaign} AND event='prepared'")
        log(f"{time.time() - started:6.1f} s  outbox rows {rows:>9,}")
        if rows >= recipients and prepared[0][0] != "0":
            return
        if time.time() - started > timeout:
            raise RuntimeError(f"preparation not done after {timeout} s ({rows:,} of {recipients:,} rows)")


def figures(p, campaign, prepare_at, recipients, upload_s):
    c = f"campaign_id={campaign}"
    seconds = lambda expr: f"TIMESTAMPDIFF(MICROSECOND, '{prepare_at}', {expr}) / 1e6"  # noqa: E731
    prepared = f"(SELECT MIN(createdAt) FROM campaign_events WHERE {c} AND event='prepared')"
    rows, prepared_s, first_s, last_s = p.sql(
        f"SELECT COUNT(*), {seconds(prepared)}, {seconds('MIN(createdAt)')}, {seconds('MAX(createdAt)')} "
        f"FROM outbox WHERE {c}")[0]
    rows, prepared_s, first_s, last_s = int(rows), float(prepared_s), float(first_s), float(last_s)
    targets = int(p.sql(f"SELECT COUNT(*) FROM campaign_targets WHERE {c}")[0][0])
    return {
        "recipients": recipients, "targets_stored": targets, "outbox_rows": rows,
        "upload_seconds": round(upload_s, 2), "upload_targets_per_s": round(recipients / upload_s),
        "preparation_seconds": prepared_s, "preparation_rows_per_s": round(rows / prepared_s),
        "first_row_after_s": first_s,
        "rows_per_s_first_to_last_row": round(rows / (last_s - first_s)) if last_s > first_s else None,
    }


def run(args):
    p = Pipeline("bench_upload", args.build_dir, SETTINGS)
    try:
        p.create_database()
        with Resources(p.pids) as resources:
            p.start_api()
            log(f"uploading {args.recipients:,} targets in one request")
            # Asserts that every target was accepted.
            campaign, upload_s = p.timed_upload(f"upload and prepare {args.recipients}", args.recipients, "up")
            p.start("poller0", "poller")
            time.sleep(1)  # let it connect
            prepare_at = p.sql("SELECT NOW(6)")[0][0]
            status, answer = p.api("POST", f"/campaigns/{campaign}/prepare")
            assert status == 202, answer
            wait_for_preparation(p, campaign, args.recipients, args.timeout)
        result = figures(p, campaign, prepare_at, args.recipients, upload_s)
        result["processes"] = resources.report()
        return result
    finally:
        p.stop_all()
        if not args.keep:
            p.drop_database()


def verdict(result):
    checks = [("upload ≥ 100,000 targets/s", result["upload_targets_per_s"], GOALS["upload_targets_per_s"], True),
              ("preparation ≥ 50,000 rows/s", result["preparation_rows_per_s"], GOALS["preparation_rows_per_s"], True),
              ("API peak RSS < 200 MB", result["processes"]["api"]["peak_rss_mb"], GOALS["api_rss_mb"], False)]
    return [{"goal": name, "value": value, "met": value >= goal if at_least else value < goal}
            for name, value, goal, at_least in checks]


def main():
    exit_on_sigterm()
    args = run_parser("bench/run upload-prepare", __doc__, "upload-prepare", 1_000_000, "preparation").parse_args()
    json_path = result_path(args, "upload-prepare")
    result = run(args)
    result["goals"] = verdict(result)
    write_result(json_path, result)
    log(f"{args.recipients:,} targets: upload {result['upload_targets_per_s']:,} targets/s "
        f"({result['upload_seconds']} s), preparation {result['preparation_rows_per_s']:,} rows/s "
        f"({result['preparation_seconds']} s from the prepare call)")
    log_processes(log, result["processes"])
    for g in result["goals"]:
        log(f"{'MET ' if g['met'] else 'MISSED'} {g['goal']}: {g['value']:,}")
    log(f"results: {json_path}")
    ok = result["targets_stored"] == result["outbox_rows"] == args.recipients
    if not ok:
        log("FAIL: not every target was stored and prepared exactly once")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
