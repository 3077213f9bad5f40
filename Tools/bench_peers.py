"""Peer benchmarks: Touchlog against SQLite, PostgreSQL 15 and DuckDB on one workload, in one run.

    python bench_peers.py --bin .build/release --scratch .build/peers [--events N] [--ten-million]
                          [--markdown BENCHMARKS.md] [--command "how it was started"]

Run it through Tools/bench-peers, which builds the binaries and the virtualenv (duckdb, pyarrow,
psycopg2) first. Figures, not tests: it never fails on a missed target, only on a broken step.

The workload is the first N lines of `touchlog-sample --customers 100000 --seed 7` (about 3.6 M
events over two years; the 10 M workload uses 135,000 customers from 2016-01-01). Every system
reads the same lines:
- Touchlog: `touchlog append` (inline views), `touchlog append --defer-views` (log, then one
  rebuild), `touchlog bench` (raw LMDB MDB_APPEND ceiling of the same records), `touchlog rebuild`
  and `touchlog bench-views` (profile point reads, whole-log replay);
- SQLite (WAL, synchronous=NORMAL, batches of 10,000) and PostgreSQL 15 (`COPY`, a throwaway
  cluster on a unix socket, removed at the end) into
  events(position integer primary key, id, source, type, subject, time, amount real, json text);
- DuckDB over a Parquet export of the same rows.
The SQL rows are parsed from the NDJSON once, before any timing: the SQL figures are the load
alone, while `touchlog append` also parses and validates the JSON (that is in its figure).
"""
import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time

# ---------------------------------------------------------------------------------------------
# Small helpers


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


def append_rate(out, events, seconds):
    """`touchlog append` prints its rate only for runs of half a second or more: else events / wall time."""
    match = re.search(r"\(([\d,]+) events/s\)", out)
    return number(match.group(1)) if match else events / seconds


def grouped(value):
    return f"{value:,.0f}"


# ---------------------------------------------------------------------------------------------
# The workload


def make_workload(bin_dir, scratch, events, customers, seed, start):
    """Generates the sample once (cached by its parameters) and cuts the first `events` lines."""
    full = os.path.join(scratch, f"sample-c{customers}-s{seed}-{start or 'default'}.ndjson")
    if not os.path.exists(full):
        step(f"generating the sample: {customers:,} customers, seed {seed}")
        arguments = [os.path.join(bin_dir, "touchlog-sample"), "--customers", str(customers), "--seed", str(seed), "--out", full + ".part"]
        if start:
            arguments += ["--start", start]
        run(arguments)
        os.replace(full + ".part", full)
    workload = os.path.join(scratch, f"workload-{events}.ndjson")
    lines = 0
    with open(full, "rb") as source, open(workload, "wb") as target:
        for line in source:
            if lines == events:
                break
            target.write(line)
            lines += 1
    if lines < events:
        fail(f"the sample has only {lines:,} lines, fewer than the {events:,} asked for")
    return workload


