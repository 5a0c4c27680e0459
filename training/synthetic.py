"""Synthetic Vietnamese extractive-QA examples from Vietnamese Wikipedia.

The reader (start/end span prediction) must answer staff questions about news: counts, dates,
people, places, organisations, things. Vietnamese keeps the question word where the answer was,
so a statement becomes a question by replacing the answer span in place ("Phong Thổ có 3.517 đảng
viên" -> "Phong Thổ có bao nhiêu đảng viên?", answer "3.517 đảng viên"); dates keep their noun in
the question ("năm nào" -> "1945"). Spans come from regexes (numbers, dates, percentages) and
underthesea's POS tags (units, names after cue words, noun phrases after "là"); its NER (4x slower
than POS tagging) runs on a part of the sentences, only to confirm uncued people's names. Noise
(dropped or moved adverbials, clause cuts, the title for "Nó") makes questions shorter and less
verbatim; ~12 % are unanswerable: the question with a distant window of the same article.

    python training/synthetic.py --out /work/data/synthetic.jsonl --limit 60000 [--seed 13]
"""
import argparse
import itertools
import json
import random
import re
import unicodedata
from collections import Counter, namedtuple
from pathlib import Path

from tqdm import tqdm
from underthesea import ner, pos_tag, sent_tokenize

CORPUS = Path(__file__).resolve().parents[1] / "../shared/corpora/viwiki/viwiki.jsonl"
KINDS = ("count", "percent", "date", "person", "place", "org", "thing")
MAX_SHARE = {"thing": 0.15}  # "X là gì" questions are the weakest; the others may reach 35 %
PER_ARTICLE, MAX_CONTEXT, IMPOSSIBLE_SHARE, PERSON_SHARE = 15, 700, 0.12, 0.18

HONORIFICS = set("ông|bà|anh|chị|cô|chú|cụ|đồng chí".split("|"))
PLACE_HEADS = set("tỉnh|thành phố|huyện|quận|xã|phường|thị xã|thị trấn|nước|quốc gia|sông|núi|đảo|vùng|"
                  "miền|châu|làng|bang|tiểu bang|vịnh|biển|quần đảo|hồ|đèo".split("|"))
ORG_HEADS = {head: phrase for phrase, heads in {
    "cơ quan": "bộ|sở|cục|tổng cục|ủy ban|ban|viện|tòa án|hội đồng", "trường": "trường|đại học|học viện",
    "tổ chức": "hội|liên đoàn|tổ chức|quân đội", "tờ báo": "báo", "công ty": "công ty", "tập đoàn": "tập đoàn",
    "ngân hàng": "ngân hàng", "đảng": "đảng", "câu lạc bộ": "câu lạc bộ", "đài": "đài"}.items()
    for head in heads.split("|")}
SURNAMES = set("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Trịnh Đinh Lâm "
               "Mai Trương Đào Cao Hà Tạ Tô Lương Chu Triệu Quách Mạc Đoàn Vương".split())
COMMON_CAPS = set("đài vua nam bắc đông tây trung nhà chùa đền phố đường cầu chợ hội đảng bộ sở ban viện "
                  "trường".split()) | HONORIFICS  # capitalised alone, these are rarely a name
THING_CUES = {"là", "gọi là", "tên là", "mang tên", "có tên", "tên gọi"}
NOT_BEFORE_THING = set("khi phải tức hay hoặc đó đây như chính chỉ đã thể thường biệt nhất vẫn đều sẽ lại "
                       "yếu phần là".split())  # "có thể là", "đặc biệt là": no definition follows
VAGUE_HEADS = set("nơi người việc điều cái dạng loại bộ phần thành một những".split())
NOT_IN_NP = {"CH", "V", "R", "E", "C", "CC", "P"}  # the noun phrase after "là" ends at a verb, preposition…
TIME_STARTERS = set("trong năm vào sau trước đến từ cuối đầu giữa ngày tháng".split())
LEAD_STARTERS = TIME_STARTERS | set("theo tại ngoài tuy bên hiện khi do với".split())
PRONOUN_SUBJECT = re.compile(r"^(Nó|(?:Loài|Tỉnh|Huyện|Thành phố|Công ty|Ngôi chùa|Tác phẩm|Bộ phim|"
                             r"Trường|Sông|Núi|Đảo|Xã|Làng|Ca khúc|Nhân vật) này) ")
