"""Synthetic Vietnamese extractive-QA examples from Vietnamese Wikipedia.

The reader (start/end span prediction) must answer staff questions about news:
counts, dates, people, places, organisations, things. Vietnamese keeps the
question word where the answer was, so a statement becomes a question by
replacing the answer span in place ("Phong Thổ có 3.517 đảng viên" -> "Phong Thổ
có bao nhiêu đảng viên?", answer "3.517 đảng viên"). Dates keep their noun in
the question ("năm nào" -> "1945"). Spans come from regexes (numbers, dates,
percentages) and underthesea's POS tags (units, names, noun phrases after "là");
NER only decides uncued names, lazily, because it costs ~15 ms per sentence.
Noise (dropped/moved adverbials, clause cuts, title for "Nó") makes questions
shorter and less verbatim; ~12 % are unanswerable (same article, distant text).

    python training/synthetic.py --out /work/data/synthetic.jsonl --limit 60000
"""
import argparse
import json
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm
from underthesea import ner, pos_tag, sent_tokenize

CORPUS = Path(__file__).resolve().parents[1] / "../shared/corpora/viwiki/viwiki.jsonl"
KINDS = ("count", "percent", "date", "person", "place", "org", "thing")
MAX_SHARE, PER_ARTICLE, MAX_CONTEXT, IMPOSSIBLE_SHARE = 0.35, 15, 700, 0.12

HONORIFICS = {"ông", "bà", "anh", "chị", "cô", "chú", "cụ", "đồng chí"}
TITLES = {"vua", "hoàng đế", "tổng thống", "chủ tịch", "thủ tướng", "tướng", "giáo sư", "tiến sĩ",
          "nhà văn", "nhà thơ", "ca sĩ", "nhạc sĩ", "họa sĩ", "đạo diễn", "bí thư", "hoàng hậu",
          "công chúa", "hoàng tử", "diễn viên", "cầu thủ", "tác giả", "bộ trưởng", "thượng tướng"}
PLACE_HEADS = {"tỉnh", "thành phố", "huyện", "quận", "xã", "phường", "thị xã", "thị trấn", "nước",
               "quốc gia", "sông", "núi", "đảo", "vùng", "miền", "châu", "làng", "bang", "tiểu bang",
               "vịnh", "biển", "quần đảo", "hồ", "đèo"}
PLACE_PREPS = {"tại": "ở đâu", "ở": "ở đâu", "đến": "đến đâu", "tới": "tới đâu", "từ": "từ đâu"}
ORG_HEADS = {"bộ": "cơ quan", "sở": "cơ quan", "cục": "cơ quan", "tổng cục": "cơ quan",
             "ủy ban": "cơ quan", "ban": "cơ quan", "viện": "cơ quan", "tòa án": "cơ quan",
             "công ty": "công ty", "tập đoàn": "tập đoàn", "ngân hàng": "ngân hàng",
             "trường": "trường", "đại học": "trường", "học viện": "trường", "hội": "tổ chức",
             "đảng": "đảng", "câu lạc bộ": "câu lạc bộ", "báo": "tờ báo", "đài": "đài",
             "liên đoàn": "tổ chức", "tổ chức": "tổ chức", "quân đội": "tổ chức"}
SURNAMES = set("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Trịnh "
               "Đinh Lâm Mai Trương Đào Cao Hà Tạ Tô Lương Chu Triệu Quách Mạc Đoàn Vương".split())
COMMON_CAPS = {"đài", "vua", "nam", "bắc", "đông", "tây", "trung", "nhà", "chùa", "đền", "phố",
               "đường", "cầu", "chợ", "hội", "đảng", "bộ", "sở", "ban", "viện", "trường"} | HONORIFICS
THING_CUES = {"là", "gọi là", "tên là", "mang tên", "có tên", "tên gọi"}
LEAD_STARTERS = {"theo", "trong", "năm", "vào", "sau", "trước", "tại", "ngoài", "tuy", "bên", "đến",
                 "từ", "hiện", "khi", "cuối", "đầu", "giữa", "do", "với", "ngày", "tháng"}
TIME_STARTERS = {"trong", "năm", "vào", "sau", "trước", "đến", "từ", "cuối", "đầu", "ngày", "tháng"}
PRONOUN_SUBJECT = re.compile(r"^(Nó|(?:Loài|Tỉnh|Huyện|Thành phố|Công ty|Ngôi chùa|Tác phẩm|Bộ phim|"
                             r"Trường|Sông|Núi|Đảo|Xã|Làng|Ca khúc|Nhân vật) này) ")
NUMBER = re.compile(r"(?:(?:khoảng|hơn|gần|trên|chừng|có tới) )?(\d+(?:[.,]\d+)*)"
                    r"((?: (?:nghìn|ngàn|vạn|triệu|tỷ|tỉ))*)(?![\d/%-])")
