"""The dashboard's browser test (docs/dashboard.md): a real pipeline (the API, a poller, a consumer and the provider
simulator on their own database of the local stack, as tools/bulkmsgpy/pipeline.py deploys one), users made with
`bulkmsg user create`, two throttled push campaigns already sending, then tests/browser/dashboard.mjs drives Debian's
Chromium through the pages with playwright-core and checks each page with axe-core. Screenshots go to
BUILD_DIR/browser-screenshots/. Exits with the browser script's status.

Run by ctest (Dashboard.BrowserFlow, integration tier); alone: scripts/python tests/browser/dashboard_test.py
with the stack up (scripts/stack up) and a build (make build).
"""

import argparse
import json
import os
import subprocess
import sys
import time

from bulkmsgpy import ROOT
from bulkmsgpy.pipeline import Pipeline


def create_users(pipeline):
    """One user per role; `user create` prints the generated password last."""
    users = {}
    for role in ("admin", "viewer"):
        email = f"{role}@example.com"
        users[role] = (email, pipeline.bulkmsg("user", "create", "--email", email, "--role", role).split()[-1])
    return users


def sending_push_campaign(pipeline, name, recipients):
    """A push campaign to `recipients` APNs tokens, prepared; PUSH_RATE_PER_SEC keeps it running for a while."""
    status, body = pipeline.api("POST", "/campaigns", json.dumps({
        "name": name, "kind": "push", "template": {"title": "Hi {{name}}", "text": "Hello {{name}}"}}))
    assert status == 201, body
    campaign = json.loads(body)["id"]
    pipeline.upload(campaign, [json.dumps({"user_ref": f"{i + 1:064x}", "metadata": {"name": f"User {i}"}})
                               for i in range(recipients)])
    status, body = pipeline.api("POST", f"/campaigns/{campaign}/prepare")
    assert status == 202, body
    return campaign


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", "build"))
    args = parser.parse_args()
    started = time.monotonic()
    pipeline = Pipeline("dash", args.build_dir, {
        "LOG_LEVEL": "warn",
        "POLL_INTERVAL_MS": "200",
        "CONSUMER_WORKERS": "2",
        # The push campaigns the page pauses and cancels must still be sending when it gets to them.
        "PUSH_RATE_PER_SEC": "2",
    })
    try:
        pipeline.create_database()
        users = create_users(pipeline)
        pipeline.start_simulator()
        pipeline.start_api()
        pipeline.start("poller", "poller")
        pipeline.start("consumer", "consumer")
        to_pause = sending_push_campaign(pipeline, "Push to pause", 200)
        to_cancel = sending_push_campaign(pipeline, "Push to cancel", 200)
        screenshots = os.path.join(pipeline.build, "browser-screenshots")
        os.makedirs(screenshots, exist_ok=True)
        env = dict(os.environ, BASE_URL=f"http://127.0.0.1:{pipeline.api_port}", API_KEY=pipeline.key,
                   ADMIN_EMAIL=users["admin"][0], ADMIN_PASSWORD=users["admin"][1],
                   VIEWER_EMAIL=users["viewer"][0], VIEWER_PASSWORD=users["viewer"][1],
                   PAUSE_CAMPAIGN=str(to_pause), CANCEL_CAMPAIGN=str(to_cancel), SCREENSHOT_DIR=screenshots,
                   WORK_DIR=pipeline.tmp)
        code = subprocess.call(["node", os.path.join(ROOT, "tests", "browser", "dashboard.mjs")], env=env)
        if code != 0:
            for name in ("api", "poller", "consumer"):
                with open(os.path.join(pipeline.tmp, f"{name}.log")) as log:
                    print(f"--- {name}.log (last lines)\n" + "".join(log.readlines()[-20:]), file=sys.stderr)
        print(f"dashboard browser test: {'passed' if code == 0 else 'FAILED'} in {time.monotonic() - started:.1f} s")
        return code
    finally:
        pipeline.stop_all()
        pipeline.drop_database()


if __name__ == "__main__":
    sys.exit(main())
