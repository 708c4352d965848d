"""Python helpers shared by the scripts of bench/, tests/chaos/ and scripts/: the stack's environment (env), the
local servers and process sampling (procs), HTTP and ports (net), the provider simulator (simulator), provider
tokens (tokens), a deployed pipeline of bulkmsg processes (pipeline) and what every benchmark script shares (runs).

The package lives in tools/bulkmsgpy; scripts/python runs python3 with tools/ on PYTHONPATH, so an entry script
imports it from any working directory without editing sys.path.
"""

import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