NUMBER = re.compile(r"(?<![\w.,/:–×-])(?:(?:khoảng|hơn|gần|trên|chừng|có tới) )?(\d+(?:[.,]\d+)*)"
                    r"((?: (?:nghìn|ngàn|vạn|triệu|tỷ|tỉ))*)(?![\d/%:-])")
RANGE_END = re.compile(r"(?:[x×]|\d\S* (?:\S+ )?(?:đến|tới)) $")
BARE_NUMBER_AFTER = re.compile(r"\b(?:là|đạt|có|gồm|lên|còn|tới) $")
NOT_COUNT_AFTER = re.compile(r"(?i:năm|ngày|tháng|số|thứ|lần|khóa|quốc lộ|đường|hạng|kỷ|kỉ|bản|mã|lộ)\s$")
PERCENT = re.compile(r"(?<![\w.,/–-])\d+(?:[.,]\d+)?\s?(?:%|phần trăm)")
DATES = [  # (regex with the answer as group 1, phrases replacing the whole match or None: answer -> "nào")
    (r"(?i:ngày) (\d{1,2} (?i:tháng) \d{1,2}(?: (?i:năm) \d{3,4})?|\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?)", None),
    (r"(?:(?i:vào) )?(\d{1,2} (?i:tháng) \d{1,2} (?i:năm) \d{3,4})", ["vào ngày nào"]),
    (r"(?:(?i:vào) )?((?i:tháng) \d{1,2}(?: (?i:năm) |/)\d{3,4})", ["khi nào", "vào thời gian nào"]),
    (r"(?<!những )(?<!các )(?<!niên )(?<!kỷ )(?i:năm) (\d{3,4})", None),
    (r"(?i:thế k[ỷỉ]) ([IVXL]+|\d{1,2})\b", None),
]
DATES = [(re.compile(regex + r"(?![\d/–-])"), phrases) for regex, phrases in DATES]
LOWER, UPPER = ("".join(c for c in map(chr, range(0x41, 0x1F00)) if test(c))
                for test in (str.islower, str.isupper))  # Latin with Vietnamese diacritics
MISSED_SENTENCE_END = re.compile(rf"(?<=[{LOWER}][.!?]) (?=[{UPPER}])")  # "… 200 km/h. Cát bụi …"
NAME_PAIR = re.compile(rf" [{UPPER}]\w* [{UPPER}]")  # two capitalised syllables: maybe a person's name
NOT_A_PERSON = re.compile(r"[\d-]|\b[A-Z]{2,}\b|\b(?:Bắc|Nam|Đông|Tây|Đảo|Latin)\b")  # NER's usual slips
FOREIGN_SCRIPT = re.compile(r"[^\x00-\u024f\u0300-\u036f\u1e00-\u1eff\u2000-\u206f°²³€]")
DANGLING = re.compile(r"(?:[ ,]+(?:do|của|và|với|bởi|cho|là|như|hay|hoặc|mà|thì|nhưng|các|những|gồm|"
                      r"bao gồm|tại|ở))+$")
CONNECTOR = re.compile(r"^(?:Và|Nhưng|Tuy nhiên|Ngoài ra|Do đó|Vì vậy|Vì thế|Bên cạnh đó|Thực ra|Quả thực|"
                       r"Đồng thời|Sau đó|Trong khi đó|Mặt khác|Hơn nữa|Dù vậy|Nhờ vậy|Cuối cùng),? ")
Q = "\ue000"  # stands for the question phrase while the question is reshaped
LEAD_TIME = re.compile(rf"((?i:(?:(?:vào|trong|đến|từ|cuối|đầu|giữa) )?(?:năm|ngày|thế k[ỷỉ]) )|){Q},? "
                       r"(?!(?:là|có|được|thì|và|của|,) )(.+)")  # the rest must be a clause with a subject

Tok = namedtuple("Tok", "text pos start end label")  # label: the NER tag, "" without ner()
# answer and replaced are (start, end) in the sentence; `phrase` replaces `replaced` in the question
Candidate = namedtuple("Candidate", "kind answer replaced phrase")


def nfc(text):
    return unicodedata.normalize("NFC", text)


