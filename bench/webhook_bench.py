"""Webhook ingest benchmark (issue 20): --recipients SendGrid events (one `delivered` per outbox row, then an
`open` for every tenth) posted in signed batches of --batch (default 1,000) through the real route
POST /webhooks/sendgrid of a `bulkmsg api` process into MariaDB, by --senders concurrent keep-alive connections.

Every batch is built and signed before the clock starts, so the figure is the API's and MariaDB's, not Python's.
Figures: events/s (first request to last answer), API peak RSS (VmHWM), CPU seconds of the API and of MariaDB
and MariaDB CPU microseconds per event. Checks afterwards that message_events holds every event once and that every
row is `delivered`. Goal: ≥ 50,000 events/s at 1,000,000 with the API under 100 MB RSS.
Run through `bench/run webhooks` (see --help); smoke size: `bench/run webhooks --recipients 10000`.
"""

import base64
import http.client
import json
import sys
import threading
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from bulkmsgpy.pipeline import Pipeline
from bulkmsgpy.procs import Resources, exit_on_sigterm
from bulkmsgpy.runs import log_processes, logger, result_path, run_parser, write_result

GOALS = {"events_per_s": 50_000, "api_rss_mb": 100}
log = logger("bench")


def signed_batches(rows, batch, key):
    """[(timestamp, signature, body bytes)] covering a `delivered` event per row and an `open` per tenth row."""
    events = [{"event": "delivered", "sg_event_id": f"d-{i}", "outbox_id": i, "idempotency_key": k}
              for i, k in rows]
    events += [{"event": "open", "sg_event_id": f"o-{i}", "outbox_id": i, "idempotency_key": k}
               for i, k in rows[::10]]
    now = int(time.time())
    out = []
    for start in range(0, len(events), batch):
        body = json.dumps([{"email": "x@example.com", "timestamp": now, **e, "outbox_id": str(e["outbox_id"])}
                           for e in events[start:start + batch]], separators=(",", ":")).encode()
        ts = str(int(time.time()))
        signature = key.sign(ts.encode() + body, ec.ECDSA(hashes.SHA256()))
        out.append((ts, base64.b64encode(signature).decode(), body))
    return out


def send_all(port, batches, senders):
    """Posts the batches over `senders` keep-alive connections; returns the seconds it took."""
    failures = []
    cursor = iter(range(len(batches)))
    lock = threading.Lock()

    def sender():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            ts, signature, body = batches[index]
            conn.request("POST", "/webhooks/sendgrid", body, {
                "Content-Type": "application/json", "X-Twilio-Email-Event-Webhook-Signature": signature,
                "X-Twilio-Email-Event-Webhook-Timestamp": ts})
            response = conn.getresponse()
            answer = response.read()
            if response.status != 200:
                failures.append((response.status, answer[:200]))

    started = time.time()
    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{len(failures)} batches refused, first: {failures[0]}")
    return time.time() - started


def run(args):
    key = ec.generate_private_key(ec.SECP256R1())
    public = base64.b64encode(key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
    p = Pipeline("bench_webhooks", args.build_dir, {"LOG_LEVEL": "warn", "SENDGRID_WEBHOOK_PUBLIC_KEY": public,
                                                    "WEBHOOK_MAX_AGE_SECONDS": "86400"})
    try:
        p.create_database()
        p.sql("INSERT INTO campaigns (name, kind, status, template_text) VALUES ('bench', 'email', 'running', 'hi')")
        p.sql("INSERT INTO outbox (campaign_id, user_ref, kind, payload, idempotency_key, status, delivery_status) "
              "SELECT 1, CONCAT('u', seq, '@example.com'), 'email', '{}', SHA2(seq, 256), 'sent', 'accepted' "
              f"FROM seq_1_to_{args.recipients}")
        rows = [(int(i), k) for i, k in p.sql("SELECT id, idempotency_key FROM outbox")]
        batches = signed_batches(rows, args.batch, key)
        events = sum(body.count(b'"sg_event_id"') for _, _, body in batches)
        log(f"{events:,} events in {len(batches):,} signed batches of up to {args.batch:,}")
        p.start_api()
        with Resources(p.pids) as resources:
            seconds = send_all(p.api_port, batches, args.senders)
        stored = int(p.sql("SELECT COUNT(*) FROM message_events")[0][0])
        delivered = int(p.sql("SELECT COUNT(*) FROM outbox WHERE delivery_status='delivered'")[0][0])
        processes = resources.report()
        db_cpu = processes.get("mariadb", {}).get("cpu_seconds")
        return {"events": events, "batch": args.batch, "senders": args.senders, "seconds": round(seconds, 2),
                "events_per_s": round(events / seconds), "stored_events": stored, "delivered_rows": delivered,
                "rows": len(rows),
                "mariadb_cpu_us_per_event": round(db_cpu * 1e6 / events, 1) if db_cpu is not None else None,
                "processes": processes}
    finally:
        p.stop_all()
        if not args.keep:
            p.drop_database()


def main():
    exit_on_sigterm()
    parser = run_parser("bench/run webhooks", __doc__, "webhooks", 1_000_000, "the ingest")
    parser.add_argument("--batch", type=int, default=1000, help="events per request")
    parser.add_argument("--senders", type=int, default=2, help="concurrent connections")
    args = parser.parse_args()
    json_path = result_path(args, "webhooks")
    result = run(args)
    api_rss = result["processes"]["api"]["peak_rss_mb"]
    result["goals"] = [
        {"goal": "≥ 50,000 events/s", "value": result["events_per_s"],
         "met": result["events_per_s"] >= GOALS["events_per_s"]},
        {"goal": "API peak RSS < 100 MB", "value": api_rss, "met": api_rss < GOALS["api_rss_mb"]}]
    write_result(json_path, result)
    log(f"{result['events']:,} events: {result['events_per_s']:,} events/s ({result['seconds']} s), "
        f"MariaDB {result['mariadb_cpu_us_per_event']} µs CPU per event")
    log_processes(log, result["processes"])
    for g in result["goals"]:
        log(f"{'MET ' if g['met'] else 'MISSED'} {g['goal']}: {g['value']:,}")
    log(f"results: {json_path}")
    ok = result["stored_events"] == result["events"] and result["delivered_rows"] == result["rows"]
    if not ok:
        log("FAIL: not every event was stored once, or not every row is delivered")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
