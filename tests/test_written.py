"""The written questions of training/questions/ read back against the real viwiki corpus."""
import json

import pytest

from training import passages, written


@pytest.fixture(scope="module")
def texts():
    return passages.articles()


@pytest.fixture(scope="module")
def examples():
    return written.examples()


def test_every_committed_line_becomes_an_example_whose_offset_points_at_its_answer(examples):
    lines = sum(1 for path in written.QUESTIONS.glob("*.jsonl")
                for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert len(examples) == lines >= 1000
    for e in examples:
        for text, start in e.answers:
            assert e.context[start:start + len(text)] == text
    unanswerable = [e for e in examples if not e.answers]
    assert 0.1 < len(unanswerable) / len(examples) < 0.25


def test_questions_do_not_copy_their_evidence(examples):
    """Paraphrased: few questions share a run of six words with their paragraph."""
    def runs(text, n=6):
        words = text.lower().rstrip("?").split()
        return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
    copied = sum(bool(runs(e.question) & runs(e.context)) for e in examples)
    assert copied / len(examples) < 0.15


def test_an_answer_that_occurs_twice_is_placed_in_its_evidence(texts):
    context = passages.paragraph(texts["lesotho"], 70)
    row = {"question": "Năm 2003 bao nhiêu người chết vì AIDS?", "answer": "29",
           "evidence": "Năm 2003, có 29 nghìn người đã chết vì những nguyên nhân có liên quan đến AIDS."}
    (answer, start), = written.placed(context, row)
    assert context.count("29") == 2 and start == context.rindex("29 nghìn")
    assert written.placed(context, {**row, "answer": None}) == ()
    assert written.placed(context, {**row, "answer": "30"}) == "answer not in its evidence"


def test_check_names_each_bad_line_and_fails(tmp_path, capsys):
    good = {"passage": "lesotho#70", "question": "Lesotho có tỉ lệ HIV cao thứ mấy?", "answer": "thứ ba",
            "evidence": "Lesotho là nước có tỉ lệ HIV cao hàng thứ ba thế giới, với 29% tỉ lệ lây nhiễm "
                        "nơi những người tuổi từ 16-49."}
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in
                              [good, {**good, "passage": "không có#1"}, {**good, "evidence": "không có câu này"}]),
                    encoding="utf-8")
    assert written.check([path]) == 1
    out = capsys.readouterr().out
    assert "q.jsonl:2: unknown passage" in out and "q.jsonl:3: evidence not in the paragraph" in out
    assert out.strip().endswith("1 usable, 2 to fix")


def test_passages_are_prose_paragraphs_of_long_articles(texts):
    picked = passages.pick(20, seed=5)
    assert len({p["title"] for p in picked}) == 20
    for p in picked:
        title, number = p["passage"].rsplit("#", 1)
        assert len(texts[title]) >= passages.MIN_ARTICLE
        assert passages.paragraph(texts[title], int(number)) == p["context"]
        assert not p["context"].startswith("==") and "|" not in p["context"]


def test_quantities_are_counts_amounts_and_shares_but_not_years_or_dates():
    text = "Năm 2013 tỉnh có 272 chi bộ, 21 chi bộ khối cơ quan, 3.517 đảng viên, 45,2% hộ nghèo (ngày 28/8/2013)."
    assert passages.quantities(text) == ["272", "21", "3.517", "45,2"]


def test_number_passages_give_at_least_that_many_quantities(texts):
    for p in passages.pick(10, seed=5, min_quantities=5):
        assert len(passages.quantities(p["context"])) >= 5


def test_an_answer_is_placed_where_it_stands_as_whole_words():
    context = "Giải có 12 đội chủ nhà và 2 đội khách mời."
    row = {"question": "Có mấy đội khách mời?", "answer": "2 đội", "evidence": context}
    assert written.placed(context, row) == (("2 đội", context.index("2 đội khách")),)


def test_written_files_are_chosen_by_several_globs():
    chosen = {p.name for p in written.matching("round2-*.jsonl, written-*.jsonl")}
    assert "round2-00.jsonl" in chosen and "written-00.jsonl" in chosen
    assert not any(name.startswith("counts-") for name in chosen)
    assert written.matching("nothing-*.jsonl") == []


def test_new_paragraphs_skip_articles_already_asked_about_and_lean_to_the_genre(texts):
    used = passages.used_titles(str(written.QUESTIONS / "*.jsonl"))
    words = ("tỉnh", "huyện", "xã", "dân số", "Đảng")
    picked = passages.pick(12, seed=5, exclude=used, words=words)
    assert len(picked) == 12 and len(used) >= 1000
    for row in picked:
        assert row["title"] not in used
        assert sum(w in row["context"] for w in words) >= 2
        assert passages.paragraph(texts[row["title"]], int(row["passage"].rpartition("#")[2])) == row["context"]
