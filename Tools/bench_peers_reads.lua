-- wrk script of Tools/bench-peers: GET a random path from the file PEERS_PATHS (one path a line,
-- e.g. /v1/customers/cust-0000042 or /v1/customers/cust-0000042?asOf=2024-05-01T10%3A00%3A00Z),
-- so every connection asks about random customers of the workload. Prints one line that
-- bench_peers_http.py reads: requests/s, p50, p99 (ms), non-2xx answers and socket errors.
local paths = {}
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("thread_id", counter)
end

function init(args)
    local file = assert(io.open(os.getenv("PEERS_PATHS"), "r"))
    for line in file:lines() do
        if #line > 0 then paths[#paths + 1] = line end
    end
    file:close()
    math.randomseed(os.time() * 100 + (thread_id or 0))
end

function request()
    return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format("peers: requests/s %.1f p50 %.4f p99 %.4f non2xx %d sockerr %d requests %d\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        errors.status, errors.connect + errors.read + errors.write + errors.timeout, summary.requests))
end
