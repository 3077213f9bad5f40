"""The HTTP part of Tools/bench-peers: `touchlog serve` on loopback, fed and read over HTTP.

- Ingest: the same NDJSON workload, cut into batches of N lines (default 1,000), POSTed as
  `application/x-ndjson` to /v1/events by a few concurrent connections (Python threads with
  http.client; the bodies are byte ranges of the workload file, read with pread, so the client does
  no JSON work). 200 means durable (group commit, fsync), views are updated inline.
- Reads: wrk (Debian package `wrk`) with Tools/bench_peers_reads.lua on random customers of the
  workload: GET /v1/customers/{id}, and GET /v1/customers/{id}?asOf=T for as-of answers.
The server runs with --insecure-no-auth on 127.0.0.1 (loopback only) and is stopped with SIGTERM.
"""
import http.client
import json
import os
import queue
import re
import select
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse

from bench_peers_common import fail, run, step

HERE = os.path.dirname(os.path.abspath(__file__))


class Server:
    """`touchlog serve` on a free loopback port; `with Server(...) as server:` stops it at the end."""

    def __init__(self, touchlog, db, log_path, pid_path):
        self.touchlog, self.db, self.log_path, self.pid_path = touchlog, db, log_path, pid_path
        self.process = None

    def __enter__(self):
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [self.touchlog, "serve", "--db", self.db, "--insecure-no-auth", "--host", "127.0.0.1", "--port", "0",
             "--log-level", "warning"],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        # Tools/bench-peers stops this pid on exit if this script dies without stopping the server.
        with open(self.pid_path, "w") as handle:
            handle.write(f"{self.process.pid}\n")
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                line = self.process.stdout.readline()
                if line.startswith("listening on "):
                    break
            if self.process.poll() is not None:
                break
        match = re.match(r"listening on http://([^:]+):(\d+)", line)
        if not match:
            self.__exit__(None, None, None)
            fail(f"touchlog serve did not start: {line!r}; see {self.log_path}")
        self.host, self.port = match.group(1), int(match.group(2))
        self.url = f"http://{self.host}:{self.port}"
        return self

    def __exit__(self, *_):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if os.path.exists(self.pid_path):
            os.remove(self.pid_path)
        self.log.close()

    def cpu_seconds(self):
        """CPU time (user + system) the server has used so far, from /proc."""
        fields = open(f"/proc/{self.process.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def get_json(self, path):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status != 200:
            fail(f"GET {path}: {response.status} {body[:300]!r}")
        return json.loads(body)


def batch_ranges(workload, batch):
    """(offset, length) of every run of `batch` lines of the file."""
    ranges = []
    offset = 0
    with open(workload, "rb") as handle:
        start, lines = 0, 0
        for line in handle:
            offset += len(line)
            lines += 1
            if lines == batch:
                ranges.append((start, offset - start))
                start, lines = offset, 0
        if lines:
            ranges.append((start, offset - start))
    return ranges


def ingest(server, workload, batch, connections):
    """POSTs the workload in batches over `connections` connections; events/s over the wall time."""
    ranges = batch_ranges(workload, batch)
    work = queue.SimpleQueue()
    for item in ranges:
        work.put(item)
    totals = {"stored": 0, "duplicates": 0, "rejected": 0, "requests": 0}
    lock = threading.Lock()
    errors = []
    descriptor = os.open(workload, os.O_RDONLY)
    counts = re.compile(rb'"stored":(\d+),"duplicates":(\d+),"rejected":(\d+)')

    def worker():
        connection = http.client.HTTPConnection(server.host, server.port, timeout=600)
        stored = duplicates = rejected = requests = 0
        try:
            while not errors:
                try:
                    offset, length = work.get_nowait()
                except queue.Empty:
                    break
                body = os.pread(descriptor, length, offset)
                connection.request("POST", "/v1/events", body=body, headers={"Content-Type": "application/x-ndjson"})
                response = connection.getresponse()
                answer = response.read()
                match = counts.search(answer[:200])
                if response.status != 200 or not match:
                    errors.append(f"POST /v1/events: {response.status} {answer[:300]!r}")
                    break
                stored += int(match.group(1))
                duplicates += int(match.group(2))
                rejected += int(match.group(3))
                requests += 1
        except Exception as error:  # noqa: BLE001 - reported as the run's failure below
            errors.append(f"POST /v1/events: {error!r}")
        finally:
            connection.close()
            with lock:
                totals["stored"] += stored
                totals["duplicates"] += duplicates
                totals["rejected"] += rejected
                totals["requests"] += requests

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    client_before, server_before = os.times(), server.cpu_seconds()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    client_after, server_after = os.times(), server.cpu_seconds()
    os.close(descriptor)
    if errors:
        fail(errors[0])
    events = totals["stored"] + totals["duplicates"] + totals["rejected"]
    client_cpu = (client_after.user - client_before.user) + (client_after.system - client_before.system)
    return dict(totals, seconds=seconds, rate=events / seconds, events=events, client_cpu=client_cpu,
                server_cpu=server_after - server_before)


def wrk(server, paths, threads, connections, seconds, scratch, name):
    """wrk on random paths: requests/s, p50 and p99 (ms); stops on any non-2xx answer."""
    paths_file = os.path.join(scratch, f"paths-{name}.txt")
    with open(paths_file, "w") as handle:
        handle.write("\n".join(paths) + "\n")
    out, _ = run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
                  "-s", os.path.join(HERE, "bench_peers_reads.lua"), server.url],
                 env=dict(os.environ, PEERS_PATHS=paths_file))
    match = re.search(r"peers: requests/s ([\d.]+) p50 ([\d.]+) p99 ([\d.]+) non2xx (\d+) sockerr (\d+) requests (\d+)", out)
    if not match:
        fail(f"no figures from wrk:\n{out}")
    rate, p50, p99, non2xx, socket_errors, requests = match.groups()
    if int(non2xx) or int(socket_errors):
        fail(f"wrk ({name}): {non2xx} non-2xx answers and {socket_errors} socket errors of {requests} requests")
    os.remove(paths_file)
    return {"rate": float(rate), "p50": float(p50), "p99": float(p99), "requests": int(requests),
            "threads": threads, "connections": connections}


