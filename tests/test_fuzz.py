"""Property tests over every text entry point: random Unicode never crashes, offsets stay valid,
output stays NFC, and answers are always copied from indexed text."""
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag import InvalidQuestion
from rag.chunking import chunk_document, make_splitter
from rag.loading import FileProblem, RawPage, clean_page
from rag.text import sentence_spans, tokens, validate_question

VIETNAMESE = "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐ"
NASTY = "\u0300\u0301\u0303\u0309\u0323\u200b\u200d\ufeff\u202e\u0000\u0007\ud800\n\t "
text = st.text(
    alphabet=st.one_of(
        st.characters(codec=None), st.sampled_from(VIETNAMESE), st.sampled_from(NASTY),
        st.sampled_from(".,;:!?…“”-0123456789"),
    ),
    max_size=400,
)
lines = st.lists(st.one_of(text, st.sampled_from(["Tác giả: Đỗ Nhung", "lượt xem: 12", "top", "Văn bản mới"])),
                 max_size=30)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(lines)
def test_cleaner_never_crashes_and_keeps_nfc(page_lines):
    page = RawPage(path=__import__("pathlib").Path("fuzz.txt"),
                   lines=[unicodedata.normalize("NFC", x) for x in page_lines])
    try:
        doc = clean_page(page, "fuzz")
    except FileProblem:
        return
    assert unicodedata.is_normalized("NFC", doc.text)
    assert doc.text.startswith(doc.title)


@FAST
@given(text, st.integers(20, 400))
def test_chunk_and_sentence_offsets_are_always_valid(body, size):
    body = unicodedata.normalize("NFC", body)
    if not body.strip():
        return
    from rag.types import Document

    doc = Document("d", "t", body, "s")
    for chunk in chunk_document(doc, make_splitter(size, size // 5)):
        assert body[chunk.start:chunk.end] == chunk.text
        for start, end in sentence_spans(body, chunk.start, chunk.end):
            assert chunk.start <= start < end <= chunk.end


@FAST
@given(text)
def test_tokeniser_output_is_lower_case_nfc(value):
    for token in tokens(value):
        assert token and unicodedata.is_normalized("NFC", token) and token == token.lower()


@FAST
@given(text)
def test_question_validation_returns_nfc_or_a_typed_error(value):
    try:
        question = validate_question(value)
    except InvalidQuestion as error:
        assert str(error)
        return
    assert unicodedata.is_normalized("NFC", question) and question == question.strip()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text)
def test_answers_are_always_copied_from_indexed_text(rag, value):
    try:
        answer = rag.ask(value)
    except InvalidQuestion:
        return
    documents = rag.index.documents
    for citation in answer.citations:
        assert documents[citation.doc_id].text[citation.start:citation.end] == citation.text
    if not answer.abstained:
        cited = answer.citations[0]
        assert cited.text[cited.answer_start:cited.answer_end] == answer.answer
        assert answer.sentence in cited.text or answer.sentence in documents[cited.doc_id].text


words = st.sampled_from(["Còn", "Bắc Quang", "thì sao", "ông ấy", "huyện này", "bài này", "hội nghị đó",
                         "bao nhiêu", "đảng viên", "Tổng cộng", "năm 2023", "ai", "?", "con", "the", "ở đó"])
phrase = st.lists(st.one_of(words, text), min_size=1, max_size=8).map(" ".join)
turn = st.fixed_dictionaries({"question": st.one_of(phrase, text)},
                             optional={"answer": st.one_of(st.none(), phrase, text),
                                       "doc_id": st.one_of(st.none(), st.sampled_from(["002_30ff043197b154a6", "x"]))})
history = st.one_of(st.lists(turn, max_size=25), st.lists(st.one_of(st.integers(), st.none(), text), max_size=3),
                    text, st.none())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phrase, history)
def test_any_history_gives_an_answer_or_a_typed_error(rag, question, earlier):
    try:
        answer = rag.ask(question, history=earlier)
    except InvalidQuestion as error:
        assert str(error)
        return
    assert answer.kind in ("fact", "overview", "catalogue", "not_found")
    assert answer.abstained == (answer.kind == "not_found")
    assert unicodedata.is_normalized("NFC", answer.resolved_question)
    documents = rag.index.documents
    for shown in answer.sentences:
        assert documents[shown.doc_id].text[shown.start:shown.end] == shown.text
    for citation in answer.citations:
        assert documents[citation.doc_id].text[citation.start:citation.end] == citation.text