def parse_rows(path):
    """The SQL rows of every line: (position, id, source, type, subject, time, amount, json)."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for position, line in enumerate(handle, start=1):
            event = json.loads(line)
            amount = (event.get("data") or {}).get("amount")
            rows.append((position, event["id"], event["source"], event["type"], event["subject"], event["time"],
                         float(amount) if amount is not None else None, line.rstrip("\n")))
    return rows


# ---------------------------------------------------------------------------------------------
# Touchlog


def touchlog_figures(bin_dir, scratch, workload, events):
    touchlog = os.path.join(bin_dir, "touchlog")
    figures = {}

    # 1. append with the inline views.
    inline = os.path.join(scratch, "touchlog-inline")
    shutil.rmtree(inline, ignore_errors=True)
    run([touchlog, "init", "--db", inline])
    step("touchlog append (inline views)")
    out, wall = run([touchlog, "append", workload, "--db", inline])
    figures["append_views"] = append_rate(out, events, wall)
    figures["append_views_s"] = wall
    figures["stored"] = number(find(r"Stored ([\d,]+) events", out, "the stored count").group(1))

    # 2. append --defer-views: the log alone, then one rebuild of every view.
    deferred = os.path.join(scratch, "touchlog-deferred")
    shutil.rmtree(deferred, ignore_errors=True)
    run([touchlog, "init", "--db", deferred])
    step("touchlog append --defer-views")
    out, wall = run([touchlog, "append", workload, "--db", deferred, "--defer-views"])
    figures["defer_rebuild_s"] = number(find(r"Rebuilt the views .* in ([\d.]+) s", out, "the rebuild time").group(1))
    figures["append_log"] = append_rate(out, events, wall - figures["defer_rebuild_s"])
    figures["append_deferred_total"] = events / wall
    figures["append_deferred_s"] = wall
    shutil.rmtree(deferred, ignore_errors=True)

    # 3. rebuild of every view on the loaded database.
    step("touchlog rebuild")
    out, wall = run([touchlog, "rebuild", "--db", inline])
    figures["rebuild_s"] = number(find(r"in ([\d.]+) s", out, "the rebuild time").group(1))
    figures["rebuild_views"] = find(r"Rebuilt (.*) in", out, "the rebuilt views").group(1)

    # 4. bench-views: profile point reads and the whole-log replay.
    step("touchlog bench-views")
    out, _ = run([touchlog, "bench-views", "--db", inline])
    reads = re.findall(r"profile point reads, (\d+) thread\(s\): ([\d,]+)/s", out)
    if not reads:
        fail(f"no point-read figures in bench-views:\n{out}")
    figures["point_reads_1"] = number(reads[0][1])
    figures["point_reads_all"] = number(reads[-1][1])
    figures["point_reads_threads"] = int(reads[-1][0])
    replay = find(r"replay of the whole log: ([\d,]+) events in ([\d.]+) s", out, "the replay")
    figures["replay_s"] = number(replay.group(2))
    figures["as_of"] = find(r"profile \+ churn as of a random time: (.*)$", out, "the as-of latency").group(1)
    shutil.rmtree(inline, ignore_errors=True)

    # 5. touchlog bench: the raw LMDB MDB_APPEND ceiling of the same records.
    step(f"touchlog bench --events {events} (raw LMDB ceiling, a few minutes)")
    out, _ = run([touchlog, "bench", "--events", str(events), "--input", workload, "--dir", scratch])
    figures["raw_lmdb"] = number(find(r"^raw LMDB MDB_APPEND.*?\s([\d,]+)\s+\d+\s+\d+%", out, "the raw LMDB row").group(1))
    figures["bench_table"] = out.strip()
    return figures


# ---------------------------------------------------------------------------------------------
# SQL: the same per-customer aggregate everywhere

CREATE = ("CREATE TABLE events (position {int} PRIMARY KEY, id text, source text, type text, subject text, "
          "time text, amount {real}, json text)")

# One customer's profile: events by type with the purchase sum and the first/last time, one query.
POINT = ("SELECT type, count(*), sum(amount), min(time), max(time) FROM events WHERE subject = {p} GROUP BY type")


def population_sql(types):
    """Every customer's profile in one GROUP BY: count, purchase sum, first/last time, count by type."""
    by_type = ", ".join(f"count(*) FILTER (WHERE type = '{kind}')" for kind in types)
    return (f"SELECT subject, count(*), sum(amount) FILTER (WHERE type = 'touch.purchase'), min(time), max(time), {by_type} "
            "FROM events GROUP BY subject")


def fold_point(rows):
    """Turns the point query's rows into the profile the service shows (so the work is the same)."""
    profile = {"events": 0, "spend": 0.0, "first": None, "last": None, "byType": {}}
    for kind, count, total, first, last in rows:
        profile["events"] += count
        profile["byType"][kind] = count
        if kind == "touch.purchase":
            profile["spend"] = total or 0.0
        profile["first"] = first if profile["first"] is None or first < profile["first"] else profile["first"]
        profile["last"] = last if profile["last"] is None or last > profile["last"] else profile["last"]
    return profile


def point_queries(execute, customers):
    """Queries per second over the given customers, one connection, one query each."""
    started = time.perf_counter()
    for customer in customers:
        fold_point(execute(customer))
    return len(customers) / (time.perf_counter() - started)


