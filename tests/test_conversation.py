"""The chat as a conversation: follow-ups made standalone, answers of each kind (fact, overview,
catalogue, not found) on the shipped corpus, and the conversation set's scores."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag import catalogue, chat_eval
from rag.feedback import feedback_record, to_eval_case
from rag.followup import resolve
from rag.pipeline import validate_history
from rag.text import InvalidQuestion
from rag.types import Turn

ROOT = Path(__file__).resolve().parent.parent
PHONG_THO = "002_30ff043197b154a6"
BAC_QUANG = "003_8bd0d3019a000018"


def standalone(question: str, *earlier: str | Turn) -> str:
    turns = [t if isinstance(t, Turn) else Turn(t) for t in earlier]
    return resolve(question, turns).question


def test_an_elliptical_follow_up_takes_the_previous_frame():
    assert standalone("Còn Bắc Quang thì sao?", "Phong Thổ có bao nhiêu đảng viên?") == \
        "Bắc Quang có bao nhiêu đảng viên?"
    assert standalone("Còn Bắc Quang?", "Huyện Phong Thổ có bao nhiêu đảng viên?") == \
        "Huyện Bắc Quang có bao nhiêu đảng viên?"
    assert standalone("Thế còn nhà văn hóa thôn, bản?", "Năm 2013 Phong Thổ có bao nhiêu nhà văn hóa xã?") == \
        "Năm 2013 Phong Thổ có bao nhiêu nhà văn hóa thôn, bản?"
    assert standalone("Còn đảng bộ xã?", "Phong Thổ có bao nhiêu chi bộ trực thuộc đảng bộ khối cơ quan?") == \
        "Phong Thổ có bao nhiêu chi bộ trực thuộc đảng bộ xã?"
    assert standalone("Còn năm 2023?", "Năm 2013 Phong Thổ có bao nhiêu nhà văn hóa xã?") == \
        "Năm 2023 Phong Thổ có bao nhiêu nhà văn hóa xã?"


def test_a_follow_up_typed_without_accents_is_read_like_one_with_them():
    # "the con" is restored as "thể còn" by the accent model; the follow-up is recognised anyway
    assert standalone("thể còn Quảng Trị?", "Lai Châu biên soạn được bao nhiêu công trình lịch sử?") == \
        "Quảng Trị biên soạn được bao nhiêu công trình lịch sử?"


def test_a_long_named_thing_swaps_into_a_frame_without_names():
    """Ten words, and "Bác" capitalised: still the counted topic, not a name for a name."""
    assert standalone("Còn chuyên đề học tập và làm theo lời Bác dặn?",
                      "Trong đó chuyên đề phòng, chống tham nhũng bao nhiêu lớp?") == \
        "Trong đó chuyên đề học tập và làm theo lời Bác dặn bao nhiêu lớp?"


def test_anaphors_point_to_the_previous_answer_or_question():
    chaired = Turn("Ai chủ trì hội nghị sơ kết công tác tuyên giáo?", "Lê Đức Dục - Trưởng Ban Tuyên giáo Tỉnh ủy")
    assert standalone("Ông ấy giữ chức vụ gì?", chaired) == "Lê Đức Dục giữ chức vụ gì?"
    assert standalone("Đồng chí đó giữ chức vụ gì?", chaired) == "Đồng chí Lê Đức Dục giữ chức vụ gì?"
    assert standalone("Hội nghị đó diễn ra ngày nào?", chaired) == \
        "Hội nghị sơ kết công tác tuyên giáo diễn ra ngày nào?"
    assert standalone("Huyện này có bao nhiêu chi bộ?", "Huyện Bắc Quang phấn đấu về đích nông thôn mới năm nào?") == \
        "Huyện Bắc Quang có bao nhiêu chi bộ?"


def test_a_question_without_a_subject_is_read_in_the_last_answers_article():
    earlier = Turn("Huyện Bắc Quang phấn đấu đạt chuẩn nông thôn mới vào năm nào?", "năm 2025", BAC_QUANG)
    resolution = resolve("Ai là tác giả?", [earlier])
    assert resolution.doc_id == BAC_QUANG and "Bắc Quang" in resolution.question
    issued = resolve("ban hành ngày nào?", [Turn("Chỉ thị 05-CT/TW do cơ quan nào ban hành?")])
    assert issued.question == "ban hành ngày nào (Chỉ thị 05-CT/TW)?"  # "ngày nào" asks a date, names nothing
    counted = resolve("Tổng cộng bao nhiêu học viên?", [Turn("Năm 2013 Phong Thổ mở bao nhiêu lớp bồi dưỡng?")])
    assert counted.question == "Năm 2013 Phong Thổ mở lớp bồi dưỡng, tổng cộng bao nhiêu học viên?"


def test_a_question_that_stands_alone_inherits_nothing():
    earlier = [Turn("Phong Thổ có bao nhiêu đảng viên?", "3.517 đảng viên", PHONG_THO)]
    for question in ("Khẩu hiệu hành động của Ngành Tuyên giáo Lai Châu là gì?", "Giá vàng hôm nay là bao nhiêu?",
                     "Huyện Bắc Quang có bao nhiêu xã đạt chuẩn nông thôn mới?"):
        resolution = resolve(question, earlier)
        assert resolution.question == question and resolution.doc_id is None


def test_history_is_checked_turn_by_turn():
    assert validate_history([{"question": "Phong Thổ có bao nhiêu đảng viên?", "answer": "x" * 5000}])[0].answer \
        == "x" * 2000  # a long answer is cut, not refused
    for bad, says in (("không phải danh sách", "danh sách"), ([{"question": "?"}] * 21, "21 lượt"),
                      ([{"question": "a" * 1001}], "Lượt 1"), ([{"answer": "x"}], "Lượt 1"), ([42], "Lượt 1")):
        with pytest.raises(InvalidQuestion, match=says):
            validate_history(bad)


def test_the_ellipsis_of_the_issue_is_resolved_and_not_found(rag):
    first = rag.ask("Phong Thổ có bao nhiêu đảng viên?")
    assert first.kind == "fact" and "3.517" in first.answer
    follow_up = rag.ask("Còn Bắc Quang thì sao?", history=[first.as_turn()])
    assert follow_up.resolved_question == "Bắc Quang có bao nhiêu đảng viên?"
    assert follow_up.kind == "not_found" and follow_up.abstained and follow_up.answer is None
    alone = rag.ask("Còn Bắc Quang thì sao?")
    assert alone.resolved_question == "Còn Bắc Quang thì sao?"


def test_a_total_follows_the_group_the_first_question_named(rag):
    """Both clauses end "Tỉnh ủy quản lý với … học viên"; the one of the asked cán bộ diện BTV Tỉnh ủy
    shares more of the question's words than the one of the huyện, thị, thành ủy."""
    first = rag.ask("Quảng Trị mở bao nhiêu lớp bồi dưỡng cho cán bộ diện Ban Thường vụ Tỉnh ủy quản lý?")
    total = rag.ask("Tổng cộng bao nhiêu học viên?", history=[first.as_turn()])
    assert total.kind == "fact" and "2.229" in total.answer and "12.446" not in total.answer


