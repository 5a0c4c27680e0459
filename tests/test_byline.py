"""Bylines of Vietnamese press articles: the reporter and the outlet told apart, glued or not."""
import pytest

from rag.byline import find_byline, split_byline


@pytest.mark.parametrize("line, expected", [
    ("Lan Anh", ("Lan Anh", None)),
    ("Nguyễn Thị Minh Khai", ("Nguyễn Thị Minh Khai", None)),
    ("K.Hòa", ("K.Hòa", None)),
    ("T.H", ("T.H", None)),
    ("M. Hà", ("M. Hà", None)),
    ("PV", ("PV", None)),
    ("Nhóm PV", ("Nhóm PV", None)),
    ("Quốc Bảo - Hà Linh", ("Quốc Bảo - Hà Linh", None)),
    ("PGS.TS Lê Văn Minh", ("PGS.TS Lê Văn Minh", None)),
    ("Tác giả: Ban Tuyên giáo", ("Ban Tuyên giáo", None)),
    ("Bài, ảnh: Hoàng Nam", ("Hoàng Nam", None)),
    ("Lan Anh (tổng hợp)", ("Lan Anh", None)),
    ("Lan Anh(thực hiện)", ("Lan Anh", None)),
    ("Lan Anh (Hải Phòng)", ("Lan Anh", None)),
    ("Theo Reuters", (None, "Reuters")),
    ("Nguồn: TTXVN", (None, "TTXVN")),
    ("theo The Guardian", (None, "The Guardian")),
    ("Theo Reuters, AFP", (None, "Reuters, AFP")),
    ("Tổng hợp từ BBC", (None, "BBC")),
    ("(Theo Xinhua)", (None, "Xinhua")),
    ("VTV", (None, "VTV")),
    ("VnExpress", (None, "VnExpress")),
    ("Minh Anh (Theo AFP)", ("Minh Anh", "AFP")),
    # glued by the scrape: the name ends where a small letter runs into a capital
    ("Lan AnhTheo AFP", ("Lan Anh", "AFP")),
    ("K.HòaTheo Nikkei Asia", ("K.Hòa", "Nikkei Asia")),
    ("Theo K.HòaVnExpress", ("K.Hòa", "VnExpress")),
    ("Theo Quốc BảoTuổi Trẻ", ("Quốc Bảo", "Tuổi Trẻ")),
    ("Theo Hà LinhPháp luật", ("Hà Linh", "Pháp luật")),
    ("Lan AnhẢnh: Quốc Bảo", ("Lan Anh", None)),
    ("Lan AnhTổng hợp", ("Lan Anh", None)),
    # an outlet's own capitals are no join: "Post" stays with "PhnomPenh", "Mag" with "So"
    ("Theo PhnomPenh Post", (None, "PhnomPenh Post")),
    ("Theo SoMag", (None, "SoMag")),
    ("Ảnh: Quốc Bảo", (None, None)),
    ("Tổng hợp", (None, None)),
])
def test_split_byline(line, expected):
    assert split_byline(line) == expected


@pytest.mark.parametrize("line", [
    "Theo số liệu mới nhất, cả nước có 674.000 ca mắc.",
    "Theo tôi, đây là cơ hội lớn",
    "Tham khảo tại https://example.vn/",
    "Ông Salzberg nói.",
    "Hailey Baldwin khoe lưng trần gợi cảm",
    "Brad Pitt - Angelina Jolie",
    "Hotline: 1900 1234",
    "Ảnh hưởng của bão",
])
def test_article_text_is_no_byline(line):
    assert split_byline(line) is None


@pytest.mark.parametrize("tail, expected", [
    (["Lan Anh", "Theo Reuters"], ("Lan Anh", "Reuters")),
    (["Theo Quốc Bảo", "Tuổi Trẻ"], ("Quốc Bảo", "Tuổi Trẻ")),  # the reporter of a republished story, then the paper
    (["Theo Quốc Bảo", "Người lao động"], ("Quốc Bảo", "Người lao động")),
    (["Hà Linh", "TTXVN"], ("Hà Linh", "TTXVN")),
    (["Theo Nature.com", "Lan Anh"], ("Lan Anh", "Nature.com")),
    (["Quốc Bảo - Hà Linh", "Ảnh: Minh Đức"], ("Quốc Bảo - Hà Linh", None)),
    (["Lan Anh", "* Tên nhân vật đã được thay đổi"], ("Lan Anh", None)),
    (["Lan Anh", "(Chú thích ảnh do người viết đặt)"], ("Lan Anh", None)),
    (["(Còn tiếp)", "Lan AnhTheo Cnet"], ("Lan Anh", "Cnet")),
    (["Trân trọng cảm ơn ông!", "Theo Báo Chính phủ"], (None, "Báo Chính phủ")),
    (["Nguyễn Văn An", "Giám đốc Sở Y tế"], (None, None)),  # a signature's title, not a paper
    (["Cảm ơn các bạn đã theo dõi.", "Sức khỏe"], (None, None)),
    (["Mùa thu Hà Nội đẹp nhất vào tháng 10."], (None, None)),
    ([], (None, None)),
])
def test_find_byline_reads_the_last_lines_upwards(tail, expected):
    assert find_byline(["Bài viết có một đoạn văn đầy đủ ở đây.", *tail]) == expected
