"""`eventcoder eval articles` (article-level gold) and `eval plv --end-to-end`.

Scoring is tested on hand-built predictions against real gold articles (d05, a Turkey/Israel
story with a symmetric event and acceptable alternatives; d15, a non-political health story with
no gold events); the real pipeline is run on one VOA dev article and on a few PLV rows.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import SHARED
from eventcoder.cli import main
from eventcoder.eval_articles import code_article_files, format_report, load_article_gold, score_articles

VOA = SHARED / "eval" / "articles" / "voa-dev"
GOLD = VOA / "gold.jsonl"
PLV = SHARED / "eval" / "plv" / "PLV_train.tsv"


@pytest.fixture(scope="module")
def gold():
    if not GOLD.exists():
        pytest.skip(f"{GOLD} is absent (reference data lives in ../shared)")
    return load_article_gold(GOLD)


def sentence(gold, event_id: str) -> str:
    article = gold[event_id.split("-")[0]]
    return next(e.sentence for e in article.events if e.event_id == event_id)


def non_event(gold, article_id: str, start: str) -> str:
    return next(n.sentence for n in gold[article_id].non_events if n.sentence.startswith(start))


def ev(kind, src, tgt, *, code="000", text="", src_sectors=(), tgt_sectors=(), day=date(2021, 5, 10),
       place=None, has_target=True):
    """A predicted event with just the attributes the scorer reads (duck typing, no pipeline)."""
    def mention(country, sectors):
        return SimpleNamespace(text=f"<{country}>", actor=SimpleNamespace(country=country, sectors=tuple(sectors)))

    return SimpleNamespace(
        source=mention(src, src_sectors), target=mention(tgt, tgt_sectors) if has_target else None,
        cameo=SimpleNamespace(code=code, plover_type=kind), date=SimpleNamespace(value=day),
        location=SimpleNamespace(name=place[0], country=place[1]) if place else None, sentence=text, method="test",
    )


def test_gold_is_read(gold):
    assert len(gold) == 16 and sum(len(a.events) for a in gold.values()) == 90
    d05 = gold["d05"]
    assert d05.publication_date == date(2021, 5, 10)
    sym = next(e for e in d05.events if e.event_id == "d05-08")
    assert sym.symmetric and sym.plover_type == "CONSULT" and sym.target.country == "ISR"
    assert next(e for e in d05.events if e.event_id == "d05-06").alternatives.target_country == (None,)
    trap = next(n for n in d05.non_events if n.candidate == "SANCTION/161")
    assert (trap.candidate_type, trap.candidate_code) == ("SANCTION", "161")


def test_exact_counts_agreement_and_typed_false_positive(gold):
    preds = [
        ev("SUPPORT", "TUR", "PSE", code="051", text=sentence(gold, "d05-01"), src_sectors=["REL"],
           tgt_sectors=["CVL"], place=("Istanbul", "TUR")),
        ev("ACCUSE", "TUR", "ISR", code="112", text=sentence(gold, "d05-05"), src_sectors=["GOV"]),
        ev("ASSAULT", "ISR", "PSE", code="190", text=sentence(gold, "d05-02"), src_sectors=["MIL"], day=date(2021, 5, 8)),
        ev("SANCTION", "TUR", "ISR", code="161", text=non_event(gold, "d05", "Both countries withdrew")),
        ev("ASSAULT", "USA", "TUR", code="190", text="A sentence the gold does not list."),
    ]
    score = score_articles(gold, {"d05": preds})
    t = score.totals
    assert (t.tp, t.fp, t.fn) == (3, 2, 6)
    assert t.precision == pytest.approx(0.6) and t.recall == pytest.approx(1 / 3)
    assert t.f1 == pytest.approx(2 * 0.6 * (1 / 3) / (0.6 + 1 / 3))
    assert (score.non_event_fps, score.typed_fps) == (1, 1)
    assert sorted(m.gold_id for m in score.articles[0].matches) == ["d05-01", "d05-02", "d05-05"]
    rates = {a.name: (a.agree, a.total) for a in score.agreements}
    assert rates["same sentence"] == (3, 3)
    assert rates["CAMEO code exact"] == (2, 3)  # 112 is an acceptable alternative for d05-05, 190 is not 175
    assert rates["CAMEO same root"] == (2, 3)
    assert rates["source sector"] == (3, 3)  # MIL is an alternative for d05-02's COP
    assert rates["target sector"] == (2, 3)  # d05-05's bare ISR accepts no sector; d05-02's CVL is missing
    assert rates["date exact day"] == (2, 3) and rates["date in gold range"] == (3, 3)  # 8 May is inside d05-02's range
    assert rates["place same country"] == (1, 1)
    rows = {r.plover_type: r for r in score.by_type}
    assert (rows["ASSAULT"].gold, rows["ASSAULT"].predicted, rows["ASSAULT"].tp, rows["ASSAULT"].fp) == (1, 2, 1, 1)
    assert rows["PROTEST"].fn == 2 and rows["PROTEST"].recall == 0.0 and rows["PROTEST"].precision is None
    assert rows["SANCTION"].precision == 0.0
    report = format_report(score, details=True)
    assert "TP 3  FP 2  FN 6   precision 0.600  recall 0.333  F1 0.429" in report
    assert "MISS d05-08 CONSULT" in report and "typed non-event" in report and "FP   ASSAULT 190" in report
    assert "MISS" not in format_report(score, details=False)


def test_symmetric_is_orientation_free_and_both_directions_count_once(gold):
    text = sentence(gold, "d05-08")
    reversed_only = score_articles(gold, {"d05": [ev("CONSULT", "ISR", "USA", code="041", text=text)]})
    assert reversed_only.totals.tp == 1 and reversed_only.articles[0].matches[0].swapped
    both = score_articles(gold, {"d05": [ev("CONSULT", "USA", "ISR", code="041", text=text),
                                         ev("CONSULT", "ISR", "USA", code="041", text=text)]})
    assert (both.totals.tp, both.totals.fp, both.duplicates) == (1, 0, 1)
    assert not both.articles[0].matches[0].swapped  # the stated orientation wins the tie
    # d05-05 (TUR accuses ISR) is not symmetric: the reverse is a false positive
    reverse = score_articles(gold, {"d05": [ev("ACCUSE", "ISR", "TUR", code="111", text=sentence(gold, "d05-05"))]})
    assert (reverse.totals.tp, reverse.totals.fp) == (0, 1)


def test_acceptable_alternatives_count_only_when_lenient(gold):
    preds = [
        ev("ASSAULT", "PSE", "ISR", code="180", text=sentence(gold, "d05-03")),  # type alternative of d05-03 PROTEST
        ev("THREATEN", "ISR", None, code="137", text=sentence(gold, "d05-06"), has_target=False),  # target None accepted
        ev("PROTEST", "PSE", "ISR", code="141", text=sentence(gold, "d05-04")),  # source PSE accepted for d05-04
    ]
    lenient = score_articles(gold, {"d05": preds})
    strict = score_articles(gold, {"d05": preds}, strict=True)
    assert (lenient.totals.tp, lenient.totals.fp) == (3, 0)
    assert all(m.lenient for m in lenient.articles[0].matches)
    # strict: only the PROTEST PSE→ISR survives, now as d05-03 (its primary reading), the rest are FPs
    assert (strict.totals.tp, strict.totals.fp) == (1, 2)
    assert strict.articles[0].matches[0].gold_id == "d05-03"
    assert "strict" in format_report(strict).splitlines()[0]


def test_duplicate_is_not_a_false_positive(gold):
    text = sentence(gold, "d05-05")
    score = score_articles(gold, {"d05": [ev("ACCUSE", "TUR", "ISR", code="111", text=text),
                                          ev("ACCUSE", "TUR", "ISR", code="112", text="Erdogan repeated it.")]})
    assert (score.totals.tp, score.totals.fp, score.duplicates) == (1, 0, 1)
    article = score.articles[0]
    assert article.duplicates[0].gold_id == "d05-05" and article.duplicates[0].predicted.cameo_code == "112"
    assert article.matches[0].cameo_exact  # the best-agreeing prediction is the match


def test_non_political_article_predictions_are_all_false_positives(gold):
    assert not gold["d15"].events
    preds = [
        ev("THREATEN", None, None, code="130", text=non_event(gold, "d15", "Researchers warn"), has_target=False),
        ev("ACCUSE", "BFA", "BFA", code="111", text=non_event(gold, "d15", "Boua is preparing")),
        ev("REQUEST", None, None, code="020", text=non_event(gold, "d15", "Experts stressed"), has_target=False),
    ]
    score = score_articles(gold, {"d15": preds})
    t = score.totals
    assert (t.tp, t.fp, t.fn, t.precision, t.recall) == (0, 3, 0, 0.0, None)
    assert (score.non_event_fps, score.typed_fps) == (3, 2)  # the ACCUSE sits on an AID trap: not typed
    assert [f.typed for f in score.articles[0].false_positives] == [True, False, True]


def test_an_actors_party_is_its_gold_country(gold):
    # d03-01: Kenya rejects the UN court (gold target country UNO); the coder's UN actor has no
    # country but its ``party`` (records.Actor.party, where present) names the bloc
    pred = ev("REJECT", "KEN", None, code="120", text=sentence(gold, "d03-01"))
    assert score_articles(gold, {"d03": [pred]}).totals.tp == 0
    pred.target.actor.party = "UNO"
    pred.source.actor.party = "KEN"
    assert score_articles(gold, {"d03": [pred]}).totals.tp == 1


def test_missing_and_unknown_articles_are_reported(gold):
    score = score_articles(gold, {"d15": [], "zz99": [ev("ACCUSE", "USA", "CHN")]})
    assert score.unknown == ("zz99",) and "d05" in score.missing and len(score.missing) == 15
    assert score.totals.fp == 0
    report = format_report(score)
    assert "given but not in the gold (not scored): zz99" in report


def test_null_target_and_collective_members(tmp_path: Path):
    event = {"event_id": "x-01", "sentence": "The minister resigned.", "source": {"text": "minister", "country": "FRA",
             "sector": "GOV"}, "target": None, "plover_type": "RETREAT", "cameo_code": "0831", "symmetric": False,
             "event_date": "2021-01-01", "date_precision": "day", "acceptable_alternatives": {}}
    collective = {**event, "event_id": "x-02", "sentence": "The Nordic states condemned Russia.",
                  "source": {"text": "the Nordic states", "country": None, "sector": None, "members": ["DNK", "SWE"]},
                  "target": {"text": "Russia", "country": "RUS", "sector": None}, "plover_type": "ACCUSE",
                  "cameo_code": "111"}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"article_id": "x", "publication_date": "2021-01-01", "headline": "h",
                                "events": [event, collective], "non_events": []}) + "\n", encoding="utf-8")
    gold = load_article_gold(path)
    preds = [
        ev("RETREAT", "FRA", None, code="0831", text="The minister resigned.", has_target=False, day=date(2021, 1, 1)),
        ev("RETREAT", "FRA", None, code="0831", text="The minister resigned."),  # a target the coder could not place
        ev("ACCUSE", "SWE", "RUS", code="111", text="The Nordic states condemned Russia."),
        ev("RETREAT", "FRA", "DEU", code="0831", text="The minister resigned."),  # a real target: not the null target
    ]
    score = score_articles(gold, {"x": preds})
    assert (score.totals.tp, score.totals.fp, score.duplicates) == (2, 1, 1)
    assert {m.gold_id for m in score.articles[0].matches} == {"x-01", "x-02"}
    assert score.articles[0].false_positives[0].predicted.target_country == "DEU"


def test_real_pipeline_on_a_voa_article(gold, pipeline, monkeypatch, capsys, tmp_path: Path):
    path = VOA / "articles" / "d05.txt"
    coded = code_article_files([str(path)], pipeline)
    article, events = coded["d05"]
    assert article.published_date == date(2021, 5, 10)  # read from the "2021-05-10 20:40 UTC" line
    assert article.text.startswith("Mosques across Turkey") and events
    for e in events:  # mention offsets are offsets in Article.text
        assert article.text[e.source.start:e.source.end] == e.source.text
    monkeypatch.setattr("eventcoder.pipeline.Pipeline", lambda settings=None: pipeline)  # reuse the session's model
    out_json = tmp_path / "score.json"
    assert main(["eval", "articles", str(GOLD), str(path), str(VOA / "articles" / "missing.txt"),
                 "--details", "--json", str(out_json)]) == 0
    out = capsys.readouterr()
    assert "precision" in out.out and "recall" in out.out and "F1" in out.out
    assert "per PLOVER type" in out.out and "== d05:" in out.out
    assert "not coded:" in out.err  # the missing file is reported
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["totals"]["tp"] + data["totals"]["fn"] == 9 and len(data["missing"]) == 15


# -- eval plv --end-to-end ------------------------------------------------------------------------


def _pair(marked: str, root: str):
    from eventcoder.learned.plv import PlvPair, unmarked

    return PlvPair(sentence=unmarked(marked), marked_sentence=marked, source="", target="", gold_root=root, gold_penta="")


def _four_rows():
    """One sentence three times (the triple, its reverse, another type) and a sentence with no event."""
    return [
        _pair("<s>Russia</s> accused <t>Ukraine</t> of shelling the nuclear plant on Monday.", "ACCUSE"),
        _pair("<t>Russia</t> accused <s>Ukraine</s> of shelling the nuclear plant on Monday.", "ACCUSE"),
        _pair("<s>Russia</s> accused <t>Ukraine</t> of shelling the nuclear plant on Monday.", "ASSAULT"),
        _pair("<s>The weather</s> was sunny in <t>Paris</t>.", "CONSULT"),
    ]


def test_end_to_end_finds_marked_triples(pipeline):
    from eventcoder.eval_plv_e2e import end_to_end

    pairs = _four_rows()
    score = end_to_end(pairs, pipeline)
    assert (score.rows, score.sentences) == (4, 2)  # a repeated sentence is coded once
    assert (score.triple, score.pair, score.undirected) == (1, 2, 2)
    assert score.rows_without_event == 1 and score.sentences_without_event == 1
    assert ("ASSAULT", "ACCUSE", 1) in score.confusions
    only = end_to_end(pairs, pipeline, rows=[1, 3])
    assert (only.rows, only.triple, only.undirected) == (2, 0, 1)


def test_a_party_marked_twice_is_found_at_either_mention(pipeline):
    """PLV marks every mention of a party; the event may name the second ("… aid to Liberia due to
    fighting in Liberia"): either counts, and the reader gives both spans."""
    from eventcoder.eval_plv_e2e import end_to_end
    from eventcoder.learned.plv import marked_occurrences, unmarked

    row = _pair("<s>Russia</s> accused <t>Ukraine</t>'s army, and said <t>Ukraine</t> shelled the plant.", "ACCUSE")
    sources, targets = marked_occurrences(row)
    plain = unmarked(row.marked_sentence)
    assert [plain[slice(*s)] for s in sources] == ["Russia"]
    assert [plain[slice(*t)] for t in targets] == ["Ukraine", "Ukraine"]
    second = _pair("After a blast in <t>Ukraine</t> on Monday, <s>Russia</s> accused <t>Ukraine</t> of shelling the plant.",
                   "ACCUSE")
    assert end_to_end([second], pipeline).triple == 1


def test_end_to_end_on_plv_rows_through_the_cli(pipeline, monkeypatch, capsys, tmp_path: Path):
    from eventcoder.eval_plv_e2e import end_to_end
    from eventcoder.learned.plv import read_plv

    if not PLV.exists():
        pytest.skip(f"{PLV} is absent (reference data lives in ../shared)")
    pairs = read_plv(PLV)
    rows = list(range(0, len(pairs), len(pairs) // 10))[:10]
    score = end_to_end(pairs, pipeline, rows=rows)
    assert score.rows + score.unusable == 10
    assert score.triple <= min(score.pair, score.undirected) and score.pair <= score.source <= score.rows
    assert sum(r.rows for r in score.by_root) == score.rows
    ids = tmp_path / "ids.txt"
    ids.write_text(" ".join(map(str, rows)) + "\n", encoding="utf-8")
    monkeypatch.setattr("eventcoder.pipeline.Pipeline", lambda settings=None: pipeline)
    assert main(["eval", "plv", str(PLV), "--end-to-end", "--ids", str(ids), "--limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "triple found (source, target, type)" in out and "rows 5 scored" in out


def test_undated_sentences_keep_their_dated_events():
    """PLV carries no publication dates: a sentence dated "in 2014" or "at the end of August" is
    coded as it stands, not dropped as background of a nominal publication day. Given a real
    publication day (--published), the background rule applies again."""
    from eventcoder.learned.coders import score_plv_end_to_end

    pairs = [
        _pair("<s>The European Union</s> imposed sanctions on <t>Russia</t> in 2014 after the annexation of Crimea.", "COERCE"),
        _pair("<s>Philippine President Rodrigo Duterte</s> met <t>Chinese President Xi Jinping</t> in Beijing at the end of August.",
              "CONSULT"),
    ]
    undated = score_plv_end_to_end(pairs)
    assert (undated.triple, undated.sentences_without_event) == (2, 0)
    dated = score_plv_end_to_end(pairs, published="2020-01-01")
    assert (dated.pair, dated.sentences_without_event) == (0, 2)


def _fold(root: Path, name: str, rows: list[int]) -> Path:
    """A fold folder as scripts/train_classifier.py --fold-models writes it: the (here: shipped) pair model and its rows."""
    from eventcoder.learned.pair_model import GRAPH, META, TOKENIZER, shipped_model_dir

    folder = root / name
    folder.mkdir(parents=True)
    for part in (GRAPH, META, TOKENIZER):
        (folder / part).symlink_to(shipped_model_dir() / part)
    (folder / "rows.txt").write_text("# held out\n" + "\n".join(map(str, rows)) + "\n", encoding="utf-8")
    return folder


def test_end_to_end_cross_validated_codes_each_fold_with_its_own_model(pipeline, monkeypatch, tmp_path: Path):
    from eventcoder.errors import InputError, ResourceError
    from eventcoder.eval_plv_e2e import end_to_end, end_to_end_folds, fold_rows
    from eventcoder.learned.coders import score_plv_end_to_end

    pairs = _four_rows()
    whole = end_to_end(pairs, pipeline)
    split = end_to_end_folds(pairs, [([0, 3], pipeline), ([1, 2], pipeline)])
    # the same model in every fold scores as one run; a sentence in two folds is coded in each
    assert (split.rows, split.triple, split.pair, split.undirected) == (whole.rows, whole.triple, whole.pair, whole.undirected)
    assert split.sentences == 3 and split.by_root == whole.by_root

    _fold(tmp_path / "cv", "fold-1", [0, 3])
    _fold(tmp_path / "cv", "fold-2", [1, 2])
    assert [rows for _, rows in fold_rows(tmp_path / "cv")] == [[0, 3], [1, 2]]
    monkeypatch.setattr("eventcoder.pipeline.Pipeline", lambda settings=None: pipeline)
    cv = score_plv_end_to_end(pairs, fold_models=str(tmp_path / "cv"))
    assert (cv.rows, cv.triple, cv.pair) == (4, 1, 2)

    _fold(tmp_path / "overlap", "fold-1", [0, 1])
    _fold(tmp_path / "overlap", "fold-2", [1, 2])
    with pytest.raises(InputError, match="another fold"):
        fold_rows(tmp_path / "overlap")
    with pytest.raises(InputError, match="no fold-K"):
        fold_rows(tmp_path)
    bad = _fold(tmp_path / "bad", "fold-1", [0, 1, 2, 3])
    (bad / "pair_coder.json").unlink()
    (bad / "pair_coder.json").write_text('{"labels": ["ACCUSE"], "sha256": "0"}', encoding="utf-8")
    with pytest.raises(ResourceError):  # each fold's own model is loaded (and checked)
        score_plv_end_to_end(pairs, fold_models=str(tmp_path / "bad"))


def test_a_fold_gate_written_beside_the_pair_model_is_the_folds_gate(gate_pipeline, tmp_path: Path):
    """scripts/train_extractor.py --plv-folds writes a gate that never saw the fold's sentences
    beside the fold's pair model; the end-to-end CV codes the fold with it."""
    from eventcoder.extract.gate import shipped_gate_path
    from eventcoder.learned.coders import _fold_pipeline

    folder = _fold(tmp_path / "cv", "fold-1", [0, 1])
    assert _fold_pipeline(gate_pipeline, folder).gate == gate_pipeline.gate  # none written: the shipped gate
    name = shipped_gate_path(gate_pipeline.settings.all_pairs).name
    (folder / name).write_text(json.dumps({"threshold": 0.6, "weights": {"bias": -1.5, "lemma=accuse": 2.0}}), encoding="utf-8")
    fold = _fold_pipeline(gate_pipeline, folder)
    assert fold.gate is not None and fold.gate.threshold == 0.6 and dict(fold.gate.weights) == {"bias": -1.5, "lemma=accuse": 2.0}
    assert fold.combined is not gate_pipeline.combined and gate_pipeline.gate.threshold != 0.6