NOT_COUNT_BEFORE = re.compile(r"(?:năm|ngày|tháng|số|thứ|lần|khóa|quốc lộ|đường|hạng|kỷ|kỉ|bản|mã|lộ)\s$")
PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s?(?:%|phần trăm)")
DATES = [  # (regex, group holding the answer, question phrase or None = replace answer by "nào")
    (re.compile(r"ngày (\d{1,2} tháng \d{1,2}(?: năm \d{3,4})?|\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?)(?![\d/])"), 1, None),
    (re.compile(r"(?:vào )?(tháng \d{1,2}(?: năm |/)\d{3,4})"), 0, "khi nào|vào thời gian nào"),
    (re.compile(r"(?<!những )(?<!các )(?<!niên )năm (\d{3,4})(?![\d/–-])"), 1, None),
    (re.compile(r"thế k[ỷỉ] ([IVXL]+|\d{1,2})\b"), 1, None),
]


@dataclass
class Tok:
    text: str
    pos: str
    start: int
    end: int


@dataclass
class Candidate:
    kind: str
    answer: tuple  # (start, end) in the sentence
    replaced: tuple  # (start, end) in the sentence, replaced by `phrase`
    phrase: str


def nfc(text):
    return unicodedata.normalize("NFC", text)


def tag(sentence):
    """pos_tag tokens with character offsets; stops at the first token it cannot align."""
    toks, cursor = [], 0
    for word, pos in pos_tag(sentence):
        found = re.compile(r"\s+".join(map(re.escape, word.split()))).search(sentence, cursor)
        if not found or sentence[cursor:found.start()].strip():
            break
        toks.append(Tok(word, pos, found.start(), found.end()))
        cursor = found.end()
    return toks


def overlaps(span, taken):
    return any(span[0] < end and start < span[1] for start, end in taken)


def date_candidates(sentence, rng):
    found, taken = [], []
    for regex, group, phrases in DATES:
        for m in regex.finditer(sentence):
            if overlaps(m.span(), taken):
                continue
            taken.append(m.span())
            if phrases:
                found.append(Candidate("date", m.span(1), m.span(0), rng.choice(phrases.split("|"))))
            else:
                found.append(Candidate("date", m.span(group), m.span(group), "nào"))
    return found, taken


def count_candidates(sentence, toks, taken, rng):
    found = []
    for m in PERCENT.finditer(sentence):
        if not overlaps(m.span(), taken):
            found.append(Candidate("percent", m.span(), m.span(), "bao nhiêu phần trăm"))
            taken.append(m.span())
    after = {t.start: i for i, t in enumerate(toks)}
    for m in NUMBER.finditer(sentence):
        number = m.group(1)
        if overlaps(m.span(), taken) or NOT_COUNT_BEFORE.search(sentence[:m.start()]) \
                or re.fullmatch(r"1\d{3}|20\d{2}", number):
            continue
        i = after.get(m.end() + 1)
        unit_end = m.end()
        if i is not None and toks[i].pos in ("N", "Nc", "Nu") and toks[i].text[0].islower():
            unit_end = toks[i].end
            if toks[i].pos == "Nc" and i + 1 < len(toks) and toks[i + 1].pos == "N":
                unit_end = toks[i + 1].end
        elif not re.match(r"\s*[,.;)]|\s*$", sentence[m.end():]):
            continue  # a bare number mid-clause is usually a code or an ordinal
        small = not m.group(2) and number.isdigit() and int(number) <= 10
        phrase = "mấy" if small and rng.random() < 0.3 else "bao nhiêu"
        found.append(Candidate("count", (m.start(), unit_end), (m.start(), m.end()), phrase))
    return found


def name_runs(toks):
    """Maximal runs of capitalised tokens (a name), as (first, last) token indices."""
    runs, i = [], 1  # the sentence's first word is capitalised anyway
    while i < len(toks):
        j = i
        while j < len(toks) and toks[j].text[0].isupper():
            j += 1
        single = j == i + 1 and " " not in toks[i].text
        if j > i and not (single and toks[i].text.lower() in COMMON_CAPS):
            runs.append((i, j - 1))
        i = j + 1
    return runs