def sqlite_figures(scratch, rows, customers):
    path = os.path.join(scratch, "sqlite.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(CREATE.format(int="integer", real="real"))
    step("SQLite: insert in batches of 10,000 (index on subject built after the load)")
    started = time.perf_counter()
    for start in range(0, len(rows), 10_000):
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows[start:start + 10_000])
        connection.execute("COMMIT")
    load = time.perf_counter() - started
    started = time.perf_counter()
    connection.execute("CREATE INDEX events_subject ON events(subject)")
    index = time.perf_counter() - started
    query = POINT.format(p="?")
    reads = point_queries(lambda c: connection.execute(query, (c,)).fetchall(), customers)
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return {"load": len(rows) / load, "load_s": load, "index_s": index, "point": reads}


def postgres_figures(scratch, rows, customers, types, socket_dir, port):
    import psycopg2

    connection = psycopg2.connect(host=socket_dir, port=port, user="postgres", dbname="postgres")
    connection.autocommit = True
    cursor = connection.cursor()
    cursor.execute("DROP TABLE IF EXISTS events")
    cursor.execute(CREATE.format(int="bigint", real="double precision"))

    # The CSV is written before the clock starts; COPY then streams it over the socket.
    csv_path = os.path.join(scratch, "events.csv")
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    step("PostgreSQL: COPY (no index but the primary key; the subject index is built after)")
    started = time.perf_counter()
    with open(csv_path, encoding="utf-8") as handle:
        cursor.copy_expert("COPY events FROM STDIN WITH (FORMAT csv)", handle, size=1 << 20)
    load = time.perf_counter() - started
    os.remove(csv_path)
    started = time.perf_counter()
    cursor.execute("CREATE INDEX events_subject ON events(subject)")
    index = time.perf_counter() - started
    cursor.execute("VACUUM ANALYZE events")

    query = POINT.format(p="%s")

    def execute(customer):
        cursor.execute(query, (customer,))
        return cursor.fetchall()

    reads = point_queries(execute, customers)
    step("PostgreSQL: GROUP BY subject (all customers)")
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        cursor.execute(population_sql(types))
        result = cursor.fetchall()
        timings.append(time.perf_counter() - started)
    total = sum(row[1] for row in result)
    if total != len(rows):
        fail(f"PostgreSQL's GROUP BY counted {total:,} events, not {len(rows):,}")
    connection.close()
    return {"load": len(rows) / load, "load_s": load, "index_s": index, "point": reads,
            "group_by_s": min(timings), "customers": len(result)}


def duckdb_figures(scratch, rows, types):
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    step("DuckDB: Parquet export of the same rows, then GROUP BY subject")
    parquet = os.path.join(scratch, "events.parquet")
    started = time.perf_counter()
    columns = list(zip(*rows))
    table = pa.table({"position": pa.array(columns[0], pa.int64()), "id": columns[1], "source": columns[2],
                      "type": columns[3], "subject": columns[4], "time": columns[5],
                      "amount": pa.array(columns[6], pa.float64()), "json": columns[7]})
    del columns
    pq.write_table(table, parquet)
    del table
    export = time.perf_counter() - started

    connection = duckdb.connect()
    query = population_sql(types).replace("FROM events", f"FROM read_parquet('{parquet}')")
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        result = connection.execute(query).fetchall()
        timings.append(time.perf_counter() - started)
    total = sum(row[1] for row in result)
    if total != len(rows):
        fail(f"DuckDB's GROUP BY counted {total:,} events, not {len(rows):,}")
    threads = connection.execute("SELECT current_setting('threads')").fetchone()[0]
    connection.close()
    os.remove(parquet)
    return {"group_by_s": min(timings), "first_s": timings[0], "export_s": export, "threads": threads,
            "customers": len(result), "version": duckdb.__version__}


# ---------------------------------------------------------------------------------------------
# The report


def versions(socket_dir, port):
    import psycopg2
    connection = psycopg2.connect(host=socket_dir, port=port, user="postgres", dbname="postgres")
    cursor = connection.cursor()
    cursor.execute("SHOW server_version")
    postgres = cursor.fetchone()[0]
    connection.close()
    return {"sqlite": sqlite3.sqlite_version, "postgres": postgres}


