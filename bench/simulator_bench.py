"""Provider simulator benchmark: the simulator's own request rate per provider, measured with h2load (nghttp2's load
generator, far cheaper per request than bulkmsg's clients) instead of bulkmsg's clients, so that the figure is the
simulator's capacity and not the client's. Requests are valid ones in each provider's wire format (SendGrid JSON,
Twilio form with Basic auth, FCM with an OAuth2 token from the simulator's token endpoint, APNs over HTTP/2 + TLS with
an ES256 provider token), so every one goes through the simulator's full validation and accounting.

HTTP/1.1 providers: --in-flight keep-alive connections, one request in flight on each. APNs: one TLS connection with
--in-flight concurrent streams, as bulkmsg's client uses it. Every request must be answered 2xx and counted as
accepted by the simulator, or the run fails. Run through bench/simulator-bench, which starts the simulator.
"""

import argparse
import base64
import json
import os
import re
import subprocess
import urllib.parse

from bulkmsgpy import ROOT
from bulkmsgpy.env import read_env_file
from bulkmsgpy.net import http
from bulkmsgpy.procs import proc_sample
from bulkmsgpy.tokens import apns_token, fcm_assertion

GOAL_REQUESTS_PER_S = 20_000
PROVIDERS = ("sendgrid", "twilio", "fcm", "apns")


def fcm_access_token(env):
    form = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                   "assertion": fcm_assertion(env["FCM_CREDENTIALS_FILE"])})
    # The simulator's own token endpoint: with-simulator picks free ports, so the file's token_uri may be stale.
    status, body = http("POST", f"{env['PROVIDER_SIMULATOR_URL']}/token", form,
                        {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        raise RuntimeError(f"the simulator's token endpoint answered {status}: {body}")
    return json.loads(body)["access_token"]


def request_for(provider, env):
    """(url, headers, body) of one valid request to `provider`."""
    sim = env["PROVIDER_SIMULATOR_URL"]
    if provider == "sendgrid":
        body = {"personalizations": [{"to": [{"email": "user1@example.com"}]}], "from": {"email": "news@example.com"},
                "subject": "Hello", "content": [{"type": "text/plain", "value": "Hi there"}],
                "custom_args": {"outbox_id": "1", "idempotency_key": "sendgrid-bench"}}
        return (f"{sim}/v3/mail/send", {"authorization": f"Bearer {env['EMAIL_API_KEY']}",
                                        "content-type": "application/json"}, json.dumps(body))
    if provider == "twilio":
        sid = env["SMS_ACCOUNT_SID"]
        basic = base64.b64encode(f"{sid}:{env['SMS_AUTH_TOKEN']}".encode()).decode()
        form = urllib.parse.urlencode({"To": "+14155550100", "From": "+15005550006", "Body": "Hi there"})
        return (f"{sim}/2010-04-01/Accounts/{sid}/Messages.json",
                {"authorization": f"Basic {basic}", "content-type": "application/x-www-form-urlencoded"}, form)
    if provider == "fcm":
        body = {"message": {"token": "fcm-token-bench", "notification": {"title": "Hello", "body": "Hi there"},
                            "data": {"k": "v"}}}
        return (f"{sim}/v1/projects/bulkmsg-sim/messages:send",
                {"authorization": f"Bearer {fcm_access_token(env)}", "content-type": "application/json"},
                json.dumps(body))
    body = {"aps": {"alert": {"title": "Hello", "body": "Hi there"}}}
    token = apns_token(env["APNS_KEY_FILE"], env["APNS_KEY_ID"], env["APNS_TEAM_ID"])
    return (f"{env['PROVIDER_SIMULATOR_APNS_URL']}/3/device/{'ab' * 32}",
            {"authorization": f"bearer {token}", "apns-topic": env["APNS_TOPIC"], "apns-push-type": "alert",
             "apns-priority": "10", "apns-id": "123e4567-e89b-12d3-a456-426614174000"}, json.dumps(body))


def parse_h2load(output):
    """Duration, succeeded and 2xx counts from h2load's summary."""
    finished = re.search(r"finished in ([\d.]+)(ms|s),", output)
    succeeded = re.search(r"(\d+) succeeded", output)
    ok = re.search(r"status codes: (\d+) 2xx", output)
    if not (finished and succeeded and ok):
        raise RuntimeError(f"unexpected h2load output:\n{output}")
    seconds = float(finished.group(1)) / (1000 if finished.group(2) == "ms" else 1)
    return seconds, int(succeeded.group(1)), int(ok.group(1))


def accepted(env, provider):
    stats = json.loads(http("GET", f"{env['PROVIDER_SIMULATOR_URL']}/_sim/stats")[1])
    return stats["providers"].get(provider, {}).get("accepted", 0)


def run(provider, env, requests, in_flight, workdir):
    url, headers, body = request_for(provider, env)
    body_file = os.path.join(workdir, f"{provider}.body")
    open(body_file, "w").write(body)
    command = ["h2load", "-n", str(requests), "-d", body_file]
    command += ["-c", "1", "-m", str(in_flight)] if provider == "apns" else ["--h1", "-c", str(in_flight), "-m", "1"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    sim_pid = env["PROVIDER_SIMULATOR_PID"]
    before_accepted, before_cpu = accepted(env, provider), proc_sample(sim_pid)[0]
    output = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    sim_cpu = proc_sample(sim_pid)[0] - before_cpu
    seconds, succeeded, ok = parse_h2load(output)
    counted = accepted(env, provider) - before_accepted
    if succeeded != requests or ok != requests or counted != requests:
        raise RuntimeError(f"{provider}: {requests} requests, {succeeded} succeeded, {ok} answered 2xx, "
                           f"{counted} counted as accepted by the simulator\n{output}")
    rate = requests / seconds
    print(f"{provider:9} {rate:>9,.0f} requests/s  ({requests:,} in {seconds:.2f} s; simulator CPU {sim_cpu:.2f} s "
          f"= {sim_cpu / seconds * 100:.0f} % of a core, {sim_cpu / requests * 1e6:.1f} us a request)", flush=True)
    return {"requests": requests, "seconds": seconds, "requests_per_second": rate, "simulator_cpu_seconds": sim_cpu,
            "protocol": "HTTP/2 over TLS, 1 connection" if provider == "apns" else "HTTP/1.1 keep-alive",
            "in_flight": in_flight}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200_000, help="requests per provider")
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "simulator.json"))
    parser.add_argument("--env-file", required=True, help="the simulator's variables (bench/with-simulator)")
    args = parser.parse_args()
    env = read_env_file(args.env_file)
    results = {provider: run(provider, env, args.requests, args.in_flight, os.path.dirname(args.env_file))
               for provider in PROVIDERS}
    slowest = min(results, key=lambda p: results[p]["requests_per_second"])
    rate = results[slowest]["requests_per_second"]
    verdict = "met" if rate >= GOAL_REQUESTS_PER_S else "missed"
    print(f"goal >= {GOAL_REQUESTS_PER_S:,} requests/s per provider: {verdict} (slowest: {slowest}, {rate:,.0f}/s)")
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    json.dump({"providers": results, "cpus": os.cpu_count(), "goal_requests_per_s": GOAL_REQUESTS_PER_S,
               "goal": verdict}, open(args.json, "w"), indent=2)


if __name__ == "__main__":
    main()
