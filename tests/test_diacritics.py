"""Questions typed without Vietnamese accents are restored from the index's own words."""
from rag import diacritics


def test_accents_come_back_from_the_index_and_the_dictionary(rag):
    typed = "Phong Tho co bao nhieu dang vien?"
    assert diacritics.lacks_diacritics(typed)
    assert rag.with_accents(typed) == "Phong Thổ có bao nhiêu đảng viên?"
    assert rag.with_accents("Khau hieu hanh dong cua nganh Tuyen giao Lai Chau la gi?") == (
        "Khẩu hiệu hành động của ngành Tuyên giáo Lai Châu là gì?")


def test_a_code_gets_its_stroke_back_only_when_the_index_knows_it(rag):
    assert rag.with_accents("Quyet dinh 1327-QD/TU ban hanh ngay nao?") == "Quyết định 1327-QĐ/TU ban hành ngày nào?"
    assert "477/CT-UBND" in rag.with_accents("Chi thi 477/CT-UBND noi gi?")


def test_foreign_words_and_accented_questions_stay_as_typed(rag):
    assert rag.with_accents("Newton sinh nam nao?").startswith("Newton ")
    accented = "Phong Thổ có bao nhiêu đảng viên?"
    assert not diacritics.lacks_diacritics(accented) and rag.with_accents(accented) == accented


def test_a_question_without_accents_gets_the_same_answer(rag):
    accented = "Đồng chí Lê Chí Công giữ chức vụ gì?"
    plain = diacritics.remove(accented)
    assert plain == "Dong chi Le Chi Cong giu chuc vu gi?"
    answer = rag.ask(plain)
    assert answer.question == plain  # reported as asked
    assert answer.answer == rag.ask(accented).answer == "Phó trưởng Ban Tuyên giáo Tỉnh ủy"