def test_an_article_anaphor_reads_only_that_article(rag):
    first = rag.ask("Huyện Bắc Quang phấn đấu đạt chuẩn huyện nông thôn mới vào năm nào?")
    turn = first.as_turn()
    assert turn.doc_id == BAC_QUANG
    author = rag.ask("Ai là tác giả bài này?", history=[turn])
    assert author.kind == "fact" and author.answer == rag.index.documents[BAC_QUANG].author
    assert "Bắc Quang" in author.resolved_question
    assert {c.doc_id for c in author.citations} == {BAC_QUANG}


@pytest.mark.parametrize("question, doc_id", [
    ("Tóm tắt bài viết về Bắc Quang", BAC_QUANG),
    ("Nội dung chính của bài về Phong Thổ là gì?", PHONG_THO),
])
def test_a_summary_shows_central_sentences_of_the_one_article_asked_about(rag, question, doc_id):
    answer = rag.ask(question)
    assert answer.kind == "overview" and not answer.abstained and answer.sentence is None
    assert 3 <= len(answer.sentences) <= 6
    document = rag.index.documents[doc_id]
    for shown in answer.sentences:
        assert shown.doc_id == doc_id and document.text[shown.start:shown.end] == shown.text
    starts = [s.start for s in answer.sentences]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)  # article order, none twice
    assert answer.answer == "\n".join(s.text for s in answer.sentences)
    assert all(c.doc_id == doc_id for c in answer.citations)


