#!/usr/bin/env python3
"""Check touchlog-sample output (NDJSON of CloudEvents) line by line.

    python3 Tools/check-sample.py FILE [--schemas DIR] [--schema-sample N]

Checks every line: strict JSON (no NaN/Infinity, no duplicate keys), the exact envelope (keys,
specversion, id, source, type, subject, RFC 3339 UTC time, dataschema), and each type's data
(field names, required fields, value ranges; purchase amount = sum(quantity*unitPrice) - discount).
Ids must be unique except exact re-sends (byte-identical lines). Complaints: resolved only after
an opened with the same complaintId. Prints the type mix, late and re-send shares and a few
realism figures; exits 1 on any violation. With --schemas, also validates a sample of lines
against the JSON Schemas (needs jsonschema, referencing).
"""
import json, re, sys, datetime, collections, math, argparse, pathlib

TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
SUBJECT_RE = re.compile(r"^cust-\d{7,}$")
ENVELOPE = ["specversion", "id", "source", "type", "subject", "time", "dataschema", "data"]
TYPES = {
    "touch.purchase": ({"orderId", "amount", "currency"}, {"items", "channel", "discount"}),
    "touch.survey": ({"surveyId", "metric", "score"}, {"comment"}),
    "touch.complaint": ({"complaintId", "status"}, {"category", "severity", "channel"}),
    "touch.social_mention": ({"platform"}, {"text", "sentiment", "reach", "url"}),
    "touch.visit": ({"channel"}, {"location", "durationSeconds"}),
    "customer.profile_updated": ({"attributes"}, set()),
}
ATTRIBUTE_KEYS = {"ageBand", "gender", "region", "city", "industry", "size", "incomeBand", "acquisitionSource"}
SCORE_RANGE = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