def tag(sentence, with_ner):
    """Tokens with POS (and NER) tags and offsets, up to the first one that cannot be aligned."""
    tagged = ner(sentence) if with_ner else [(word, pos, "", "") for word, pos in pos_tag(sentence)]
    toks, cursor = [], 0  # ner() tags POS too, so a sentence goes through one of the two
    for word, pos, _, label in tagged:
        found = re.compile(r"\s+".join(map(re.escape, word.split()))).search(sentence, cursor)
        if not found or sentence[cursor:found.start()].strip():
            break
        toks.append(Tok(word, pos, *found.span(), label))
        cursor = found.end()
    return toks


def overlaps(span, taken):
    return any(span[0] < end and start < span[1] for start, end in taken)


def date_candidates(sentence, rng):
    found, taken = [], []
    for regex, phrases in DATES:
        for m in regex.finditer(sentence):
            if overlaps(m.span(), taken):
                continue
            taken.append(m.span())
            if not phrases:
                found.append(Candidate("date", m.span(1), m.span(1), "nào"))
                continue  # below: "đến tháng 2 năm 2016" -> "đến khi nào", "giữa …" -> "giữa thời gian nào"
            prep = re.search(r"(?i:\b(đến|từ|tới|sau|trước)|\b(trong|khoảng)|(?:vào )?\b(cuối|đầu|giữa)"
                             r"|(điểm|kỳ|kì)) $", sentence[:m.start()])
            if prep and prep.group(3):  # "(vào) cuối tháng 3 năm 2005" -> "khi nào", answer "cuối tháng …"
                found.append(Candidate("date", (prep.start(3), m.end(1)), (prep.start(), m.end()), "khi nào"))
                continue
            phrase = (rng.choice(phrases) if not prep else "khi nào" if prep.group(1)
                      else "thời gian nào" if prep.group(2) else "nào")
            found.append(Candidate("date", m.span(1), m.span(0), phrase))
    return found, taken


def count_candidates(sentence, toks, taken, rng):
    """Percentages, and numbers with their unit noun ("3.517 đảng viên" -> "bao nhiêu đảng viên")."""
    found = [Candidate("percent", m.span(), m.span(), "bao nhiêu phần trăm")
             for m in PERCENT.finditer(sentence) if not overlaps(m.span(), taken)]
    taken = taken + [c.answer for c in found]
    token_at = {t.start: i for i, t in enumerate(toks)}
    for m in NUMBER.finditer(sentence):
        number, i, unit_end = m.group(1), token_at.get(m.end() + 1), m.end()
        if overlaps(m.span(), taken) or NOT_COUNT_AFTER.search(sentence[:m.start()]) \
                or re.fullmatch(r"1|1\d{3}|20\d{2}", number) \
                or re.match(r" ?[x×–-] ?\d", sentence[m.end():]) or RANGE_END.search(sentence[:m.start()]):
            continue  # "1 x" is mostly "a x", 4 digits mostly years; "108 x 12", "từ 40 đến 60" are no counts
        if i is not None and toks[i].pos in ("N", "Nc", "Nu") and toks[i].text[0].islower():
            unit_end = toks[i].end
            if toks[i].pos == "Nc" and i + 1 < len(toks) and toks[i + 1].pos == "N":
                unit_end = toks[i + 1].end  # classifier + noun: "3 chiếc máy tính"
            if re.match(r" \d", sentence[unit_end:]):
                continue  # "15 năm 1959", "4 năm 3 tháng": a code or a compound amount
        elif not (BARE_NUMBER_AFTER.search(sentence[:m.start()])
                  and re.match(r"\s*([,.;]|$)", sentence[m.end():])):
            continue  # other bare numbers are mostly codes, versions, scores or ordinals
        if re.search(r"\btừ $", sentence[:m.start()]) \
                and re.match(r"(?: \S+){0,3} (?:đến|tới) ", sentence[unit_end:]):
            continue  # the start of a range: "từ 1.000 tỷ đồng đến dưới 3.000 tỷ đồng"
        small = not m.group(2) and number.isdigit() and int(number) <= 10
        phrase = "mấy" if small and rng.random() < 0.3 else "bao nhiêu"
        found.append(Candidate("count", (m.start(), unit_end), m.span(), phrase))
    return found