def http_figures(bin_dir, scratch, workload, events, stored_by_append, customers, as_of_pairs, options):
    """HTTP ingest of the workload into a new database, then point reads and as-of reads on it."""
    touchlog = os.path.join(bin_dir, "touchlog")
    db = os.path.join(scratch, "touchlog-http")
    shutil.rmtree(db, ignore_errors=True)
    run([touchlog, "init", "--db", db])
    figures = {"batch": options.http_batch, "connections": options.http_connections, "seconds": options.http_seconds}
    with Server(touchlog, db, os.path.join(scratch, "serve.log"), os.path.join(scratch, "serve.pid")) as server:
        step(f"touchlog serve: POST the workload in batches of {options.http_batch:,} events, "
             f"{options.http_connections} connections")
        result = ingest(server, workload, options.http_batch, options.http_connections)
        if result["events"] != events:
            fail(f"HTTP ingest answered for {result['events']:,} events, not {events:,}")
        if result["rejected"]:
            fail(f"HTTP ingest rejected {result['rejected']:,} events")
        head = server.get_json("/healthz")["head"]
        if result["stored"] != stored_by_append or head != stored_by_append:
            fail(f"HTTP ingest stored {result['stored']:,} events (head {head:,}); `touchlog append` stored {stored_by_append:,}")
        figures["ingest"] = result

        quoted = [urllib.parse.quote(customer, safe="") for customer in customers]
        point_paths = [f"/v1/customers/{customer}" for customer in quoted]
        as_of_paths = [f"/v1/customers/{customer}?asOf={urllib.parse.quote(moment, safe='')}"
                       for customer, (_, moment) in zip(quoted, as_of_pairs)]
        seconds = options.http_seconds
        step(f"wrk: GET /v1/customers/{{id}}, 1 connection, {seconds} s")
        figures["read_1"] = wrk(server, point_paths, 1, 1, seconds, scratch, "point-1")
        many = options.http_read_connections
        step(f"wrk: GET /v1/customers/{{id}}, {many} connections, {seconds} s")
        figures["read_many"] = wrk(server, point_paths, 2, many, seconds, scratch, "point-many")
        step(f"wrk: GET /v1/customers/{{id}}?asOf=T, 1 connection, {seconds} s")
        figures["as_of_1"] = wrk(server, as_of_paths, 1, 1, seconds, scratch, "as-of-1")
    shutil.rmtree(db, ignore_errors=True)
    return figures