def strict_pairs(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def no_constant(name):
    raise ValueError(f"non-standard constant {name}")


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def two_decimals(v):
    return abs(round(v * 100) - v * 100) < 1e-6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--schemas")
    ap.add_argument("--schema-sample", type=int, default=5000)
    args = ap.parse_args()

    errors = []
    def err(n, msg):
        if len(errors) < 50:
            errors.append(f"line {n}: {msg}")
        else:
            errors.append(None)

    seen = {}          # id -> raw line
    keys_seen = set()  # (source, id)
    by_type = collections.Counter()
    lines = unique = resends = late = 0
    max_time = None
    late_delays = []
    events = []        # unique events for the realism pass (compact tuples)
    open_complaints = {}   # complaintId -> (subject, time)
    schema_lines = []

    with open(args.file, "rb") as f:
        for n, raw in enumerate(f, 1):
            lines += 1
            if not raw.endswith(b"\n"):
                err(n, "line does not end with a newline")
            try:
                text = raw.decode("utf-8")
                ev = json.loads(text, object_pairs_hook=strict_pairs, parse_constant=no_constant)
            except Exception as e:  # noqa: BLE001
                err(n, f"not strict JSON: {e}")
                continue
            eid = ev.get("id")
            if eid in seen:
                if seen[eid] != raw:
                    err(n, f"id {eid} reused with different content")
                resends += 1
                continue
            seen[eid] = raw
            unique += 1
            if list(ev.keys()) != ENVELOPE:
                err(n, f"envelope keys {list(ev.keys())}")
                continue
            typ = ev["type"]
            if ev["specversion"] != "1.0": err(n, "specversion")
            if not isinstance(eid, str) or not eid: err(n, "id")
            if not isinstance(ev["source"], str) or not ev["source"]: err(n, "source")
            if (ev["source"], eid) in keys_seen: err(n, "duplicate (source,id)")
            keys_seen.add((ev["source"], eid))
            if typ not in TYPES:
                err(n, f"type {typ}")
                continue
            by_type[typ] += 1
            if not SUBJECT_RE.match(ev["subject"]): err(n, f"subject {ev['subject']}")
            t = ev["time"]
            if not TIME_RE.match(t):
                err(n, f"time {t}")
                continue
            try:
                ts = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ")
            except ValueError:
                err(n, f"time not a real date {t}")
                continue
            if ev["dataschema"] != f"urn:touchlog:schema:{typ}:1": err(n, "dataschema")
            if max_time is not None and ts < max_time:
                late += 1
                late_delays.append((max_time - ts).total_seconds() / 86400)
            else:
                max_time = ts
            data = ev["data"]
            if not isinstance(data, dict):
                err(n, "data not an object")
                continue
            req, opt = TYPES[typ]
            missing = req - data.keys()
            extra = data.keys() - req - opt
            if missing: err(n, f"{typ} missing {missing}")
            if extra: err(n, f"{typ} extra fields {extra}")
            if missing:
                continue
            check_data(n, typ, data, err)
            if typ == "touch.complaint":
                cid = data["complaintId"]
                if data["status"] == "opened":
                    if cid in open_complaints: err(n, f"complaint {cid} opened twice")
                    open_complaints[cid] = (ev["subject"], ts)
                else:
                    if cid not in open_complaints or open_complaints[cid] == "resolved" and False:
                        pass
            events.append((ts, typ, ev["subject"], data, ev["source"]))
            if args.schemas and (len(schema_lines) < args.schema_sample // 2 or n % 97 == 0) and len(schema_lines) < args.schema_sample:
                schema_lines.append((n, ev))

    # Complaint pairing in event-time order.
    events.sort(key=lambda e: e[0])
    opened = {}
    resolved = set()
    for ts, typ, subj, data, _ in events:
        if typ != "touch.complaint":
            continue
        cid = data["complaintId"]
        if data["status"] == "opened":
            opened[cid] = (subj, ts)
        else:
            if cid not in opened:
                errors.append(f"complaint {cid} resolved without being opened before")
            elif opened[cid][0] != subj:
                errors.append(f"complaint {cid} resolved for another customer")
            elif cid in resolved:
                errors.append(f"complaint {cid} resolved twice")
            resolved.add(cid)

    if schema_lines:
        validate_schemas(args.schemas, schema_lines, errors)

    report(lines, unique, resends, late, late_delays, by_type, events, opened, resolved)
    real = [e for e in errors if e]
    if real:
        print(f"\n{len(errors)} problem(s); first ones:")
        for e in real[:50]:
            print("  " + e)
        print(f"0 passed, 1 failed")
        sys.exit(1)
    print("\nall checks passed")


def check_data(n, typ, d, err):
    if typ == "touch.purchase":
        if not isinstance(d["orderId"], str) or not d["orderId"]: err(n, "orderId")
        a = d["amount"]
        if not is_num(a) or a < 0 or not two_decimals(a): err(n, f"amount {a}")
        if not isinstance(d["currency"], str) or not re.fullmatch(r"[A-Z]{3}", d["currency"]): err(n, "currency")
        if "channel" in d and d["channel"] not in ("online", "store", "app", "phone", "partner"): err(n, "channel")
        disc = d.get("discount", 0)
        if not is_num(disc) or disc < 0: err(n, f"discount {disc}")
        if "items" in d:
            items = d["items"]
            if not isinstance(items, list) or not items:
                err(n, "items")
                return
            total = 0
            for it in items:
                if not isinstance(it, dict) or set(it.keys()) != {"sku", "category", "quantity", "unitPrice"}:
                    err(n, f"item {it}")
                    return
                if not is_int(it["quantity"]) or it["quantity"] < 1: err(n, "quantity")
                if not is_num(it["unitPrice"]) or it["unitPrice"] < 0: err(n, "unitPrice")
                if not isinstance(it["sku"], str) or not it["sku"] or not isinstance(it["category"], str) or not it["category"]: err(n, "sku/category")
                total += round(it["quantity"] * round(it["unitPrice"] * 100))
            expect = max(0, total - round(disc * 100))
            if round(a * 100) != expect: err(n, f"amount {a} != items {total/100} - discount {disc}")
    elif typ == "touch.survey":
        m, s = d["metric"], d["score"]
        if m not in SCORE_RANGE: err(n, f"metric {m}")
        elif not is_int(s) or not SCORE_RANGE[m][0] <= s <= SCORE_RANGE[m][1]: err(n, f"score {s} for {m}")
        if "comment" in d and (not isinstance(d["comment"], str) or len(d["comment"]) > 4000): err(n, "comment")
        if not isinstance(d["surveyId"], str) or not d["surveyId"]: err(n, "surveyId")
    elif typ == "touch.complaint":
        if d["status"] not in ("opened", "resolved"): err(n, "status")
        if "severity" in d and d["severity"] not in ("low", "medium", "high"): err(n, "severity")
        for k in ("complaintId", "category", "channel"):
            if k in d and (not isinstance(d[k], str) or not d[k]): err(n, k)
    elif typ == "touch.social_mention":
        if not isinstance(d["platform"], str) or not d["platform"]: err(n, "platform")
        if "sentiment" in d and (not is_num(d["sentiment"]) or not -1 <= d["sentiment"] <= 1): err(n, "sentiment")
        if "reach" in d and (not is_int(d["reach"]) or d["reach"] < 0): err(n, "reach")
        if "text" in d and (not isinstance(d["text"], str) or len(d["text"]) > 4000): err(n, "text")
        if "url" in d and (not isinstance(d["url"], str) or not d["url"]): err(n, "url")
    elif typ == "touch.visit":
        if d["channel"] not in ("web", "store", "app", "call"): err(n, "visit channel")
        if "durationSeconds" in d and (not is_num(d["durationSeconds"]) or d["durationSeconds"] < 0): err(n, "durationSeconds")
        if "location" in d and (not isinstance(d["location"], str) or not d["location"]): err(n, "location")
    elif typ == "customer.profile_updated":
        at = d["attributes"]
        if not isinstance(at, dict) or not at:
            err(n, "attributes")
            return
        for k, v in at.items():
            if k not in ATTRIBUTE_KEYS: err(n, f"attribute key {k}")
            if not (v is None or isinstance(v, (str, bool)) or is_num(v)): err(n, f"attribute value {v!r}")
            if isinstance(v, str) and len(v) > 256: err(n, "attribute too long")


def validate_schemas(directory, sample, errors):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    schemas = [json.loads(p.read_text()) for p in pathlib.Path(directory).glob("*.schema.json")]
    registry = Registry().with_resources((s["$id"], Resource(s, DRAFT202012)) for s in schemas)
    envelope = next(s for s in schemas if s["$id"] == "urn:touchlog:schema:envelope:1")
    validator = Draft202012Validator(envelope, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    bad = 0
    for n, ev in sample:
        for e in validator.iter_errors(ev):
            bad += 1
            errors.append(f"line {n}: schema: {'/'.join(map(str, e.absolute_path))}: {e.message[:120]}")
            break
    print(f"schema validation: {len(sample)} sampled events against {directory}, {bad} invalid")


def pct(a, b):
    return f"{100.0 * a / b:5.2f}%" if b else "n/a"


def report(lines, unique, resends, late, late_delays, by_type, events, opened, resolved):
    print(f"lines {lines}, unique events {unique}, customers {len({e[2] for e in events})}")
    print("type mix (unique events):")
    for t in ["touch.purchase", "touch.visit", "touch.survey", "touch.social_mention", "touch.complaint", "customer.profile_updated"]:
        print(f"  {t:26s} {by_type[t]:9d} {pct(by_type[t], unique)}")
    print(f"late events (event time before an earlier line's): {late} = {pct(late, unique)} of unique events")
    if late_delays:
        ld = sorted(late_delays)
        print(f"  lateness in days: min {ld[0]:.2f}, median {ld[len(ld)//2]:.2f}, max {ld[-1]:.2f}")
    print(f"exact re-sends: {resends} = {pct(resends, unique)} of unique events")
    print(f"complaints opened {len(opened)}, resolved {len(resolved)} ({pct(len(resolved), len(opened))}), still open {len(opened) - len(resolved)}")

    # Realism: seasonality, weekdays, NPS vs complaints, lapsing, sentiment.
    if not events:
        return
    end = events[-1][0]
    month = collections.Counter()
    weekday = collections.Counter()
    purchases = collections.Counter()
    last_purchase = {}
    discount = 0
    channel = collections.Counter()
    nps_open = collections.Counter()
    nps_closed = collections.Counter()
    nps_by_cust = collections.defaultdict(list)
    sent_by_cust = collections.defaultdict(list)
    open_since = {}  # subject -> {complaintId: opened time}
    hours = collections.defaultdict(collections.Counter)
    for ts, typ, subj, d, src in events:
        if typ == "touch.purchase":
            month[ts.month] += 1
            weekday[ts.weekday()] += 1
            purchases[subj] += 1
            last_purchase[subj] = ts
            if d.get("discount", 0) > 0: discount += 1
            ch = d.get("channel", "?")
            channel[ch] += 1
            hours[ch][ts.hour] += 1
        elif typ == "touch.complaint":
            if d["status"] == "opened":
                open_since.setdefault(subj, {})[d["complaintId"]] = ts
            else:
                open_since.get(subj, {}).pop(d["complaintId"], None)
        elif typ == "touch.survey" and d["metric"] == "nps":
            cls = "promoter" if d["score"] >= 9 else "passive" if d["score"] >= 7 else "detractor"
            fresh = any((ts - t0).days < 60 for t0 in open_since.get(subj, {}).values())
            (nps_open if fresh else nps_closed)[cls] += 1
            nps_by_cust[subj].append(d["score"])
        elif typ == "touch.social_mention" and "sentiment" in d:
            sent_by_cust[subj].append(d["sentiment"])
    np_ = sum(purchases.values())
    print(f"purchases per buying customer: {np_ / max(1, len(purchases)):.1f}; with a discount: {pct(discount, np_)}")
    print("purchases by month: " + " ".join(f"{m}:{month[m]}" for m in range(1, 13)))
    print("purchases by weekday (Mon..Sun): " + " ".join(str(weekday[d]) for d in range(7)))
    print("purchase channels: " + ", ".join(f"{k} {pct(v, np_)}" for k, v in channel.most_common()))
    peak = {ch: max(h, key=h.get) for ch, h in hours.items()}
    print("peak purchase hour by channel: " + ", ".join(f"{k} {v}h" for k, v in sorted(peak.items())))

    def nps(c):
        n = sum(c.values())
        return (100.0 * (c["promoter"] - c["detractor"]) / n, n) if n else (float("nan"), 0)
    print("NPS with a complaint opened in the last 60 days and unresolved: %.1f (n=%d); otherwise: %.1f (n=%d)" % (*nps(nps_open), *nps(nps_closed)))
    lapsed = {s for s, t in last_purchase.items() if (end - t).days > 180}
    lap, act = collections.Counter(), collections.Counter()
    for s, scores in nps_by_cust.items():
        for sc in scores:
            cls = "promoter" if sc >= 9 else "passive" if sc >= 7 else "detractor"
            (lap if s in lapsed else act)[cls] += 1
    print(f"customers with no purchase in the last 180 days: {pct(len(lapsed), len(last_purchase))}")
    print("detractor share: lapsed %s vs others %s" % (pct(lap["detractor"], sum(lap.values())), pct(act["detractor"], sum(act.values()))))
    pairs = [(sum(nps_by_cust[s]) / len(nps_by_cust[s]), sum(v) / len(v)) for s, v in sent_by_cust.items() if s in nps_by_cust]
    if len(pairs) > 2:
        xs, ys = zip(*pairs)
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        cov = sum((x - mx) * (y - my) for x, y in pairs)
        r = cov / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))
        print(f"correlation of a customer's mean NPS and mean sentiment: r = {r:.2f} (n={len(pairs)})")


if __name__ == "__main__":
    main()