def name_runs(toks):
    """Maximal runs of capitalised tokens, as (first, last) token indices."""
    # the sentence's first word is capitalised anyway: a name there must be tagged as one (or be an org)
    i, runs = 0 if toks and (toks[0].pos == "Np" or toks[0].text.split()[0] in ("Bộ", "Công", "Tập")) else 1, []
    while i < len(toks):
        j = i
        while j < len(toks) and toks[j].text[0].isupper():
            j += 1
        if j > i and not (j == i + 1 and toks[i].text.lower() in COMMON_CAPS):
            runs.append((i, j - 1))
        i = j + 1
    return runs


def listed(sentence, span):
    """An item of an enumeration ("A, B và C") makes a question with no single answer."""
    after = sentence[span[1]:]
    return bool(re.search(r"(,|\bvà|\bhoặc) $", sentence[:span[0]])
                or re.match(r" (và|hoặc) ", after) or (after.startswith(", ") and after[2:3].isupper()))


def name_candidates(sentence, toks):
    found = []
    for first, last in name_runs(toks):
        span, prev = (toks[first].start, toks[last].end), toks[first - 1] if first else Tok("", "", 0, 0, "")
        name, cue = sentence[span[0]:span[1]], prev.text.lower()
        head = next((h for h in ORG_HEADS if name.lower().startswith(h + " ")
                     and name[len(h) + 1].isupper()), None)  # "Bộ Y tế", not "Bộ trưởng"
        if listed(sentence, span):
            continue
        if head and len(name.split()) >= 3:  # "Trường Sơn", "Trường Giang" are no schools
            found.append(Candidate("org", span, span, ORG_HEADS[head] + " nào"))
        elif not all(word[0].isupper() for word in name.split()):
            continue  # a tagger token running into lowercase words ("Trần Văn Trà lệnh")
        elif cue in ("tại", "ở"):
            found.append(Candidate("place", span, (prev.start, span[1]), "ở đâu"))
        elif cue in PLACE_HEADS and not re.search(r"(?i:các|những) $", sentence[:prev.start]):  # "các nước EU"
            found.append(Candidate("place", span, span, "nào"))
        elif cue in HONORIFICS:
            found.append(Candidate("person", span, (prev.start, span[1]), "ai"))
        elif name.split()[0] in SURNAMES and 3 <= len(name.split()) <= 4 and prev.pos not in ("N", "Nc"):
            found.append(Candidate("person", span, span, "ai"))
        elif first and " " in name and ner_person(toks, first, last) \
                and not NOT_A_PERSON.search(name + sentence[span[1]:span[1] + 2]):
            # "huấn luyện viên X" -> "huấn luyện viên nào"; "vua Nam Chiếu" is why NER must agree
            phrase = "nào" if prev.pos in ("N", "Nc") and cue.islower() else "ai"
            found.append(Candidate("person", span, span, phrase))
    # a person before a comma is mostly an apposition's head: "Ai, chủ tịch nước, …?"
    return [c for c in found if c.kind != "person" or not sentence[c.answer[1]:].startswith(", ")]


def ner_person(toks, first, last):
    """NER calls the run a person, and no common noun qualifies it ("World Cup bóng đá nữ" is a thing)."""
    following = toks[last + 1] if last + 1 < len(toks) else Tok("", "", 0, 0, "")
    return toks[first].label == "B-PER" and following.label != "I-PER" \
        and not (following.pos == "N" and following.text[:1].islower()) \
        and all(t.label == "I-PER" for t in toks[first + 1:last + 1])


def thing_candidates(toks):
    """The noun phrase after "là", "gọi là", "có tên" … -> "gì"."""
    found = []
    for i, tok in enumerate(toks[:-1]):
        if tok.text.lower() not in THING_CUES or toks[i + 1].pos not in ("N", "Nc", "Np", "Ny") or i < 2 \
                or toks[i - 1].text.split()[-1].lower() in NOT_BEFORE_THING \
                or "CH" in (toks[i - 1].pos, toks[i - 2].pos):  # the subject must be in the clause
            continue
        np = list(itertools.takewhile(lambda t: t.pos not in NOT_IN_NP, toks[i + 1:]))
        cut = i + 1 + len(np) < len(toks) and toks[i + 1 + len(np)].pos != "CH"
        np = np[1:] if np[0].text.lower() in ("một", "những", "các") and len(np) > 1 else np
        words = " ".join(t.text for t in np).split()
        if len(words) <= 12 and not words[0][0].isdigit() and not (cut and len(words) < 3) \
                and not (words[0] in VAGUE_HEADS and len(words) < 4):  # "là nơi", "là người" say little
            span, person = (np[0].start, np[-1].end), words[0] in SURNAMES and all(w[0].isupper() for w in words)
            found.append(Candidate("person", span, span, "ai") if person else Candidate("thing", span, span, "gì"))
    return found


