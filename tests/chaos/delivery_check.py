"""The chaos run's feedback part: during the run the simulator posts the providers' webhooks back to the API
(signed, at the rates below, with duplicates and out-of-order events); afterwards bulkmsg must have stored every
event once and hold the delivery states the simulator says it reported.

The simulator plans feedback per accepted send, so a message sent twice (a consumer killed between the send and
its outcome write) is two messages to it and one row to bulkmsg: with such duplicates each count may differ by at
most their number; without them the counts must be equal.
"""

import time

RATES = {"bounce": 0.02, "dropped": 0.01, "deferred": 0.03, "spamreport": 0.005, "open": 0.2, "click": 0.05,
         "duplicates": 0.01, "out-of-order": 0.01, "sms-undelivered": 0.02}
STOP_SHARE = 0.01


def simulator_options():
    options = []
    for name, rate in RATES.items():
        options += [f"--feedback-{name}", str(rate)]
    return options + ["--sms-stop", str(STOP_SHARE)]


def delivery_states(pipeline, campaign):
    return {state: int(n) for state, n in pipeline.sql(
        f"SELECT COALESCE(delivery_status, 'none'), COUNT(*) FROM outbox WHERE campaign_id={campaign} GROUP BY 1")}


def settle(pipeline, campaign, timeout):
    """Waits until the simulator has every webhook acknowledged, then until the campaign's delivery states stop
    changing (the pollers match early Twilio callbacks every POLL_INTERVAL_MS), `timeout` seconds at most."""
    deadline = time.time() + timeout
    while time.time() < deadline and pipeline.sim_stats()["feedback"]["pending"] > 0:
        time.sleep(0.5)
    previous = None
    while time.time() < deadline:
        states = delivery_states(pipeline, campaign)
        if states == previous:
            return
        previous = states
        time.sleep(2)


def verdict(pipeline, campaign, duplicates):
    """(report, checks): bulkmsg's delivery states and stored events beside the simulator's account."""
    feedback = pipeline.sim_stats()["feedback"]
    mail, texts = feedback["sendgrid"]["messages"], feedback["twilio"]["messages"]
    push_sent = int(pipeline.sql(f"SELECT COUNT(*) FROM outbox WHERE campaign_id={campaign} AND kind='push' "
                                 f"AND status='sent'")[0][0])
    expected = {"accepted": push_sent, "delivered": mail["delivered"] + texts["delivered"],
                "bounced": mail["bounced"], "dropped": mail["dropped"], "complained": mail["complained"],
                "undelivered": texts["undelivered"] + texts["failed"]}
    ours = delivery_states(pipeline, campaign)
    stored = {f"{provider}:{kind}": int(n) for provider, kind, n in pipeline.sql(
        "SELECT provider, IF(event_type='stop', 'stop', 'status'), COUNT(*) FROM message_events GROUP BY 1, 2")}
    sent_back = {"sendgrid:status": feedback["sendgrid"]["events"], "twilio:status": feedback["twilio"]["callbacks"],
                 "twilio:stop": feedback["twilio"]["stops"]}
    suppressions = {source: int(n) for source, n in pipeline.sql(
        "SELECT source, COUNT(*) FROM suppressions GROUP BY source")}
    report = {"bulkmsg": ours, "simulator": expected, "events_stored": stored, "events_sent_back": sent_back,
              "suppressions": suppressions, "webhooks_pending": feedback["pending"],
              "webhook_attempts_failed": feedback["failed_attempts"]}
    off = {state: ours.get(state, 0) - n for state, n in expected.items() if ours.get(state, 0) != n}
    checks = {
        "every webhook the simulator sent was acknowledged": feedback["pending"] == 0,
        "every event sent back is stored once": all(stored.get(k, 0) == n for k, n in sent_back.items()),
        f"delivery states equal the simulator's (off by at most the {duplicates} duplicated sends)":
            all(abs(d) <= duplicates for d in off.values()),
    }
    if off:
        report["differences"] = off
    return report, checks