def name_candidates(sentence, toks, want_ner):
    found, uncued = [], []
    for first, last in name_runs(toks):
        span = (toks[first].start, toks[last].end)
        prev = toks[first - 1].text.lower()
        head = next((h for h in ORG_HEADS if toks[first].text.lower().startswith(h + " ")
                     or (toks[first].text.lower() == h and last > first)), None)
        if prev in PLACE_PREPS:
            found.append(Candidate("place", span, (toks[first - 1].start, span[1]), PLACE_PREPS[prev]))
        elif prev in PLACE_HEADS:
            found.append(Candidate("place", span, span, "nào"))
        elif head:
            found.append(Candidate("org", span, span, ORG_HEADS[head] + " nào"))
        elif prev in HONORIFICS:
            found.append(Candidate("person", span, (toks[first - 1].start, span[1]), "ai"))
        elif prev in TITLES:
            found.append(Candidate("person", span, span, "nào"))
        elif toks[first].text.split()[0] in SURNAMES and toks[first - 1].pos not in ("N", "Nc"):
            found.append(Candidate("person", span, span, "ai"))
        elif toks[first - 1].pos not in ("N", "Nc", "Np"):
            uncued.append(span)
    if uncued and want_ner:  # NER only settles names that no cue typed
        persons = ner_person_spans(sentence)
        found += [Candidate("person", s, s, "ai") for s in uncued if s in persons]
    return found


def ner_person_spans(sentence):
    spans, cursor, start = set(), 0, None
    for word, _, _, label in ner(sentence) + [("", "", "", "O")]:
        at = sentence.find(word, cursor) if word else len(sentence)
        if start is not None and label != "I-PER":
            spans.add((start, end))
            start = None
        if label == "B-PER" and at >= 0:
            start = at
        if at >= 0 and word:
            cursor = end = at + len(word)
    return spans


def thing_candidates(toks):
    found = []
    for i, tok in enumerate(toks[:-1]):
        if tok.text.lower() not in THING_CUES or toks[i + 1].pos not in ("N", "Nc", "Np", "Ny"):
            continue
        np = []
        for t in toks[i + 1:]:
            if t.pos == "CH" or (len(np) >= 2 and t.pos in ("V", "E", "C", "CC")):
                break
            np.append(t)
        if np[0].text.lower() in ("một", "những", "các") and len(np) > 1:
            np = np[1:]
        if len(" ".join(t.text for t in np).split()) <= 12:
            span = (np[0].start, np[-1].end)
            found.append(Candidate("thing", span, span, "gì"))
    return found


def candidates(sentence, counts, rng):
    dates, taken = date_candidates(sentence, rng)
    if not (re.search(r"\d", sentence) or re.search(r" [^\W\d_]*[A-ZĐÀ-Ỹ]", sentence) or " là " in sentence):
        return dates
    toks = tag(sentence)
    want_ner = counts["person"] <= min(counts.values())  # NER only while people are scarce
    return (dates + count_candidates(sentence, toks, taken, rng)
            + name_candidates(sentence, toks, want_ner) + thing_candidates(toks))


Q = "\ue000"  # stands for the question phrase while the question is reshaped
LEAD_TIME = re.compile(rf"((?i:(?:(?:vào|trong|đến|từ|cuối|đầu|giữa) )?(?:năm|ngày|thế k[ỷỉ]) )|){Q},? (.+)")


def lower_first(text):
    return text[0].lower() + text[1:] if text[1:2].islower() or text[1:2] == " " else text


def reshape(question, rng):
    """Real questions are shorter than wiki sentences: cut clauses, drop or move adverbials."""
    question = next(part for part in re.split(r"; |: | [-–] ", question) if Q in part)
    if rng.random() < 0.8:  # parentheticals outside the answer
        question = re.sub(rf"\s*\([^(){Q}]*\)", "", question)
    segments = question.split(", ")
    k = next(i for i, seg in enumerate(segments) if Q in seg)
    if rng.random() < 0.7 or len(question.split()) > 22:
        segments = segments[:k + 1]
    tail = []
    first = segments[0].split()[0].lower()
    if k > 0 and first in LEAD_STARTERS and len(segments[0].split()) <= 10:
        roll = rng.random()
        if roll < 0.3 and first in TIME_STARTERS:
            tail = [lower_first(segments[0])]
        if roll < 0.8:
            segments, k = segments[1:], k - 1
    if len(" ".join(segments).split()) > 25:
        segments = segments[k:]
    return ", ".join(segments + tail)


def make_question(sentence, cand, subject, rng):
    after = "" if cand.kind == "thing" else sentence[cand.replaced[1]:]
    question = sentence[:cand.replaced[0]] + Q + after
    if cand.kind == "date" and (m := LEAD_TIME.fullmatch(question)) and rng.random() < 0.7:
        question = m.group(2).rstrip(" .!") + " " + lower_first(m.group(1) + Q)  # "Năm 1957, X …" -> "X … năm nào"
    question = reshape(question, rng)
    if subject and PRONOUN_SUBJECT.match(question):
        question = PRONOUN_SUBJECT.sub(subject + " ", question)
    question = re.sub(r"\s+([,.])", r"\1", " ".join(question.split())).strip(" .,;!")
    question = question.replace(Q, cand.phrase)
    return question[:1].upper() + question[1:] + "?"


