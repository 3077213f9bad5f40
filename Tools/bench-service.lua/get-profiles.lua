-- wrk script: GET /v1/customers/{id} over CUSTOMERS customers (ids as touchlog-sample makes them).
local key = os.getenv("TOUCHLOG_KEY") or ""
local customers = tonumber(os.getenv("CUSTOMERS") or "1000")
local n = 0

function request()
    n = n + 1
    return wrk.format("GET", string.format("/v1/customers/cust-%07d", n % customers + 1), { ["X-API-Key"] = key })
end

local misses = 0
function response(status, headers, body)
    if status ~= 200 then misses = misses + 1 end
end

function done(summary, latency, requests)
    io.write(string.format("requests/s: %.0f, p50 %.2f ms, p99 %.2f ms, non-2xx %d\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        summary.errors.status))
end
