"""The environment of bulkmsg processes started by the scripts, read with python-dotenv."""

import os

from dotenv import dotenv_values

from bulkmsgpy import ROOT


def read_env_file(path):
    """KEY=VALUE pairs of an env file as bulkmsg reads one (src/domain/env_file.cpp): no ${VAR} expansion, and a
    key without `=` is left out. A missing file reads as empty."""
    return {key: value for key, value in dotenv_values(path, interpolate=False).items() if value is not None}


def stack_env():
    """.env.example, then .env, then the caller's environment (e.g. RABBITMQ_QUEUE_TYPE=quorum bench/run), each
    overriding the one before: the settings that reach the local stack, as bulkmsg itself would resolve them in
    the repository (its compiled defaults are .env.example's)."""
    env = read_env_file(os.path.join(ROOT, ".env.example"))
    env.update(read_env_file(os.path.join(ROOT, ".env")))
    env.update(os.environ)
    return env


def cluster_env():
    """What `scripts/stack cluster up` wrote for bulkmsg ($STACK_DIR/cluster/bulkmsg.env: RABBITMQ_HOSTS and
    RABBITMQ_QUEUE_TYPE=quorum); RuntimeError when the cluster was never started."""
    path = os.path.join(ROOT, stack_env().get("STACK_DIR", ".stack"), "cluster", "bulkmsg.env")
    settings = read_env_file(path)
    if "RABBITMQ_HOSTS" not in settings:
        raise RuntimeError(f"{path} is missing: run scripts/stack cluster up")
    return settings
