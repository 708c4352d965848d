"""Runs a command and reports the CPU seconds that each process of the system used meanwhile: the stack's servers
(MariaDB, RabbitMQ, Redis), every `bulkmsg` process by role, the provider simulator and the command itself, each as
seconds and as a share of one core over the command's run, and per unit of work with --per N (e.g. the messages a
benchmark sends). Processes are sampled every 0.2 s from /proc, so a process that starts or ends during the run
is missed by at most that much of its CPU.

    bench/cpu-share --per 60000 -- bench/delivery-bench --messages 60000
"""

import argparse
import os
import subprocess
import sys
import time

from bulkmsgpy.procs import Resources, bulkmsg_pids, server_pids


def system_pids(command_pid):
    """{name: pid} of the servers, the bulkmsg processes, the simulator and the command."""
    return {**server_pids(), **bulkmsg_pids(), "command": command_pid}


def main():
    parser = argparse.ArgumentParser(prog="bench/cpu-share", description=__doc__.split("\n\n")[0])
    parser.add_argument("--per", type=float, help="units of work the command does: adds CPU microseconds per unit")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    started = time.monotonic()
    process = subprocess.Popen(command)
    with Resources(lambda: system_pids(process.pid), interval=0.2) as resources:
        code = process.wait()
    wall = time.monotonic() - started
    report = resources.report()
    total = sum(r["cpu_seconds"] for r in report.values())
    print(f"cpu-share: {wall:.1f} s wall, {total:.1f} CPU s in all ({total / wall * 100:.0f} % of one core; "
          f"{os.cpu_count()} CPUs)")
    for name, r in sorted(report.items(), key=lambda item: -item[1]["cpu_seconds"]):
        per = f", {r['cpu_seconds'] / args.per * 1e6:8.1f} us per unit" if args.per else ""
        print(f"  {name:32} {r['cpu_seconds']:7.1f} s  {r['cpu_seconds'] / wall * 100:5.0f} %{per}")
    if args.per:
        print(f"  {'all':32} {total:7.1f} s  {total / wall * 100:5.0f} %, {total / args.per * 1e6:8.1f} us per unit")
    sys.exit(code)


if __name__ == "__main__":
    main()