def tables(events, t, s, p, d):
    """The side-by-side table (markdown) and the target lines."""
    rows = [
        ("**Ingest** (events/s)", "", ""),
        ("raw LMDB `MDB_APPEND` of the same records, batches of 10,000 (ceiling, `touchlog bench`)", grouped(t["raw_lmdb"]), ""),
        ("`touchlog append` with inline views", grouped(t["append_views"]), f"{t['append_views_s']:.1f} s"),
        ("`touchlog append --defer-views`: the log alone", grouped(t["append_log"]), ""),
        ("`touchlog append --defer-views`: log + one rebuild, end to end", grouped(t["append_deferred_total"]),
         f"{t['append_deferred_s']:.1f} s (rebuild {t['defer_rebuild_s']:.1f} s)"),
        ("SQLite insert, WAL, synchronous=NORMAL, batches of 10,000 (no index)", grouped(s["load"]),
         f"{s['load_s']:.1f} s, + {s['index_s']:.1f} s subject index"),
        ("PostgreSQL `COPY` (primary key only)", grouped(p["load"]), f"{p['load_s']:.1f} s, + {p['index_s']:.1f} s subject index"),
        ("**One customer's profile** (reads/s, one connection or thread)", "", ""),
        ("Touchlog profile view, in process, 1 thread (`bench-views`)", grouped(t["point_reads_1"]), ""),
        (f"Touchlog profile view, in process, {t['point_reads_threads']} threads", grouped(t["point_reads_all"]), ""),
        ("SQLite aggregate query, index on subject", grouped(s["point"]), ""),
        ("PostgreSQL aggregate query, index on subject, unix socket", grouped(p["point"]), ""),
        ("**Population** (seconds)", "", ""),
        (f"`touchlog rebuild` ({t['rebuild_views']})", f"{t['rebuild_s']:.2f} s", grouped(events / t["rebuild_s"]) + " events/s"),
        ("Touchlog replay of the whole log in memory (`bench-views`)", f"{t['replay_s']:.2f} s", grouped(events / t["replay_s"]) + " events/s"),
        (f"DuckDB GROUP BY subject over Parquet ({d['threads']} threads, best of 3)", f"{d['group_by_s']:.2f} s",
         f"first run {d['first_s']:.2f} s; export {d['export_s']:.1f} s"),
        ("PostgreSQL GROUP BY subject (best of 3)", f"{p['group_by_s']:.2f} s", ""),
    ]
    table = ["| measure | figure | note |", "| --- | ---: | --- |"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]

    def verdict(ratio, target, better_when_higher=True):
        met = ratio >= target if better_when_higher else ratio <= target
        if met:
            return "met"
        return f"missed by {target / ratio:.1f}×" if better_when_higher else f"missed by {ratio / target:.1f}×"

    ingest = t["append_views"] / p["load"]
    read_sqlite = t["point_reads_1"] / s["point"]
    read_postgres = t["point_reads_1"] / p["point"]
    rebuild = t["rebuild_s"] / d["group_by_s"]
    targets = [
        ("ingest with views ≥ 2× PostgreSQL COPY", f"{ingest:.2f}×", verdict(ingest, 2)),
        ("a customer's view read ≥ 10× the SQLite aggregate", f"{read_sqlite:.1f}×", verdict(read_sqlite, 10)),
        ("a customer's view read ≥ 10× the PostgreSQL aggregate", f"{read_postgres:.1f}×", verdict(read_postgres, 10)),
        ("full rebuild within 10× of DuckDB's GROUP BY", f"{rebuild:.1f}× as long", verdict(rebuild, 10, better_when_higher=False)),
    ]
    target_table = ["| target | measured | verdict |", "| --- | ---: | --- |"] + [f"| {a} | {b} | {c} |" for a, b, c in targets]
    return table, target_table


