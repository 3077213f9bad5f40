#!/usr/bin/env python3
"""Checks a running `touchlog serve` with clients no one here wrote.

1. The CloudEvents Python SDK (`cloudevents` on PyPI) posts events in structured mode, as a
   batch and in binary mode; the server must store each and acknowledge resends as duplicates.
2. schemathesis runs against the served /openapi.json: no 5xx, and no response (status, content
   type, body) that contradicts the document.

Usage: check-service.py BASE_URL API_KEY   (Tools/check-service starts a server and runs this)
"""
import json
import subprocess
import sys
import uuid
from datetime import datetime, timezone

import requests
from cloudevents.core.bindings.http import to_binary_event, to_structured_event
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

BASE, KEY = sys.argv[1].rstrip("/"), sys.argv[2]
AUTH = {"X-API-Key": KEY}


def event(kind, data, subject="py-cust-1"):
    return CloudEvent({
        "specversion": "1.0", "id": f"py-{uuid.uuid4()}", "source": "python/cloudevents-sdk",
        "type": kind, "subject": subject, "time": datetime(2025, 5, 1, 12, tzinfo=timezone.utc),
        "datacontenttype": "application/json",
    }, data)


def check(condition, message):
    if not condition:
        print(f"FAIL: {message}")
        sys.exit(1)


def post(headers, body, what):
    response = requests.post(f"{BASE}/v1/events", headers={**AUTH, **headers}, data=body, timeout=30)
    check(response.status_code == 200, f"{what}: status {response.status_code}: {response.text}")
    return response.json()


purchase = event("touch.purchase", {"orderId": "py-o1", "amount": 42.5, "currency": "EUR", "channel": "online"})
message = to_structured_event(purchase)
headers, body = message.headers, message.body
result = post(headers, body, "structured")
check(result["events"][0]["status"] == "stored", f"structured: {result}")
position = result["events"][0]["position"]
again = post(headers, body, "structured resend")
check(again["events"][0] == {"index": 0, "id": purchase.get_id(), "status": "duplicate", "position": position}, f"resend: {again}")

survey = event("touch.survey", {"surveyId": "py-s1", "metric": "nps", "score": 9})
message = to_binary_event(survey)
result = post(message.headers, message.body, "binary")
check(result["events"][0]["status"] == "stored", f"binary: {result}")

batch = [event("touch.visit", {"channel": "web"}, subject=f"py-cust-{n}") for n in range(5)]
batch_body = b"[" + b",".join(JSONFormat().write(e) for e in batch) + b"]"
result = post({"Content-Type": "application/cloudevents-batch+json"}, batch_body, "batch")
check(result["stored"] == 5, f"batch: {result}")

# The customer the document's examples name, so that schemathesis reaches real views.
post({"Content-Type": "application/cloudevents-batch+json"}, b"[" + b",".join(JSONFormat().write(e) for e in [
    event("touch.purchase", {"orderId": "ex-1", "amount": 10, "currency": "EUR"}, subject="cust-0000042"),
    event("touch.survey", {"surveyId": "ex-2", "metric": "nps", "score": 3}, subject="cust-0000042"),
]) + b"]", "example customer")

profile = requests.get(f"{BASE}/v1/customers/py-cust-1", headers=AUTH, timeout=30).json()
check(profile["events"]["total"] == 3, f"profile of py-cust-1: {profile}")
print("cloudevents SDK: structured, binary and batch events stored; resend acknowledged as duplicate")

# schemathesis against the served document; the stream never ends, so it is left out.
command = [
    sys.executable, "-m", "schemathesis.cli", "run", f"{BASE}/openapi.json",
    "--header", f"X-API-Key: {KEY}",
    "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
    "--exclude-path", "/v1/stream",
    "--max-examples", "30",
    "--suppress-health-check", "all",
]
completed = subprocess.run(command)
check(completed.returncode == 0, "schemathesis found problems (see above)")
print("schemathesis: no server errors, no response contradicting the document")
