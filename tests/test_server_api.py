"""HTTP API in process (FastAPI TestClient) over a store coded from examples/articles/ by the real pipeline."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("pandas")
from conftest import build_examples_store
from fastapi.testclient import TestClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UKR_RUS = {"source": "UKR", "target": "RUS"}


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline) -> Path:
    return build_examples_store(tmp_path_factory.mktemp("api"), pipeline)


@pytest.fixture(scope="module")
def client(db, pipeline):
    from eventcoder.server import create_app

    app = create_app(db, token=TOKEN, pipeline_factory=lambda: pipeline)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _events(client, **params) -> dict:
    r = client.get("/events", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _ukr_event(client) -> dict:
    items = _events(client, corrections="ignore", **UKR_RUS)["items"]
    assert len(items) == 1
    return items[0]


def test_filters_select_the_right_events(client) -> None:
    dyad = _events(client, source="IRN", target="SYR")
    assert dyad["total"] == 3
    assert {(e["source_country"], e["target_country"]) for e in dyad["items"]} == {("IRN", "SYR")}
    assert {e["cameo_code"] for e in dyad["items"]} == {"057", "0332", "042"}
    assert _events(client, plover="accuse")["total"] == 4
    assert {e["event_id"] for e in _events(client, quad=4)["items"]} == {
        e["event_id"] for e in _events(client, cameo=["15", "17"])["items"]}
    assert [e["trigger"] for e in _events(client, text="grain shipments")["items"]] == ["criticized"]
    assert _events(client, since="2021-01-01", until="2021-12-31")["total"] == 2
    assert _events(client, root="11", actor="IRNMIL")["items"][0]["target_code"] == "TUR"
    assert _events(client, country="JPN")["items"][0]["location_name"] == "Tokyo"


def test_sorting_and_pages(client) -> None:
    ranked = _events(client, sort="goldstein", page_size=500)["items"]
    scores = [e["goldstein"] for e in ranked]
    assert scores == sorted(scores) and len(ranked) == 13
    first, last = _events(client, page_size=5, page=1), _events(client, page_size=5, page=3)
    assert (first["pages"], len(first["items"]), len(last["items"])) == (3, 5, 3)
    newest = _events(client, page_size=1)["items"][0]
    assert newest["event_date"] == "2022-06-07"


def test_event_detail_has_evidence_spans_and_mentions(client) -> None:
    event_id = _ukr_event(client)["event_id"]
    detail = client.get(f"/events/{event_id}").json()
    spans, text = detail["spans"], detail["mentions"][0]["sentence"]
    assert spans["trigger"]["text"] == "criticized"
    assert spans["source"]["text"] == "Ukraine's foreign minister"
    assert spans["target"]["text"] == "Russia"
    assert spans["source"]["end"] <= spans["trigger"]["start"] < spans["target"]["start"]
    assert text.startswith("Ukraine's foreign minister criticized Russia")
    assert detail["linked"][0]["num_articles"] == 1 and detail["article"]["outlet"] == "example wire"
    article = client.get(f"/articles/{detail['event']['article_id']}").json()
    body = article["article"]["text"]
    roles = {(s["role"], body[s["start"]:s["end"]]) for s in article["spans"]}
    assert {("source", "Ukraine's foreign minister"), ("trigger", "criticized"), ("target", "Russia")} <= roles


def test_series_network_alerts_map_stats_health(client) -> None:
    series = client.get("/series", params={"dyad_source": "IRN", "dyad_target": "SYR", "by": "month"}).json()
    july = [r for r in series["rows"] if r["period"] == "2020-07-01"][0]
    assert (july["events"], july["quad_1"], round(july["goldstein_sum"], 1)) == (3, 3, 15.1)
    countries = client.get("/series", params={"unit": "country", "only": "RUS", "by": "year"}).json()["rows"]
    assert {r["period"]: r["events"] for r in countries if r["events"]} == {"2020-01-01": 2, "2022-01-01": 1}
    edges = {(e["source"], e["target"]): e["events"] for e in client.get("/network").json()["edges"]}
    assert edges[("IRN", "SYR")] == 3 and edges[("UKR", "RUS")] == 1
    alerts = client.get("/alerts", params={"unit": "country", "by": "year", "baseline": 1, "all": True}).json()
    assert alerts["alerts"] and {"key", "count", "score", "flagged"} <= set(alerts["alerts"][0])
    points = {p["name"]: p["events"] for p in client.get("/map").json()["points"]}
    assert points["Damascus"] == 2 and points["Tokyo"] == 1
    stats = client.get("/stats").json()
    assert stats["tables"]["events"] == 13 and stats["dataset"]["first_date"] == "2019-11-21"
    health = client.get("/health").json()
    assert (health["status"], health["read_only"], health["max_page_size"]) == ("ok", False, 500)


def test_export_downloads_follow_the_filters(client) -> None:
    r = client.get("/export", params={"format": "csv", "source": "IRN", "target": "SYR"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 3 == int(r.headers["x-eventcoder-rows"])
    icews = client.get("/export", params={"format": "icews", "plover": "ACCUSE"}).text.splitlines()
    assert icews[0].startswith("Event ID\tEvent Date") and len(icews) == 5


def test_corrections_are_stored_shown_exported_and_retractable(client) -> None:
    event = _ukr_event(client)
    body = {"action": "change", "author": "Ana Analyst", "note": "blocking shipments is an accusation",
            "changes": {"cameo_code": "112", "target_code": "RUSMIL", "target_name": "Russian military"}}
    saved = client.post(f"/events/{event['event_id']}/corrections", json=body, headers=AUTH)
    assert saved.status_code == 201, saved.text
    assert saved.json()["changes"]["target_country"] == "RUS" and saved.json()["original"]["cameo_code"] == "111"
    row = _events(client, **UKR_RUS)["items"][0]
    assert (row["cameo_code"], row["target_code"], row["plover_mode"]) == ("112", "RUSMIL", "disapprove")
    assert row["correction"]["author"] == "Ana Analyst" and "cameo_code" in row["correction"]["fields"]
    applied = list(csv.DictReader(io.StringIO(client.get("/export", params={"format": "csv", **UKR_RUS}).text)))
    raw = list(csv.DictReader(io.StringIO(client.get(
        "/export", params={"format": "csv", "corrections": "ignore", **UKR_RUS}).text)))
    assert applied[0]["cameo_code"] == "112" and raw[0]["cameo_code"] == "111"
    training = [json.loads(line) for line in client.get("/corrections/export").text.splitlines()]
    ex = [t for t in training if t["event_id"] == event["event_id"]][0]
    assert ex["markup"] == ("(SRC: Ukraine's foreign minister) (EVT: criticized) (TAR: Russia) on Tuesday for "
                            "blocking grain shipments.")
    assert ex["label"]["cameo_code"] == "112" and ex["coded"]["cameo_code"] == "111" and ex["status"] == "corrected"
    dictionary = client.get("/corrections/export", params={"kind": "dictionary"}).text
    assert "---  CRITICIZE   [---]  ---" in dictionary and "[112]" in dictionary
    wrong = client.post(f"/events/{event['event_id']}/corrections", json={"action": "wrong", "author": "Bo"}, headers=AUTH)
    assert wrong.status_code == 201
    assert _events(client, **UKR_RUS)["total"] == 0
    assert _events(client, corrections="ignore", **UKR_RUS)["items"][0]["correction"]["action"] == "wrong"
    history = client.get(f"/events/{event['event_id']}").json()["history"]
    assert [h["action"] for h in history] == ["change", "wrong"] and history[0]["author"] == "Ana Analyst"
    client.post(f"/events/{event['event_id']}/corrections", json={"action": "retract", "author": "Bo"}, headers=AUTH)
    assert _events(client, **UKR_RUS)["items"][0]["cameo_code"] == "111"


def test_dictionary_additions_load_as_a_verb_dictionary(client, tmp_path) -> None:
    from eventcoder.events.verbdict import VerbDictionary

    event = _events(client, source="JPN")["items"][0]
    client.post(f"/events/{event['event_id']}/corrections", headers=AUTH,
                json={"action": "change", "author": "Cy", "changes": {"cameo_code": "040"}})
    path = tmp_path / "additions.txt"
    path.write_text(client.get("/corrections/export", params={"kind": "dictionary"}).text, encoding="utf-8")
    verbs = VerbDictionary.load(path)
    assert verbs is not None and "[040]" in path.read_text(encoding="utf-8")


def test_post_articles_codes_and_stores(client) -> None:
    article = {"text": "Egypt's foreign minister praised Sudan on Monday for its cooperation on the Nile dam talks.",
               "headline": "Cairo praises Khartoum", "published": "2021-03-01", "outlet": "test wire",
               "url": "https://example.org/t1"}
    r = client.post("/articles", json={"articles": [article, {"text": "too short"}]}, headers=AUTH)
    assert r.status_code == 200, r.text
    coded, short = r.json()["results"]
    assert coded["status"] == "coded" and coded["events"] and short["status"] == "rejected"
    stored = _events(client, source="EGY", target="SDN")["items"]
    assert stored and stored[0]["cameo_code"].startswith("05") and stored[0]["outlet"] == "test wire"
    again = client.post("/articles", json={"articles": [article]}, headers=AUTH).json()
    assert again["results"][0]["status"] == "already_stored"


def test_post_articles_refuses_a_second_text_under_the_same_id(client) -> None:
    first = {"text": "Kenya's president thanked Ethiopia on Tuesday for its help with the border talks.",
             "published": "2021-03-02", "outlet": "id wire", "id": "kx-1"}
    second = {**first, "text": first["text"] + " He also met the Somali envoy."}
    bad_date = {**first, "id": "kx-2", "published": "0001-01-01"}
    r = client.post("/articles", json={"articles": [first, second, bad_date]}, headers=AUTH)
    assert r.status_code == 200, r.text
    coded, refused, dated = r.json()["results"]
    assert coded["status"] == "coded"
    assert (refused["status"], refused["reason"]) == ("rejected", "duplicate-id") and "'kx-1'" in refused["detail"]
    assert (dated["status"], dated["reason"]) == ("rejected", "bad-date")


def _assert_error_shape(response, status: int) -> dict:
    body = response.json()
    assert response.status_code == status, response.text
    assert list(body) == ["error"]
    assert set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status and isinstance(body["error"]["details"], list)
    assert body["error"]["message"] and body["error"]["code"]
    return body["error"]


def test_every_error_has_one_json_shape(client, tmp_path) -> None:
    from eventcoder.server import create_app
    from eventcoder.store import EventStore

    assert _assert_error_shape(client.get("/no/such/path"), 404)["code"] == "not_found"
    assert _assert_error_shape(client.get("/events/ffffffffffffffff"), 404)["message"] == "no event 'ffffffffffffffff'"
    assert _assert_error_shape(client.get("/articles/nope"), 404)["code"] == "not_found"
    bad = _assert_error_shape(client.get("/events", params={"since": "yesterday"}), 422)
    assert bad["details"][0]["field"] == "since"
    assert _assert_error_shape(client.get("/events", params={"page_size": 501}), 422)["details"][0]["field"] == "page_size"
    _assert_error_shape(client.get("/series", params={"dyad_source": "IRN"}), 422)
    _assert_error_shape(client.delete("/events"), 405)
    _assert_error_shape(client.post("/articles", json={"articles": []}), 401)
    _assert_error_shape(client.post("/articles", json={"articles": []}, headers=AUTH), 422)
    change = {"action": "change", "author": "x", "changes": {"cameo_code": "999"}}
    assert "unknown CAMEO code" in _assert_error_shape(
        client.post(f"/events/{_ukr_event(client)['event_id']}/corrections", json=change, headers=AUTH), 422)["message"]
    big = client.post("/articles", content=b"{}", headers={**AUTH, "Content-Type": "application/json",
                                                          "Content-Length": str(10**8)})
    _assert_error_shape(big, 413)
    EventStore(tmp_path / "empty.duckdb").close()
    with TestClient(create_app(tmp_path / "empty.duckdb"), raise_server_exceptions=False) as ro:
        assert _assert_error_shape(ro.post("/articles", json={"articles": []}), 403)["code"] == "read_only"


def test_openapi_and_offline_docs(client) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/events", "/events/{event_id}", "/articles/{article_id}", "/series", "/network", "/alerts", "/stats",
            "/health", "/export", "/articles", "/events/{event_id}/corrections", "/corrections/export"} <= set(spec["paths"])
    assert "ErrorResponse" in spec["components"]["schemas"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/js/docs.js" in docs.text
    assert "cdn" not in docs.text.lower() and "http" not in docs.text.replace("http-equiv", "")
    assert client.get("/redoc").status_code == 404
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]
