#!/usr/bin/env python3
"""Writes Schemas/openapi.json, the OpenAPI 3.1 document of `touchlog serve`, and embeds the
same bytes in Sources/TouchlogServer/OpenAPIDocument.swift so the binary serves exactly the file.

Run after editing this script: python3 Tools/make-openapi.py
A test (OpenAPIDocumentTests) fails when the two files disagree."""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent

def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}

def problem(description):
    return {"description": description, "content": {"application/problem+json": {"schema": ref("Problem")}}}

def json_response(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}

READ_ERRORS = {
    "400": problem("A query parameter cannot be read."),
    "401": problem("No valid API key."),
    "403": problem("The key lacks the read scope."),
}

def customer_param():
    return {"name": "id", "in": "path", "required": True, "description": "The customer id (the events' subject).",
            "schema": {"type": "string", "minLength": 1}, "example": "cust-0000042"}

def clocks():
    """The two clocks of time travel (Docs/TimeTravel.md)."""
    return [
        {"name": "asOf", "in": "query", "required": False,
         "description": "Event time: what had happened by then, late arrivals included; now-dependent values (recency, overdue, T) are evaluated then. A date (2025-03-01, the end of that day UTC) or an RFC 3339 time. Default: now.",
         "schema": {"type": "string", "format": "date-time"}},
        {"name": "knownAt", "in": "query", "required": False,
         "description": "Recorded time: only what the log held then. A date (the end of that day UTC) or an RFC 3339 time.",
         "schema": {"type": "string", "format": "date-time"}},
        {"name": "position", "in": "query", "required": False, "description": "Only what the log held up to this position.",
         "schema": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807}},
    ]

def customer_get(summary, schema, params=()):
    return {"get": {
        "summary": summary, "tags": ["customers"], "security": [{"apiKey": []}, {"bearer": []}],
        "parameters": [customer_param(), *params],
        "responses": {"200": json_response(summary, schema), **READ_ERRORS, "404": problem("No events for this customer.")},
    }}

event_schema = {
    "type": "object", "description": "A CloudEvent in structured JSON mode; see Schemas/envelope.v1.schema.json and the per-type schemas.",
    "required": ["specversion", "id", "source", "type", "subject", "time", "data"],
    "properties": {
        "specversion": {"const": "1.0"}, "id": {"type": "string"}, "source": {"type": "string"},
        "type": {"type": "string", "enum": ["touch.purchase", "touch.survey", "touch.complaint", "touch.social_mention", "touch.visit", "customer.profile_updated"]},
        "subject": {"type": "string"}, "time": {"type": "string", "format": "date-time"},
        "dataschema": {"type": "string"}, "datacontenttype": {"type": "string"}, "data": {"type": "object"},
    },
}

outcome_schema = {
    "type": "object", "required": ["index", "id", "status"],
    "properties": {
        "index": {"type": "integer", "minimum": 0, "description": "The event's place in the request, from 0."},
        "id": {"type": ["string", "null"]},
        "status": {"enum": ["stored", "duplicate", "rejected", "not_stored"]},
        "position": {"type": "integer", "minimum": 1, "description": "stored: its position; duplicate: the position of the stored original."},
        "location": {"type": "string", "description": "rejected: `event N` (1-based) or, for NDJSON, `line N`."},
        "path": {"type": "string", "description": "rejected: the field path; empty for the whole event."},
        "rule": {"type": "string", "description": "rejected: the rule the field broke."},
        "conflictingPosition": {"type": "integer", "description": "rejected as a conflict: the stored event with the same source and id."},
    },
}

counts = {"stored": {"type": "integer"}, "duplicates": {"type": "integer"}, "rejected": {"type": "integer"}, "notStored": {"type": "integer"}}

