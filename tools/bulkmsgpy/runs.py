"""What the benchmark scripts share: their common options, where results go, and how they are logged and written."""

import argparse
import json
import os
import time

from bulkmsgpy import ROOT


def run_parser(prog, description, result_name, recipients, waits_for):
    """An argument parser with the options every benchmark script shares: --recipients (default `recipients`),
    --timeout (seconds to wait for `waits_for`), --build-dir, --json (default
    bench/results/<result_name>-<recipients>.json, see result_path) and --keep."""
    parser = argparse.ArgumentParser(prog=prog, description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=recipients)
    parser.add_argument("--timeout", type=int, default=1800, help=f"seconds to wait for {waits_for}")
    parser.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", "build"))
    parser.add_argument("--json", help=f"result file (default bench/results/{result_name}-<recipients>.json)")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    return parser


def result_path(args, result_name):
    return args.json or os.path.join(ROOT, "bench", "results", f"{result_name}-{args.recipients}.json")


def logger(prefix):
    """A function printing one line `<prefix> [HH:MM:SS] message`, flushed (the runs are watched live)."""
    return lambda message: print(f"{prefix} [{time.strftime('%H:%M:%S')}] {message}", flush=True)


def write_result(path, result):
    """Writes `result` with the machine it ran on as JSON to `path` (its directory created)."""
    result["machine"] = {"cpus": os.cpu_count(), "uname": " ".join(os.uname())}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=2)


def log_processes(log, processes):
    """One line for each process of a procs.Resources report: CPU seconds and peak RSS."""
    for name, v in processes.items():
        log(f"  {name:<10} CPU {v['cpu_seconds']:8.1f} s   peak RSS {v['peak_rss_mb']:8.1f} MB")