def test_a_topic_question_shows_the_sentences_that_speak_of_it(rag):
    answer = rag.ask("Bài viết nói gì về chuyển đổi số?")
    assert answer.kind == "overview"
    assert any("chuyển đổi số" in s.text for s in answer.sentences)
    for shown in answer.sentences:
        assert rag.index.documents[shown.doc_id].text[shown.start:shown.end] == shown.text
    holding = [c for c in answer.citations if c.answer_start is not None]
    assert all(c.text[c.answer_start:c.answer_end] in answer.answer for c in holding)


def test_questions_about_the_collection_are_answered_from_its_list(rag):
    documents = rag.index.documents
    count = rag.ask("Có bao nhiêu bài viết?")
    assert count.kind == "catalogue" and count.answer.splitlines()[0] == f"Có {len(documents)} bài viết."
    listing = rag.ask("Có những bài viết nào?")
    assert len(listing.answer.splitlines()) == len(documents) and len(listing.citations) == len(documents)
    newest = max((d for d in documents.values() if d.date), key=lambda d: d.date)
    latest = rag.ask("Bài viết mới nhất là bài nào?")
    assert latest.answer == catalogue.article_line(newest.title, newest.date, newest.author)
    by_author = rag.ask("Các bài của tác giả Chí Nhân")
    assert [c.doc_id for c in by_author.citations] == [d.doc_id for d in documents.values() if d.author == "Chí Nhân"]
    assert rag.ask("Các bài của tác giả Không Ai Viết").kind == "not_found"
    # "13 bài phải làm lại" is a fact of an article, not a question about the collection
    assert rag.ask("Có bao nhiêu bài thu hoạch phải làm lại?").kind == "fact"


def test_a_vote_on_a_follow_up_becomes_a_conversation_case(rag):
    first = rag.ask("Phong Thổ có bao nhiêu đảng viên?")
    history = [first.as_turn()]
    answer = rag.ask("Còn Bắc Quang thì sao?", history=history)
    record = feedback_record(answer.to_dict() | {"history": [vars(t) for t in history]}, "up")
    assert record["resolved_question"] == "Bắc Quang có bao nhiêu đảng viên?" and record["kind"] == "not_found"
    assert record["history"][0]["question"] == "Phong Thổ có bao nhiêu đảng viên?"
    case = to_eval_case(record)
    assert case["turns"] == ["Phong Thổ có bao nhiêu đảng viên?", "Còn Bắc Quang thì sao?"]
    assert case["answerable"] is False and case["answers"] == []


def test_the_conversation_set_scores_far_above_asking_without_history(rag):
    conversations = chat_eval.load_conversations(ROOT / "eval" / "conversations.jsonl")
    assert len(conversations) >= 40 and any(not c.answerable for c in conversations)
    sample = [c for c in conversations if c.follow_up in ("ellipsis", "anaphor")][:12]
    summary, rows = chat_eval.evaluate_conversations(rag, sample, progress=False)
    assert summary["with_history"]["f1"] > summary["without_history"]["f1"] + 0.15
    assert sum(r["resolved"] != r["turns"][-1] for r in rows) >= 0.8 * len(rows)  # read as follow-ups
    json.dumps(rows, ensure_ascii=False)  # the rows are what `rag eval --json` prints
