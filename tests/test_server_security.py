"""Security: fuzzing the OpenAPI spec finds no 5xx, SQL injection in every filter is harmless,
write endpoints refuse without the token, page size is capped, article HTML is never rendered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("pandas")
schemathesis = pytest.importorskip("schemathesis")
from conftest import build_examples_store
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "eventcoder" / "server" / "static"
TOKEN = "security-token-0123456789"
INJECTIONS = (
    "' OR '1'='1", "IRN'; DROP TABLE events; --", "1) OR (1=1", "%' UNION SELECT text FROM articles --",
    "\"; SELECT * FROM runs; --", "IRN%", "_", "' || (SELECT count(*) FROM events) || '",
)
FILTERS = ("since", "until", "country", "source", "target", "actor", "cameo", "root", "quad", "penta", "plover",
           "text", "level", "method", "corrections")


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline) -> Path:
    return build_examples_store(tmp_path_factory.mktemp("security"), pipeline)


@pytest.fixture(scope="module")
def app(db, pipeline):
    from eventcoder.server import create_app

    return create_app(db, token=TOKEN, pipeline_factory=lambda: pipeline)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_fuzzing_the_openapi_spec_finds_no_server_error(app) -> None:
    """Property-based requests for every operation (bounded: 12 examples each, under 200 in all)."""
    from hypothesis import given

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [op.ok() for op in schema.get_all_operations()]
    assert 14 <= len(operations) <= 16
    failures: list[str] = []
    for operation in operations:
        @settings(max_examples=12, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query} {case.body}: "
                                f"{response.status_code} {response.text[:300]}")

        run()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("endpoint", ["/events", "/map", "/stats", "/export", "/network", "/series"])
def test_sql_injection_in_every_filter_is_refused_or_matches_nothing(client, endpoint) -> None:
    for name in FILTERS:
        for payload in INJECTIONS:
            r = client.get(endpoint, params={name: payload})
            assert r.status_code < 500, (endpoint, name, payload, r.text)
            if r.status_code == 200 and endpoint == "/events":
                assert r.json()["total"] == 0, (name, payload)
            elif r.status_code == 200 and endpoint == "/export":
                assert r.headers["x-eventcoder-rows"] == "0", (name, payload)
            elif r.status_code != 200:
                assert 400 <= r.status_code < 500 and set(r.json()["error"]) >= {"status", "code", "message"}
    for payload in INJECTIONS:  # path parameters too
        assert client.get(f"/events/{payload}").status_code in (404, 422)
        assert client.get("/events", params={"sort": payload}).status_code == 422
    assert client.get("/stats").json()["tables"]["events"] >= 12  # nothing was dropped


def test_write_endpoints_refuse_without_the_token(client, db, tmp_path) -> None:
    from eventcoder.server import create_app
    from eventcoder.store import EventStore

    event_id = client.get("/events", params={"page_size": 1}).json()["items"][0]["event_id"]
    correction = {"action": "wrong", "author": "mallory"}
    article = {"articles": [{"text": "Iran's president criticized Turkey on Monday for the border raids."}]}
    for headers in ({}, {"Authorization": "Bearer wrong-token-000"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": "Bearer"}, {"Authorization": f"bearer {TOKEN}x"}):
        assert client.post(f"/events/{event_id}/corrections", json=correction, headers=headers).status_code == 401
        r = client.post("/articles", json=article, headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert client.get("/corrections").json()["items"] == []
    assert client.get("/stats").json()["tables"]["articles"] == 6
    EventStore(tmp_path / "ro.duckdb").close()
    with TestClient(create_app(tmp_path / "ro.duckdb"), raise_server_exceptions=False) as ro:
        for path, body in (("/articles", article), ("/events/abc/corrections", correction)):
            r = ro.post(path, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
            assert (r.status_code, r.json()["error"]["code"]) == (403, "read_only")


def test_page_size_is_capped(client) -> None:
    assert client.get("/events", params={"page_size": 500}).status_code == 200
    for size in (501, 10**6, 10**30, 0, -1):
        assert client.get("/events", params={"page_size": size}).status_code == 422
    assert client.get("/corrections", params={"limit": 5000}).status_code == 422
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/events"]["get"]["parameters"]}
    assert "capped" in params["page_size"]["description"]


def test_article_html_is_stored_as_text_and_the_dashboard_never_renders_html(client) -> None:
    text = ("Iran's foreign minister criticized Turkey on Monday. <script>window.__pwned = 1</script> "
            "<img src=x onerror=\"window.__pwned = 2\"> Officials said the talks would go on.")
    r = client.post("/articles", headers={"Authorization": f"Bearer {TOKEN}"},
                    json={"articles": [{"text": text, "headline": "<b>bold</b> claims", "published": "2023-05-02"}]})
    result = r.json()["results"][0]
    assert result["status"] == "coded", r.text
    article = client.get(f"/articles/{result['article_id']}")
    assert article.headers["content-type"].startswith("application/json")
    assert "<script>window.__pwned = 1</script>" in article.json()["article"]["text"]
    assert "script-src 'self'" in client.get("/").headers["content-security-policy"]
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (STATIC / "js").glob("*.js"))
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", sources)
    html = "\n".join(p.read_text(encoding="utf-8") for p in STATIC.glob("*.html"))
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "every asset must be served by the server itself"
