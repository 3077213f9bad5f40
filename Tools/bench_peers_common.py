"""Small helpers shared by the modules of Tools/bench-peers."""
import re
import subprocess
import sys
import time


def fail(message):
    """Stops the run with a clear message (the wrapper's trap still cleans up)."""
    print(f"bench-peers: error: {message}", file=sys.stderr)
    sys.exit(2)


def step(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(arguments, **kwargs):
    """Runs a command, returns (stdout, seconds); stops with its stderr when it fails."""
    started = time.perf_counter()
    result = subprocess.run(arguments, capture_output=True, text=True, **kwargs)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        fail(f"{' '.join(map(str, arguments))} exited {result.returncode}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result.stdout, seconds


def number(text):
    """'1,234,567' -> 1234567.0"""
    return float(text.replace(",", ""))


def find(pattern, text, what):
    match = re.search(pattern, text, re.MULTILINE)
    if not match:
        fail(f"could not find {what} in:\n{text}")
    return match


def grouped(value):
    return f"{value:,.0f}"