def candidates(sentence, counts, rng):
    dates, taken = date_candidates(sentence, rng)
    if not re.search(rf"\d| [{UPPER}]| là ", sentence):  # nothing for the tagger to find
        return dates
    want_ner = counts["person"] < PERSON_SHARE * sum(counts.values()) and rng.random() < 0.6
    toks = tag(sentence, want_ner and NAME_PAIR.search(sentence))
    return dates + count_candidates(sentence, toks, taken, rng) + name_candidates(sentence, toks) \
        + thing_candidates(toks)


def lower_first(text):
    return text[0].lower() + text[1:] if text[1:2].islower() or text[1:2] == " " else text


def reshape(question, rng):
    """Real questions are shorter than wiki sentences: cut clauses, drop or move adverbials."""
    if rng.random() < 0.8:  # parentheticals outside the answer
        question = re.sub(rf"\s*\([^(){Q}]*\)", "", question)
    question = next(part for part in re.split(r"; |: | [-–] ", question) if Q in part)
    segments = question.split(", ")
    k = next(i for i, seg in enumerate(segments) if Q in seg)
    if len(segments[k].split()) >= 5 and (rng.random() < 0.7 or len(question.split()) > 22):
        segments = segments[:k + 1]
    tail, first, roll = [], (segments[0].split() or [""])[0].lower(), rng.random()
    if k > 0 and first in LEAD_STARTERS and len(segments[0].split()) <= 10 and roll < 0.8:
        tail = [lower_first(segments[0])] if roll < 0.3 and first in TIME_STARTERS else []
        segments, k = segments[1:], k - 1  # "Theo …, X" -> "X"; "Trong năm 2013, X" -> "X, trong năm 2013"
    if len(" ".join(segments).split()) > 25 and k > 0 and len(segments[0].split()) <= 15:
        segments = [segments[0], segments[k]]
    return ", ".join(segments + tail)


def make_question(sentence, cand, subject, rng):
    after = "" if cand.kind == "thing" else sentence[cand.replaced[1]:]
    question = sentence[:cand.replaced[0]] + Q + after
    if cand.kind in ("date", "place") and (m := LEAD_TIME.fullmatch(question)) and rng.random() < 0.85:
        # "Năm 1957, X …" -> "X … năm nào"
        question = m.group(2).rstrip(" .!") + " " + lower_first(m.group(1) + Q)
    question = reshape(question, rng)
    if subject and PRONOUN_SUBJECT.match(question):
        question = PRONOUN_SUBJECT.sub(subject + " ", question)
    question = re.sub(r"[.;]+,", ",", re.sub(r"\s+([,.])", r"\1", " ".join(question.split()))).strip(" .,;!")
    question = DANGLING.sub("", CONNECTOR.sub("", question)).replace(Q, cand.phrase)
    return question[:1].upper() + question[1:] + "?"


def context_window(sents, i, rng):
    """The sentence with 1–3 neighbours each side from its section; returns (context, its offset)."""
    lo, hi = max(0, i - rng.randint(1, 3)), min(len(sents), i + rng.randint(1, 3) + 1)
    window = [s for s in sents[lo:hi] if s[0] == sents[i][0]]
    focal = window.index(sents[i])
    while sum(len(s[2]) + 1 for s in window) > MAX_CONTEXT and len(window) > 1:
        drop = 0 if focal >= len(window) - 1 - focal else len(window) - 1  # the farther end
        focal -= drop == 0
        window.pop(drop)
    context, offset = "", 0
    for k, (_, para, text) in enumerate(window):
        context += ("" if not k else " " if para == window[k - 1][1] else "\n")
        offset = len(context) if k == focal else offset
        context += text
    return context, offset


