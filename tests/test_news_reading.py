"""The rules on real news articles of ../shared/corpora/news-vi, read as eval/news-dev.jsonl asks
them: the failures this development set showed, each a habit of Vietnamese news writing."""
import pytest

from rag import RAG, store
from rag.ingest import ingest
from rag.reader.questions import asked_kind, question_type
from rag.reader.spans import candidate_spans

from .conftest import CORPUS

NEWS = CORPUS.parent.parent / "shared" / "corpora" / "news-vi"
ARTICLES = ["news_business_036", "news_entertainment_214", "news_health_172", "news_world_061", "news_world_121"]


@pytest.fixture(scope="module")
def news_rag(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("news-index")
    ingest([NEWS / f"{name}.txt" for name in ARTICLES], folder, embedder, progress=False)
    return RAG(store.load(folder), embedder, reader="rules")


def sentence_with(rag, needle):
    return next(s.text for s in rag.index.sentences if needle in s.text)


def spans_text(kind, sentence, question):
    return [sentence[a:b] for a, b in candidate_spans(kind, sentence, question)]


@pytest.mark.parametrize("question, answer, not_this", [
    # "TP.HCM" is one name: its dot is no sentence end
    ("Đại hội đồng cổ đông thường niên 2021 của LienVietPostBank được tổ chức ở đâu?", "TP.HCM", None),
    # "Thế vận hội Bắc Kinh 2008" names an event: its year is not when the scandal broke
    ('Scandal "hát nhép" của Lâm Diệu Khả nổ ra vào năm nào?', "2012", "2008"),
    # "bao nhiêu người tử vong": of "10.500 ca mắc" and "82 trường hợp đã tử vong", the ones who died
    ("Tính đến ngày 28/4, Campuchia có bao nhiêu người tử vong vì Covid-19?", "82", "10.500"),
    # "danh hiệu gì" asks which danh hiệu: the quoted one the noun frames
    ("Nhà nước vừa trao tặng Bệnh viện 108 danh hiệu gì?", "Anh Hùng Lao động thời kỳ đổi mới", "cao quý"),
])
def test_news_questions_get_the_fact_asked(news_rag, question, answer, not_this):
    given = news_rag.ask(question)
    assert not given.abstained and answer in given.answer
    assert not_this is None or not_this not in given.answer
    assert given.answer in given.sentence  # copied from the article


def test_a_unit_written_onto_its_number_stays_with_it(news_rag):
    sentence = sentence_with(news_rag, "độ sâu hơn 800m")
    assert "hơn 800m" in spans_text("number", sentence, "Xác tàu nằm ở độ sâu bao nhiêu?")


def test_a_place_name_keeps_its_inner_dot(news_rag):
    sentence = sentence_with(news_rag, "tại TP.HCM")
    assert spans_text("place", sentence, "Đại hội được tổ chức ở đâu?")[-1] == "TP.HCM"


@pytest.mark.parametrize("question, kind", [
    ("Nhà nước vừa trao tặng Bệnh viện 108 danh hiệu gì?", "danh hiệu"),
    ("Hội nghị thảo luận vấn đề gì?", "vấn đề"),
    ("Lai Châu là gì?", None),  # a definition: the sentence answers
    ("Họ làm gì?", None),  # one syllable: a verb more often than a kind
])
def test_what_kind_a_gi_question_names(question, kind):
    assert question_type(question) == "sentence" and asked_kind(question) == kind
