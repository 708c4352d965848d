"""The local stack's servers and the CPU and memory of processes, sampled from /proc."""

import os
import signal
import subprocess
import sys
import threading

from bulkmsgpy import ROOT

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Each server's pid file below the stack's directory (scripts/stack).
SERVERS = {"mariadb": "mysql/mariadbd.pid", "rabbitmq": "rabbit/rabbit.pid", "redis": "redis.pid",
           **{f"rabbit{n}": f"cluster/rabbit{n}/rabbit.pid" for n in (1, 2, 3)}}  # scripts/stack cluster


def proc_sample(pid):
    """(CPU seconds so far, RSS MB, peak RSS MB) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
    except (OSError, IndexError):
        return None
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    kb = lambda key: int(status.get(key, "0 kB").split()[0])  # noqa: E731
    return cpu, kb("VmRSS") / 1024, kb("VmHWM") / 1024


def server_pids():
    """{name: pid} of the stack's servers that have a pid file (STACK_DIR, default .stack)."""
    stack = os.path.realpath(os.environ.get("STACK_DIR", os.path.join(ROOT, ".stack")))
    pids = {}
    for name, path in SERVERS.items():
        try:
            with open(os.path.join(stack, path)) as f:
                pids[name] = int(f.read().strip())
        except (OSError, ValueError):
            pass
    return pids


def bulkmsg_pids():
    """{name: pid} of every running `bulkmsg` process (named by its role) and provider simulator."""
    pids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        program = os.path.basename(argv[0].decode(errors="replace"))
        if program == "bulkmsg" and len(argv) > 1:
            pids[f"bulkmsg {argv[1].decode(errors='replace')} [{entry}]"] = int(entry)
        elif program == "bulkmsg-provider-sim":
            pids[f"simulator [{entry}]"] = int(entry)
    return pids


class Resources:
    """Samples the processes `pids()` names every `interval` seconds: CPU seconds used since each was first seen,
    and the largest RSS seen."""

    def __init__(self, pids, interval=1.0):
        self.pids = pids
        self.interval = interval
        self.start_cpu = {}
        self.last = {}
        self.peak_rss = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def sample(self):
        for name, pid in self.pids().items():
            s = proc_sample(pid)
            if s is None:
                continue
            self.start_cpu.setdefault(name, s[0])
            self.last[name] = s[0]
            # VmHWM is the process's own peak; the servers ran before this run, so only the sampled RSS counts.
            peak = s[1] if name in SERVERS else s[2]
            self.peak_rss[name] = max(self.peak_rss.get(name, 0.0), peak)

    def run(self):
        while not self.stop.wait(self.interval):
            self.sample()

    def __enter__(self):
        self.sample()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.sample()
        self.stop.set()
        self.thread.join()

    def report(self):
        return {name: {"cpu_seconds": round(self.last[name] - self.start_cpu[name], 2),
                       "peak_rss_mb": round(self.peak_rss[name], 1)} for name in sorted(self.last)}


def stop_processes(processes, timeout=30):
    """SIGTERM to each Popen still running, then waits for all; one still running after `timeout` s is killed."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def exit_on_sigterm():
    """For a script's main: SIGTERM unwinds like Ctrl-C, so the cleanup (a `finally` that stops what the script
    started) runs instead of orphaning the processes."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
