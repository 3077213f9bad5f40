-- wrk script: POST batches of unique touch.purchase events (BATCH per request, default 1).
-- Every request carries new (source, id) keys, so each event is really stored.
-- Environment: TOUCHLOG_KEY (API key), BATCH (events per request).
local batch = tonumber(os.getenv("BATCH") or "1")
local key = os.getenv("TOUCHLOG_KEY") or ""
local counter = 0
local next_id = 0

-- Runs in the main state: gives each thread its own number (a global in the thread's state).
function setup(thread)
    next_id = next_id + 1
    thread:set("thread_id", next_id)
end

-- The body is built once, with "@" where each request puts its unique id prefix and "~" where it
-- puts a customer group, so that requests cost wrk two gsubs instead of BATCH string.formats.
local template
local function build()
    local parts = {}
    for i = 1, batch do
        parts[i] = string.format(
            '{"specversion":"1.0","id":"@-%d","source":"bench/wrk","type":"touch.purchase","subject":"bench-~-%d",' ..
            '"time":"2025-%02d-%02dT10:00:00Z","data":{"orderId":"o@-%d","amount":%d.5,"currency":"EUR","channel":"online"}}',
            i, i, i % 12 + 1, i % 28 + 1, i, i % 200)
    end
    if batch == 1 then return parts[1] end
    return "[" .. table.concat(parts, ",") .. "]"
end

local started = os.time()
function request()
    template = template or build()
    counter = counter + 1
    local prefix = string.format("w%d-%d-%d", thread_id or 0, started, counter)
    local body = template:gsub("@", prefix):gsub("~", tostring(counter % (math.floor(100000 / batch) + 1)))
    local headers = { ["X-API-Key"] = key }
    headers["Content-Type"] = batch == 1 and "application/cloudevents+json" or "application/cloudevents-batch+json"
    return wrk.format("POST", "/v1/events", headers, body)
end

local failures = 0
function response(status, headers, body)
    if status ~= 200 then
        failures = failures + 1
        if failures <= 3 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 300) .. "\n") end
    end
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local ok = summary.requests - summary.errors.status
    io.write(string.format("events/s: %.0f (%d requests of %d events in %.1f s, %d non-2xx)\n",
        ok * batch / seconds, summary.requests, batch, seconds, summary.errors.status))
end
