"""The CLV row of Tools/bench-peers: Touchlog's BG/NBD and Gamma-Gamma fits against the Python
package lifetimes on CDNOW, taken from Tools/compare-models (which fits both on the same weekly
summaries, three times each, and checks parameters and per-customer predictions)."""
import os
import re
import subprocess

from bench_peers_common import step

HERE = os.path.dirname(os.path.abspath(__file__))


def clv_figures(cdnow):
    """The compare-models table as {measure: (touchlog, lifetimes, difference, criterion, verdict)}, or
    None with a reason when it cannot run (no CDNOW file)."""
    if not os.path.exists(cdnow):
        return {"skipped": f"no CDNOW file at {cdnow}"}
    step("Tools/compare-models: touchlog model fit against lifetimes on CDNOW (builds its own venv once)")
    result = subprocess.run([os.path.join(HERE, "compare-models"), cdnow], capture_output=True, text=True)
    lines = result.stdout.splitlines()
    rows = {}
    header = next((i for i, line in enumerate(lines) if line.startswith("MEASURE")), None)
    summary = re.search(r"^(\d+) passed, (\d+) failed$", result.stdout, re.MULTILINE)
    if header is None or not summary:
        return {"skipped": f"Tools/compare-models exited {result.returncode} without its table: "
                           f"{(result.stderr or result.stdout).strip().splitlines()[-1:]}"}
    # The table is padded to columns: cut each line at the header's column starts (cells may be empty).
    starts = [lines[header].index(name) for name in ("MEASURE", "TOUCHLOG", "LIFETIMES", "DIFFERENCE", "CRITERION")]
    for line in lines[header + 1:]:
        if line == summary.group(0) or not line.strip():
            continue
        cells = [line[a:b].strip() for a, b in zip(starts, starts[1:] + [None])]
        criterion, _, verdict = cells[4].rpartition(" ")
        rows[cells[0]] = cells[1:4] + [criterion.strip(), verdict]
    return {"rows": rows, "passed": int(summary.group(1)), "failed": int(summary.group(2)), "cdnow": cdnow}
