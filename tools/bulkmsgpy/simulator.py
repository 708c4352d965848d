"""The provider simulator (bulkmsg-provider-sim, docs/simulator.md) with throw-away credentials from
scripts/sim-credentials.

As a program, for the shell scripts:
  python3 -m bulkmsgpy.simulator run -- COMMAND [ARGS...]   (bench/with-simulator) runs COMMAND with a fresh
      simulator on free ports and `--env-file FILE` appended (FILE: the credentials' sim.env with the simulator's
      URLs, and PROVIDER_SIMULATOR_PID), stops the simulator afterwards and exits with COMMAND's status;
  python3 -m bulkmsgpy.simulator exec DIR [-- OPTIONS...]   (scripts/demo) becomes the simulator, on its default
      ports, with the credentials that scripts/sim-credentials wrote into DIR, and OPTIONS appended (e.g. the
      feedback flags: docs/simulator.md).
Both take the binaries from BUILD_DIR (default build).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from bulkmsgpy import ROOT
from bulkmsgpy.env import read_env_file
from bulkmsgpy.procs import exit_on_sigterm, stop_processes

# The accounts the simulator accepts: the values that scripts/sim-credentials writes into sim.env.
ACCOUNTS = ["--sendgrid-api-key", "SG.simulator", "--twilio-account-sid", "ACsimulator", "--twilio-auth-token",
            "simulator-token", "--apns-key-id", "SIMKEY0001", "--apns-team-id", "SIMTEAM001"]


def make_credentials(directory):
    subprocess.run([os.path.join(ROOT, "scripts", "sim-credentials"), directory], check=True,
                   stdout=subprocess.DEVNULL)


def argv(build, credentials, *options):
    """The simulator's command line with the credentials in directory `credentials`, then `options`."""
    c = credentials
    return [os.path.join(build, "bulkmsg-provider-sim"), *options, "--tls-cert", f"{c}/server.pem", "--tls-key",
            f"{c}/server.key", "--fcm-public-key", f"{c}/fcm.pub.pem", "--apns-public-key", f"{c}/apns.pub.pem",
            *ACCOUNTS]


class Simulator:
    """A simulator on free loopback ports with fresh credentials in `directory` (created)."""

    def __init__(self, build, directory):
        self.build = build
        self.dir = directory
        self.process = None
        self.env = {}  # the bulkmsg variables that point every provider at this simulator
        self.url = None

    def start(self, log_path, webhook_url=None, feedback=(), timeout=5.0):
        """Returns the simulator's Popen once it listens (it reports its ports through --ports-file). With
        `webhook_url` (bulkmsg's PUBLIC_BASE_URL) it sends the providers' webhooks there, signed, at the rates of
        `feedback` (simulator options such as "--feedback-bounce", "0.02"), and `env` gains the variables that
        verify them."""
        make_credentials(self.dir)
        ports_file = os.path.join(self.dir, "ports.json")
        options = ["--http-port", "0", "--apns-port", "0", "--ports-file", ports_file]
        if webhook_url:
            options += ["--webhook-url", webhook_url, "--sendgrid-webhook-key",
                        os.path.join(self.dir, "sendgrid-webhook.key"), *feedback]
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(argv(self.build, self.dir, *options), stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not os.path.exists(ports_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                with open(log_path) as log:
                    raise RuntimeError(f"the simulator did not start:\n{log.read()}")
            time.sleep(0.05)
        with open(ports_file) as f:
            ports = json.load(f)
        self.url = f"http://127.0.0.1:{ports['http']}"
        self.env = {**read_env_file(os.path.join(self.dir, "sim.env")), "PROVIDER_SIMULATOR_URL": self.url,
                    "PROVIDER_SIMULATOR_APNS_URL": f"https://127.0.0.1:{ports['apns']}"}
        if webhook_url:
            self.env.update({**read_env_file(os.path.join(self.dir, "feedback.env")), "PUBLIC_BASE_URL": webhook_url})
        return self.process

    def stop(self):
        if self.process:
            stop_processes([self.process])


def run_with_simulator(build, command):
    """bench/with-simulator: COMMAND's exit status (128 + N when signal N ended it)."""
    with tempfile.TemporaryDirectory() as work:
        simulator = Simulator(build, work)
        simulator.start(os.path.join(work, "sim.log"))
        try:
            env_file = os.path.join(work, "bench.env")
            with open(env_file, "w") as f:
                for key, value in {**simulator.env, "PROVIDER_SIMULATOR_PID": simulator.process.pid}.items():
                    f.write(f"{key}={value}\n")
            code = subprocess.call([*command, "--env-file", env_file])
            return code if code >= 0 else 128 - code
        finally:
            simulator.stop()


def main():
    parser = argparse.ArgumentParser(prog="python3 -m bulkmsgpy.simulator", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_subparsers(dest="mode", required=True)
    run = modes.add_parser("run", help="run COMMAND with a fresh simulator")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    become = modes.add_parser("exec", help="become the simulator on its default ports")
    become.add_argument("credentials", help="the directory scripts/sim-credentials wrote")
    become.add_argument("options", nargs=argparse.REMAINDER, help="-- more simulator options, e.g. --require-unsubscribe")
    args = parser.parse_args()
    build = os.path.abspath(os.environ.get("BUILD_DIR", os.path.join(ROOT, "build")))
    if args.mode == "exec":
        options = args.options[1:] if args.options[:1] == ["--"] else args.options
        command = argv(build, args.credentials, *options)
        os.execv(command[0], command)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        run.error("no command given")
    exit_on_sigterm()
    return run_with_simulator(build, command)


if __name__ == "__main__":
    sys.exit(main())