def context_window(sents, i, rng):
    """The sentence with 1–3 neighbours each side from its section; returns (context, offset)."""
    lo, hi = max(0, i - rng.randint(1, 3)), min(len(sents), i + rng.randint(1, 3) + 1)
    window = [s for s in sents[lo:hi] if s[0] == sents[i][0]]
    focal = window.index(sents[i])
    while sum(len(s[2]) + 1 for s in window) > MAX_CONTEXT and len(window) > 1:
        drop = 0 if focal >= len(window) - 1 - focal else len(window) - 1
        focal -= drop == 0
        window.pop(drop)
    context, offset = "", 0
    for k, (_, para, text) in enumerate(window):
        if k:
            context += " " if para == window[k - 1][1] else "\n"
        offset = len(context) if k == focal else offset
        context += text
    return context, offset


def content_words(text):
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2 and not w.isdigit()}


def impossible_context(sents, i, question, answer, rng):
    """A window from a distant paragraph of the same article, without the answer or the question."""
    far = [j for j, s in enumerate(sents) if s[0] != sents[i][0] or abs(s[1] - sents[i][1]) >= 2]
    for j in rng.sample(far, min(4, len(far))):
        context, _ = context_window(sents, j, rng)
        words = content_words(question)
        if answer not in context and len(words & content_words(context)) <= 0.4 * len(words):
            return context
    return None


def article_sentences(text):
    """(section, paragraph, sentence) for prose sentences; headings, lists and tables are skipped."""
    sents, section = [], 0
    for para, line in enumerate(nfc(text).split("\n")):
        line = line.strip()
        if line.startswith("=="):
            section += 1
        elif len(line) > 60 and line[-1] in ".!?\"”)" and "|" not in line:
            sents += [(section, para, s) for s in sent_tokenize(line) if 8 <= len(s.split()) <= 80]
    return sents


def title_subject(title, text):
    """The title as written in the text (titles are lowercased in the dump)."""
    title = re.sub(r"\s*\([^)]*\)$", "", title)
    at = text.lower().find(title.lower())
    return text[at:at + len(title)] if at >= 0 and title else ""


def article_examples(article, counts, seen, rng):
    title, text = article["title"], nfc(article["text"])
    sents, subject, made = article_sentences(text), title_subject(title, text), []
    for i in rng.sample(range(len(sents)), len(sents)):
        if len(made) >= PER_ARTICLE:
            break
        total = sum(counts.values()) + 100
        cands = [c for c in candidates(sents[i][2], counts, rng) if counts[c.kind] < MAX_SHARE * total]
        rng.shuffle(cands)
        for cand in sorted(cands, key=lambda c: counts[c.kind]):
            example = build_example(title, sents, i, cand, subject, seen, rng)
            if example:
                made += example
                for e in example:
                    counts[e["kind"]] += 1
                break
    return made


def build_example(title, sents, i, cand, subject, seen, rng):
    sentence = sents[i][2]
    answer = sentence[cand.answer[0]:cand.answer[1]]
    question = make_question(sentence, cand, subject, rng)
    if not 5 <= len(question.split()) <= 30 or answer in question or question in seen \
            or len(answer.split()) > 12 or not re.search(r"\w", answer):
        return []
    seen.add(question)
    context, offset = context_window(sents, i, rng)
    start = offset + cand.answer[0]
    assert context[start:start + len(answer)] == answer
    base = {"id": f"{title}/{i}/{cand.kind}", "question": question, "kind": cand.kind, "title": title}
    examples = [{**base, "context": context, "answers": [{"text": answer, "answer_start": start}],
                 "is_impossible": False}]
    if rng.random() < IMPOSSIBLE_SHARE / (1 - IMPOSSIBLE_SHARE) * 1.6:  # ~40% find no distant window
        far = impossible_context(sents, i, question, answer, rng)
        if far:
            examples.append({**base, "id": base["id"] + "/x", "context": far, "answers": [],
                             "is_impossible": True})
    return examples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=60000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--articles", type=int, help="use only the first N shuffled articles")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lines = [line for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng.shuffle(lines)
    lines = lines[:args.articles]
    counts, seen, impossible = Counter({k: 0 for k in KINDS}), set(), 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out, tqdm(lines, unit="article") as bar:
        for line in bar:
            for example in article_examples(json.loads(line), counts, seen, rng):
                out.write(json.dumps(example, ensure_ascii=False) + "\n")
                impossible += example["is_impossible"]
            out.flush()
            bar.set_postfix(examples=sum(counts.values()))
            if sum(counts.values()) >= args.limit:
                break
    total = sum(counts.values())
    for kind, n in counts.most_common():
        print(f"{kind:8} {n:6} {n / max(total, 1):6.1%}")
    print(f"total    {total:6}  unanswerable {impossible} ({impossible / max(total, 1):.1%})")


if __name__ == "__main__":
    main()
