"""Build the index for eval/news.jsonl, a held-out question set over real news articles.

    python eval/news_index.py [--index DIR] [--questions FILE]
        (defaults /tmp/rag-news-index, eval/news.jsonl; for eval/news-dev.jsonl use its own
        folder, e.g. --index /tmp/rag-news-dev-index)

eval/news.jsonl holds 48 answerable and 8 unanswerable questions on 12 dantri.com.vn
articles (2020–2021, ten sections) drawn with a fixed seed from ../shared/corpora/news-vi/.
Nobody tuned the system on these articles: the set is an honest measure of how it does on
text it has never seen. Do not tune against it. The news text is publisher-copyrighted test
data and is never shipped with the product; only the questions (and each article's file name,
in the `source` field) live in this repository, so the index is rebuilt from the shared corpus.

eval/news-dev.jsonl is a second such set: 56 answerable and 14 unanswerable questions on 14
other articles (seed 2026, eight sections), written the same way by a helper who read the
articles and never saw an answer. Like eval/news.jsonl it only measures: neither may tune the
system (news-vi articles must reach no training or tuning).

The script ingests exactly the files named by the `source` fields, with the product's own
embedder and chunk settings, checks that the resulting doc_ids are those the questions
carry, and prints the `rag eval` command to run next.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag import store
from rag.config import Settings
from rag.embedding import make_embedder
from rag.ingest import ChunkSettings, ingest

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "eval/news.jsonl"
CORPUS = Path(__file__).resolve().parents[2] / "shared/corpora/news-vi"
DEFAULT_INDEX = Path("/tmp/rag-news-index")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, help=f"index folder [{DEFAULT_INDEX}]")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="question set [eval/news.jsonl]")
    args = parser.parse_args()
    questions = args.questions.resolve()
    if not questions.is_file():
        print(f"question set {args.questions} not found; give an eval/*.jsonl file", file=sys.stderr)
        return 1

    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    sources = sorted({row["source"] for row in rows})
    paths = [CORPUS / name for name in sources]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print("news-vi articles not found:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1

    settings = Settings()
    report = ingest(paths, args.index, make_embedder(settings.embedder),
                    ChunkSettings(settings.chunk_size, settings.chunk_overlap))
    # ingest() drops only documents under the paths it was given; anything else already in
    # the folder would stay and distort retrieval, so insist the index is exactly these files.
    held = set(store.load(args.index).documents)
    expected = {Path(name).stem for name in sources}
    wanted = {row["doc_id"] for row in rows if row.get("doc_id")}
    extra, lacking = sorted(held - expected), sorted((expected | wanted) - held)
    if extra or lacking:
        print(f"index {args.index} does not match {questions.name}: "
              f"other documents {extra}, missing {lacking}; use an empty --index folder", file=sys.stderr)
        return 1
    print(f"Indexed {len(held)} news articles ({report.chunks} chunks) into {args.index}.")
    shown = questions.relative_to(ROOT) if questions.is_relative_to(ROOT) else questions
    print(f"Next: rag eval {shown} --index {args.index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
