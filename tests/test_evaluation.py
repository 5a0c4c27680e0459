"""Evaluation: metrics on hand-made cases, dataset loaders, the known-facts set, `rag eval`."""
import json
import os
import subprocess
import sys

import pytest

from rag.diacritics import lacks_diacritics
from rag.evaluation import contains, exact_match, f1, load_cases, load_dataset, load_squad, normalize, without_accents

from .conftest import ROOT

FACTS = ROOT / "eval" / "facts.jsonl"


@pytest.mark.parametrize(
    "prediction, gold, em",
    [
        ("2.103.994 lượt người", "2103994 lượt người", 1.0),  # thousands separators
        ("“Tiên phong - Trọng tâm - Thuyết phục”", "Tiên phong – Trọng tâm – Thuyết phục", 1.0),
        ("ĐẢNG VIÊN", "đảng viên", 1.0),
        ("\u0110a\u0309ng vie\u0302n", "Đảng viên", 1.0),  # decomposed marks = composed
        ("đảng viên", "dang vien", 0.0),  # diacritics are part of the word
        ("8,3 vạn", "83 vạn", 0.0),  # a decimal comma is not a separator
        (None, "3.517", 0.0),
    ],
)
def test_exact_match_vietnamese_normalisation(prediction, gold, em):
    assert exact_match(prediction, (gold,)) == em


def test_token_f1_counts_syllables():
    assert f1("3.517 đảng viên", ("3.517",)) == pytest.approx(0.5)
    assert f1("tổng số 3.517 đảng viên", ("3.517 đảng viên",)) == pytest.approx(2 * 0.6 * 1 / 1.6)
    assert f1("Lê Đức Dục", ("Lê Đức Dục", "Đặng Thanh Sơn")) == 1.0
    assert f1("", ("x",)) == 0.0


def test_contains_needs_whole_words():
    assert contains(["với tổng số 3.517 đảng viên."], ("3.517",)) == 1.0
    assert contains(["với tổng số 13.517 đảng viên."], ("3.517",)) == 0.0
    assert normalize("  Phong   Thổ, ") == "phong thổ"


def test_squad_v1_and_v2_loaders(tmp_path):
    data = {"version": "v2.0", "data": [{"title": "Lai Châu", "paragraphs": [{
        "context": "Phong Thổ có 3.517 đảng viên.",
        "qas": [{"id": "a", "question": "Phong Thổ có bao nhiêu đảng viên?",
                 "answers": [{"text": "3.517", "answer_start": 13}, {"text": "3.517", "answer_start": 13}]},
                {"id": "b", "question": "Bắc Quang có bao nhiêu đảng viên?", "answers": [],
                 "is_impossible": True}]}]}]}
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    dataset = load_squad(path)
    assert [d.doc_id for d in dataset.documents] == ["00-00"]
    assert dataset.documents[0].title == "Lai Châu"
    first, second = dataset.cases
    assert first.answers == ("3.517",) and first.doc_id == "00-00" and first.answerable
    assert second.answers == () and not second.answerable


def test_xquad_splits_are_disjoint_halves():
    path = ROOT.parent / "shared" / "benchmarks" / "xquad-vi" / "xquad.vi.json"
    dev, test = load_squad(path, "dev"), load_squad(path, "test")
    assert len(dev.documents) + len(test.documents) == 240
    assert not {d.doc_id for d in dev.documents} & {d.doc_id for d in test.documents}
    assert len(dev.cases) + len(test.cases) == 1190


def test_known_facts_set_is_complete_and_every_answer_is_in_its_article(rag):
    cases = load_cases(FACTS)
    answerable = [c for c in cases if c.answerable]
    assert len(answerable) >= 60 and len(cases) - len(answerable) >= 12
    assert {c.doc_id for c in answerable} == set(rag.index.documents)
    assert len({c.id for c in cases}) == len(cases)
    for case in answerable:
        text = rag.index.documents[case.doc_id].text
        for answer in case.answers:
            assert answer in text, (case.id, answer)
    for case in cases:
        if not case.answerable:
            assert case.answers == () and case.doc_id is None


def test_rag_eval_json_on_the_known_facts(corpus_index, tmp_path):
    report = tmp_path / "report.html"
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    result = subprocess.run(
        [sys.executable, "-m", "rag", "eval", str(FACTS), "--index", str(corpus_index), "--json",
         "--report", str(report)], capture_output=True, text=True, env=env, check=True)
    data = json.loads(result.stdout)
    assert set(data) >= {"n", "retrieval", "answer", "abstention", "latency_ms", "per_question"}
    assert data["n"] == len(load_cases(FACTS))
    assert set(data["retrieval"]) == {"recall@1", "recall@5", "recall@10", "mrr"}
    assert set(data["answer"]) == {"exact_match", "f1", "contains", "citation_accuracy"}
    assert data["retrieval"]["recall@5"] >= 0.95
    assert data["answer"]["contains"] >= 0.9
    row = data["per_question"][0]
    assert {"question", "gold", "predicted", "correct"} <= set(row)
    page = report.read_text(encoding="utf-8")
    assert "<svg" in page and page.index("✗") < page.index("✓")  # failed questions first


def test_the_known_facts_typed_without_accents():
    plain = without_accents(load_dataset(FACTS))
    assert plain.name.endswith("(không dấu)") and len(plain.cases) == len(load_cases(FACTS))
    assert all(lacks_diacritics(case.question) for case in plain.cases)
    assert plain.cases[0].answers == load_cases(FACTS)[0].answers  # the gold answers keep theirs
