"""training/synthetic.py on real viwiki articles and on sentences built for each kind of question."""
import json
import random
import re
from collections import Counter

import pytest

from training import synthetic

QUESTION_PHRASE = re.compile(r"\b(bao nhiêu|mấy|nào|ai|đâu|gì)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def examples():
    """Examples from the first long articles of the real corpus."""
    articles = []
    with synthetic.CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            if len(article["text"]) > 4000:
                articles.append(article)
            if len(articles) == 6:
                break
    counts, seen, rng = Counter({k: 0 for k in synthetic.KINDS}), set(), random.Random(13)
    made = [e for article in articles for e in synthetic.article_examples(article, counts, seen, rng)]
    assert len(made) >= 30
    return made


def test_answer_start_points_at_the_answer(examples):
    for e in examples:
        for answer in e["answers"]:
            start = answer["answer_start"]
            assert e["context"][start:start + len(answer["text"])] == answer["text"]
        assert len(e["context"]) <= synthetic.MAX_CONTEXT


def test_questions_ask_and_do_not_give_the_answer_away(examples):
    for e in examples:
        assert e["question"].endswith("?")
        assert QUESTION_PHRASE.search(e["question"]), e["question"]
        assert 6 <= len(e["question"].split()) <= 30
        for answer in e["answers"]:
            assert answer["text"] not in e["question"]


def test_unanswerable_contexts_lack_the_answer(examples):
    answers = {e["id"]: e["answers"][0]["text"] for e in examples if not e["is_impossible"]}
    impossible = [e for e in examples if e["is_impossible"]]
    assert impossible
    for e in impossible:
        assert e["answers"] == []
        assert answers[e["id"].removesuffix("/x")] not in e["context"]


def test_examples_are_unique_and_spread_over_kinds(examples):
    questions = [e["question"] for e in examples if not e["is_impossible"]]
    assert len(questions) == len(set(questions))
    assert len({e["kind"] for e in examples}) >= 4
    assert max(Counter(e["title"] for e in examples if not e["is_impossible"]).values()) <= synthetic.PER_ARTICLE


def ask(sentence, kind, subject=""):
    """(question, answer) pairs of one kind for a sentence."""
    counts, rng = Counter({k: 0 for k in synthetic.KINDS}), random.Random(0)
    return [(synthetic.make_question(sentence, c, subject, rng), sentence[c.answer[0]:c.answer[1]])
            for c in synthetic.candidates(sentence, counts, rng) if c.kind == kind]


def test_count_keeps_its_unit():
    assert ask("Huyện Phong Thổ có 3.517 đảng viên.", "count") == [
        ("Huyện Phong Thổ có bao nhiêu đảng viên?", "3.517 đảng viên")]


def test_dates_keep_their_noun_in_the_question():
    pairs = ask("Văn bản được ban hành ngày 28/8/2013 và có hiệu lực từ năm 2014 trên cả nước.", "date")
    assert ("Văn bản được ban hành ngày nào và có hiệu lực từ năm 2014 trên cả nước?", "28/8/2013") in pairs
    assert any(q.endswith("năm nào trên cả nước?") and a == "2014" for q, a in pairs)


def test_people_places_and_percentages():
    sentence = "Sáng nay, đồng chí Lê Đức Dục chủ trì hội nghị của 45% đại biểu tại tỉnh Quảng Trị."
    assert ask(sentence, "person")[0][1] == "Lê Đức Dục"
    assert "ai chủ trì" in ask(sentence, "person")[0][0].lower()
    question, answer = ask(sentence, "place")[0]
    assert question.endswith("tại tỉnh nào?") and answer == "Quảng Trị"
    question, answer = ask(sentence, "percent")[0]
    assert "bao nhiêu phần trăm đại biểu" in question and answer == "45%"


def test_pronoun_subject_becomes_the_title():
    (question, answer), = ask("Nó được phát hiện năm 1991 bởi nhà thiên văn học Robert McNaught.", "date",
                              subject="Tiểu hành tinh 15290")
    assert question.startswith("Tiểu hành tinh 15290 được phát hiện năm nào") and answer == "1991"