def print_plain(table):
    """The markdown table, as aligned plain text for the terminal."""
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in table if not line.startswith("| ---")]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    for row in cells:
        print("  ".join(cell.ljust(width) if i != 1 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="directory of the release touchlog and touchlog-sample")
    parser.add_argument("--scratch", required=True, help="directory for scratch data (removed data; the sample is cached)")
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--ten-million", action="store_true", help="also run the 10 M event workload (about 10 minutes more)")
    parser.add_argument("--queries", type=int, default=2_000, help="random customers for the point queries")
    parser.add_argument("--pg-socket", required=True, help="unix socket directory of the throwaway PostgreSQL")
    parser.add_argument("--pg-port", type=int, required=True)
    parser.add_argument("--markdown", help="write the results to this file (BENCHMARKS.md)")
    parser.add_argument("--command", default="Tools/bench-peers", help="the command line to record")
    parser.add_argument("--machine", default="", help="one line about the machine to record")
    args = parser.parse_args()

    workloads = [(args.events, 100_000, 7, None)]
    if args.ten_million:
        workloads.append((10_000_000, 135_000, 7, "2016-01-01"))

    sections = []
    for events, customers, seed, start in workloads:
        workload = make_workload(args.bin, args.scratch, events, customers, seed, start)
        t = touchlog_figures(args.bin, args.scratch, workload, events)
        step("parsing the NDJSON into SQL rows (not timed)")
        rows = parse_rows(workload)
        types = sorted({row[3] for row in rows})
        chosen = random.Random(seed).sample(sorted({row[4] for row in rows}), args.queries)
        s = sqlite_figures(args.scratch, rows, chosen)
        p = postgres_figures(args.scratch, rows, chosen, types, args.pg_socket, args.pg_port)
        d = duckdb_figures(args.scratch, rows, types)
        del rows
        table, target_table = tables(events, t, s, p, d)
        title = f"{events:,} events ({customers:,}-customer sample, seed {seed}{', from ' + start if start else ''}; Touchlog stored {t['stored']:,.0f} after dedup)"
        print()
        print(title)
        print_plain(table)
        print()
        print_plain(target_table)
        print()
        sections.append((title, table, target_table, t, d))
    if args.markdown:
        write_markdown(args, sections, versions(args.pg_socket, args.pg_port))


def write_markdown(args, sections, versions_found):
    lines = [
        "# Peer benchmarks",
        "",
        "Touchlog against SQLite, PostgreSQL 15 and DuckDB on the same generated events, measured side by",
        "side in one run (so machine noise mostly cancels in the ratios). Figures of one run, not timed tests.",
        "",
        f"- command: `{args.command}`",
        f"- machine: {args.machine}",
        f"- peers: SQLite {versions_found['sqlite']} (Python sqlite3), PostgreSQL {versions_found['postgres']}"
        f" (default settings, fsync on, throwaway cluster on a unix socket), DuckDB {sections[0][4]['version']}",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
    ]
    for title, table, target_table, t, d in sections:
        lines += [f"## {title}", ""] + table + ["", "Targets (issue 7):", ""] + target_table + [""]
        lines += ["`touchlog bench` on the same file (the raw LMDB row is the ceiling above):", "", "```", t["bench_table"], "```", ""]
        lines += [f"One customer's profile + churn as of a random past time (`bench-views`): {t['as_of']}.", ""]
    lines += [
        "## How each figure is taken",
        "",
        "- The workload is the first N lines of `touchlog-sample --customers 100000 --seed 7`; the SQL tables and",
        "  Parquet get every line (position = line number), Touchlog acknowledges the ~0.3% exact re-sends as",
        "  duplicates and stores the rest.",
        "- `touchlog append` figures include reading, parsing and validating the JSON and durable commits. The SQL",
        "  loads do not include parsing: the rows are parsed in Python once, before the clock starts (PostgreSQL",
        "  gets a CSV file streamed through `COPY ... FROM STDIN`). That favours the peers.",
        "- SQLite: `executemany` of 10,000 rows per transaction into events(position integer primary key, id,",
        "  source, type, subject, time, amount real, json text); the subject index is created after the load",
        "  (its time is in the note). PostgreSQL: the same table (bigint, double precision), `COPY`, then the",
        "  subject index, then `VACUUM ANALYZE`.",
        "- One customer's profile in SQL: `SELECT type, count(*), sum(amount), min(time), max(time) FROM events",
        "  WHERE subject = ? GROUP BY type`, folded into count, purchase sum, first/last time and count by type;",
        f"  {args.queries:,} random customers, one connection. Touchlog: `bench-views` decoding the stored profile view",
        "  (one read snapshot per read), 1 thread and all cores.",
        "- Population: one GROUP BY subject computing count, purchase sum, first/last time and count per type,",
        "  all rows fetched; DuckDB reads the Parquet file with its default threads (all cores). `touchlog rebuild`",
        "  recomputes every view from the log and writes them; the replay folds the whole log in memory.",
        "- Load average at the start is in the machine line: other work on the machine lowers every figure,",
        "  Touchlog's and the peers' alike, but not evenly.",
        "",
    ]
    with open(args.markdown, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    step(f"wrote {args.markdown}")


if __name__ == "__main__":
    main()