def impossible_context(sents, i, question, answer, rng):
    """A window from a distant paragraph of the same article, with neither the answer nor the question."""
    def content_words(text):
        return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2 and not w.isdigit()}

    far = [j for j, s in enumerate(sents) if s[0] != sents[i][0] or abs(s[1] - sents[i][1]) >= 2]
    words = content_words(question)
    for j in rng.sample(far, min(4, len(far))):
        context, _ = context_window(sents, j, rng)
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
            split = (part for s in sent_tokenize(line) for part in MISSED_SENTENCE_END.split(s))
            sents += [(section, para, s) for s in split if 8 <= len(s.split()) <= 60
                      and sum(not w.isascii() for w in s.split()) >= 0.25 * len(s.split())]  # not English
    return sents


def title_subject(title, text):
    """The title as the text writes it (the dump lowercases titles), for sentences starting "Nó …"."""
    title = re.sub(r"\s*\([^)]*\)$", "", title)
    at = text.lower().find(title.lower())
    return text[at:at + len(title)] if at >= 0 and title else ""


def article_examples(article, counts, seen, rng):
    title, text = article["title"], nfc(article["text"])
    sents, subject, made = article_sentences(text), title_subject(title, text), []
    for i in rng.sample(range(len(sents)), len(sents)):
        if len(made) >= PER_ARTICLE:
            break
        room = sum(counts.values()) + 100  # + 100: the first examples must not all hit the cap
        cands = [c for c in candidates(sents[i][2], counts, rng)
                 if counts[c.kind] < MAX_SHARE.get(c.kind, 0.35) * room]
        rng.shuffle(cands)
        for cand in sorted(cands, key=lambda c: counts[c.kind]):  # the scarcest kind first
            if examples := build_examples(title, sents, i, cand, subject, seen, rng):
                made += examples
                counts.update(e["kind"] for e in examples)
                break
    return made


def build_examples(title, sents, i, cand, subject, seen, rng):
    """The example for a candidate (and maybe its unanswerable twin); [] when it makes a poor question."""
    sentence = sents[i][2]
    answer = sentence[cand.answer[0]:cand.answer[1]]
    if sentence[:cand.answer[0]].count("(") > sentence[:cand.answer[0]].count(")") \
            or (cand.kind != "thing" and listed(sentence, cand.answer)):
        return []  # asides in parentheses and items of enumerations
    question = make_question(sentence, cand, subject, rng)
    if not 6 <= len(question.split()) <= 30 or answer in question or question in seen \
            or len(answer.split()) > 12 or FOREIGN_SCRIPT.search(question + answer) \
            or question.count("(") != question.count(")") or question.count('"') % 2 \
            or re.match(r"[\W\d]|(?:Mà|Là|Hoặc|Hay|Thì|Của) ", question):  # a fragment, not a clause
        return []
    seen.add(question)
    context, offset = context_window(sents, i, rng)
    start = offset + cand.answer[0]
    assert context[start:start + len(answer)] == answer
    base = {"id": f"{title}/{i}/{cand.kind}", "question": question, "kind": cand.kind, "title": title}
    examples = [{**base, "context": context, "answers": [{"text": answer, "answer_start": start}],
                 "is_impossible": False}]
    if rng.random() < IMPOSSIBLE_SHARE * 1.5 and (far := impossible_context(sents, i, question, answer, rng)):
        examples.append({**base, "id": base["id"] + "/x", "context": far, "answers": [], "is_impossible": True})
    return examples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=60000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--articles", type=int, help="use only the first N articles (after shuffling)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    # not splitlines(): the JSON holds raw U+2028 and other separators it would split on
    lines = [line for line in CORPUS.read_text(encoding="utf-8").split("\n") if line.strip()]
    rng.shuffle(lines)
    counts, seen, impossible = Counter({k: 0 for k in KINDS}), set(), 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out, tqdm(lines[:args.articles], unit="article") as bar:
        for line in bar:
            for example in article_examples(json.loads(line), counts, seen, rng):
                out.write(json.dumps(example, ensure_ascii=False) + "\n")
                impossible += example["is_impossible"]
            out.flush()  # a partial file is usable
            bar.set_postfix(examples=sum(counts.values()))
            if sum(counts.values()) >= args.limit:
                break
    total = max(sum(counts.values()), 1)
    for kind, n in counts.most_common():
        print(f"{kind:8} {n:6} {n / total:6.1%}")
    print(f"total    {sum(counts.values()):6}  unanswerable {impossible} ({impossible / total:.1%})")


if __name__ == "__main__":
    main()