document = {
    "openapi": "3.1.0",
    "info": {
        "title": "Touchlog",
        "version": "1.0.0",
        "description": "An event-sourced log of customer touches. Post CloudEvents, read customer views, follow the log. Errors are RFC 9457 problem details. See Docs/Service.md.",
    },
    "servers": [{"url": "http://127.0.0.1:8080"}],
    "tags": [{"name": "events"}, {"name": "customers"}, {"name": "analytics"}, {"name": "operations"}],
    "paths": {
        "/v1/events": {"post": {
            "summary": "Append events",
            "description": "One event (application/cloudevents+json), a batch (application/cloudevents-batch+json, a JSON array), NDJSON (application/x-ndjson, one event a line) or CloudEvents binary mode (ce-specversion, ce-id, ce-source, ce-type, ce-subject, ce-time headers; the body, application/json, is the data). All-or-nothing unless partial=true. A 200 answer means the stored events are durable. (source, id) is the idempotency key: a resend is acknowledged as a duplicate.",
            "tags": ["events"], "security": [{"apiKey": []}, {"bearer": []}],
            "parameters": [{"name": "partial", "in": "query", "required": False, "description": "Store the valid events even when others are rejected.", "schema": {"type": "boolean", "default": False}}],
            "requestBody": {"required": True, "content": {
                "application/cloudevents+json": {"schema": ref("CloudEvent")},
                "application/cloudevents-batch+json": {"schema": {"type": "array", "items": ref("CloudEvent")}},
                "application/x-ndjson": {"schema": {"type": "string", "description": "One CloudEvent (JSON) per line."}},
            }},
            "responses": {
                "200": json_response("Every event's outcome; at least one was stored or acknowledged as a duplicate.", ref("AppendResult")),
                "400": problem("The body is empty or not a JSON array (batch mode), or a parameter cannot be read."),
                "401": problem("No valid API key."),
                "403": problem("The key lacks the append scope."),
                "413": problem("The body or the number of events is over the limit."),
                "415": problem("Unsupported Content-Type."),
                "422": problem("Nothing was stored because of rejected events; the `events` member lists every event's outcome."),
                "503": problem("The server is shutting down."),
            },
        }},
        "/v1/customers/{id}": customer_get("The customer's profile view", ref("Profile"), clocks()),
        "/v1/customers/{id}/loyalty": customer_get("The customer's loyalty view as of a time", ref("Loyalty"), clocks()),
        "/v1/customers/{id}/churn": customer_get("The customer's churn flags as of a time", ref("Churn"), clocks()),
        "/v1/customers/{id}/events": customer_get("The customer's events in order", ref("EventPage"), [
            {"name": "after", "in": "query", "required": False, "description": "Start after this position.", "schema": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807}},
            {"name": "limit", "in": "query", "required": False, "description": "At most this many events.", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
        ]),
        "/v1/trends/satisfaction": {"get": {
            "summary": "Satisfaction trends per day, ISO week or month, by event time",
            "tags": ["analytics"], "security": [{"apiKey": []}, {"bearer": []}],
            "parameters": [
                {"name": "bucket", "in": "query", "required": False, "schema": {"enum": ["day", "week", "month"], "default": "month"}},
                {"name": "by", "in": "query", "required": False, "schema": {"enum": ["overall", "channel", "region", "segment"], "default": "overall"}},
                {"name": "from", "in": "query", "required": False, "description": "From this time (inclusive).", "schema": {"type": "string", "format": "date-time"}},
                {"name": "to", "in": "query", "required": False, "description": "To this time (exclusive).", "schema": {"type": "string", "format": "date-time"}},
                *clocks(),
            ],
            "responses": {"200": json_response("Trend rows, by group then period.", ref("Trends")), **READ_ERRORS},
        }},
        "/v1/churn": {"get": {
            "summary": "Customers with churn flags, riskiest first",
            "tags": ["analytics"], "security": [{"apiKey": []}, {"bearer": []}],
            "parameters": [
                *clocks(),
                {"name": "flag", "in": "query", "required": False, "schema": {"enum": ["overdue", "detractor", "open_complaint", "declining", "negative_sentiment", "low_p_alive"]}},
                {"name": "minScore", "in": "query", "required": False, "description": "Minimum risk score.", "schema": {"type": "number", "minimum": 0, "maximum": 1}},
                {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
                {"name": "cursor", "in": "query", "required": False, "description": "`nextCursor` of the previous page.", "schema": {"type": "string"}},
            ],
            "responses": {"200": json_response("One page of flagged customers.", ref("ChurnPage")), **READ_ERRORS},
        }},
        "/v1/stream": {"get": {
            "summary": "Follow the log (server-sent events)",
            "description": "Catches up from position `after` (or the Last-Event-ID header, which wins), then streams new events live. Each message: `id:` the position, `data:` {position, recordedAt, event}. Comment lines keep idle streams alive.",
            "tags": ["events"], "security": [{"apiKey": []}, {"bearer": []}],
            "parameters": [
                {"name": "after", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807, "default": 0}},
                {"name": "Last-Event-ID", "in": "header", "required": False, "schema": {"type": "string", "pattern": "^[0-9]+$"}},
            ],
            "responses": {"200": {"description": "An endless event stream.", "content": {"text/event-stream": {"schema": {"type": "string"}}}}, **READ_ERRORS},
        }},
        "/healthz": {"get": {
            "summary": "Liveness; open to all", "tags": ["operations"], "security": [],
            "responses": {"200": json_response("Serving.", {"type": "object", "required": ["status", "head"], "properties": {"status": {"const": "ok"}, "head": {"type": "integer", "minimum": 0}}})},
        }},
        "/metrics": {"get": {
            "summary": "Prometheus metrics (admin scope)", "tags": ["operations"], "security": [{"apiKey": []}, {"bearer": []}],
            "responses": {
                "200": {"description": "Prometheus text format 0.0.4.", "content": {"text/plain": {"schema": {"type": "string"}}}},
                "401": problem("No valid API key."), "403": problem("The key lacks the admin scope."),
            },
        }},
        "/openapi.json": {"get": {
            "summary": "This document; open to all", "tags": ["operations"], "security": [],
            "responses": {"200": json_response("The OpenAPI document.", {"type": "object"})},
        }},
    },
    "components": {
        "securitySchemes": {
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "bearer": {"type": "http", "scheme": "bearer"},
        },
        "schemas": {
            "CloudEvent": event_schema,
            "Problem": {
                "type": "object", "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"}, "instance": {"type": "string"},
                    "events": {"type": "array", "items": ref("EventOutcome")}, **counts,
                },
            },
            "EventOutcome": outcome_schema,
            "AppendResult": {"type": "object", "required": [*counts, "events"], "properties": {**counts, "events": {"type": "array", "items": ref("EventOutcome")}}},
            "Profile": {"type": "object", "required": ["customer", "firstSeen", "lastSeen", "attributes", "events", "purchases", "surveys", "complaints", "mentions", "visits"],
                        "properties": {"customer": {"type": "string"}, "attributes": {"type": "object"}}},
            "Loyalty": {"type": "object", "required": ["customer", "asOf", "frequency", "recency", "T", "monetary"],
                        "properties": {"customer": {"type": "string"}, "asOf": {"type": "string"}}},
            "Churn": {"type": "object", "required": ["customer", "asOf", "risk", "flags"], "properties": {
                "customer": {"type": "string"}, "asOf": {"type": "string"}, "risk": {"type": "number", "minimum": 0, "maximum": 1},
                "flags": {"type": "array", "items": {"type": "object", "required": ["reason", "evidence"], "properties": {"reason": {"type": "string"}, "evidence": {"type": "string"}}}},
            }},
            "StoredEvent": {"type": "object", "required": ["position", "recordedAt", "event"], "properties": {
                "position": {"type": "integer", "minimum": 1}, "recordedAt": {"type": "string"}, "event": {"type": "object"}}},
            "EventPage": {"type": "object", "required": ["customer", "events", "next"], "properties": {
                "customer": {"type": "string"}, "events": {"type": "array", "items": ref("StoredEvent")},
                "next": {"type": ["integer", "null"], "description": "Pass as `after` for the next page; null at the end."}}},
            "Trends": {"type": "object", "required": ["bucket", "by", "rows"], "properties": {
                "bucket": {"type": "string"}, "by": {"type": "string"},
                "rows": {"type": "array", "items": {"type": "object", "required": ["period", "group", "surveys", "nps"], "properties": {
                    "period": {"type": "string"}, "group": {"type": "string"}, "surveys": {"type": "integer"}, "nps": {"type": ["number", "null"]}}}}}},
            "ChurnPage": {"type": "object", "required": ["asOf", "customers", "nextCursor"], "properties": {
                "asOf": {"type": "string"}, "customers": {"type": "array", "items": ref("Churn")}, "nextCursor": {"type": ["string", "null"]}}},
        },
    },
}

text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
(ROOT / "Schemas" / "openapi.json").write_text(text)
assert '"""##' not in text and '\\##' not in text
swift = ('// Generated by Tools/make-openapi.py from the same source as Schemas/openapi.json; do not edit.\n\n'
         '/// The OpenAPI 3.1 document served at `/openapi.json`, byte for byte Schemas/openapi.json.\n'
         'enum OpenAPIDocument {\n    static let json = ##"""\n' + text + '"""##\n}\n')
(ROOT / "Sources" / "TouchlogServer" / "OpenAPIDocument.swift").write_text(swift)
print(f"wrote Schemas/openapi.json ({len(text)} bytes) and Sources/TouchlogServer/OpenAPIDocument.swift")
