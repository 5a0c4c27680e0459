"""Evaluation output: the terminal table, and a one-minute report (HTML or Markdown)."""
from __future__ import annotations

import html
from pathlib import Path

HEADLINE = [
    ("retrieval", "recall@1"), ("retrieval", "recall@5"), ("retrieval", "recall@10"), ("retrieval", "mrr"),
    ("answer", "exact_match"), ("answer", "f1"), ("answer", "contains"), ("answer", "citation_accuracy"),
    ("isolated_reader", "f1"), ("isolated_reader", "contains"),
    ("abstention", "precision"), ("abstention", "recall"), ("latency_ms", "p50"), ("latency_ms", "p95"),
]


def _fmt(value) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if isinstance(value, float) and value > 1 else (
        f"{value:.3f}" if isinstance(value, float) else str(value))


def table_rows(results: dict[str, dict]) -> list[list[str]]:
    """One row per metric, one column per configuration."""
    return [[f"{group}.{name}", *(_fmt(r[group][name]) for r in results.values())] for group, name in HEADLINE]


def markdown_table(results: dict[str, dict]) -> str:
    header = ["metric", *results]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    return "\n".join(lines)


def write_report(path: Path, dataset: str, results: dict[str, dict], questions: list[dict]) -> None:
    """Headline table, accuracy by type and by configuration, failed questions first."""
    if path.suffix.lower() == ".md":
        path.write_text(_markdown(dataset, results, questions), encoding="utf-8")
    else:
        path.write_text(_html(dataset, results, questions), encoding="utf-8")


def _failed_first(questions: list[dict]) -> list[dict]:
    return sorted(questions, key=lambda q: q["correct"])


def _markdown(dataset: str, results: dict[str, dict], questions: list[dict]) -> str:
    main = next(iter(results.values()))
    parts = [f"# Đánh giá: {dataset}", "", markdown_table(results), "", "## Theo loại câu hỏi", "",
             "| type | n | contains |", "|---|---|---|"]
    parts += [f"| {t} | {v['n']} | {v['contains']:.3f} |" for t, v in main["by_type"].items()]
    parts += ["", "## Câu hỏi (sai trước)", ""]
    for q in _failed_first(questions):
        mark = "✓" if q["correct"] else "✗"
        parts.append(f"- {mark} **{q['question']}** — gold: {q['gold'] or '(không có)'}; "
                     f"trả lời: {q['predicted']}; tài liệu: {', '.join(q['retrieved'][:3])}")
    return "\n".join(parts) + "\n"


def _bars(values: dict[str, float], width: int = 360) -> str:
    """A horizontal bar chart as inline SVG: no script, no external request."""
    rows = []
    for i, (label, value) in enumerate(values.items()):
        y = i * 26
        rows.append(
            f'<text x="0" y="{y + 16}" font-size="13">{html.escape(label)}</text>'
            f'<rect x="150" y="{y + 3}" width="{width * (value or 0):.0f}" height="18" fill="#2b6cb0"/>'
            f'<text x="{155 + width * (value or 0):.0f}" y="{y + 16}" font-size="12">{_fmt(value)}</text>'
        )
    return f'<svg width="{width + 220}" height="{26 * len(values) + 4}">{"".join(rows)}</svg>'


def _html(dataset: str, results: dict[str, dict], questions: list[dict]) -> str:
    main_name, main = next(iter(results.items()))
    head = "".join(f"<th>{html.escape(n)}</th>" for n in ["metric", *results])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in table_rows(results))
    by_type = {f"{t} (n={v['n']})": v["contains"] for t, v in main["by_type"].items()}
    by_config = {name: r["answer"]["contains"] for name, r in results.items()}
    items = "".join(_question_html(q) for q in _failed_first(questions))
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Đánh giá {html.escape(dataset)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}
li{{margin:.4em 0}}.bad{{color:#b00}}.ok{{color:#070}}</style></head><body>
<h1>Đánh giá: {html.escape(dataset)}</h1>
<table><tr>{head}</tr>{body}</table>
<h2>Độ chính xác (answer contained) theo loại câu hỏi — {html.escape(main_name)}</h2>{_bars(by_type)}
<h2>Theo cấu hình</h2>{_bars(by_config)}
<h2>Câu hỏi, câu sai trước</h2><ol>{items}</ol></body></html>"""


def _question_html(q: dict) -> str:
    cls, mark = ("ok", "✓") if q["correct"] else ("bad", "✗")
    gold = html.escape("; ".join(q["gold"]) or "(không có trong bài)")
    predicted = html.escape(q["predicted"] or "(từ chối trả lời)")
    retrieved = html.escape(", ".join(q["retrieved"][:3]))
    return (f'<li class="{cls}">{mark} {html.escape(q["question"])}<br><small>đúng: {gold} · trả lời: '
            f"{predicted} · tài liệu tìm được: {retrieved} · tài liệu đúng: {html.escape(str(q['gold_doc']))}"
            "</small></li>")


# --- conversations and overviews (rag/chat_eval.py) ------------------------------------------

def chat_table(summary: dict) -> str:
    """The conversation set's headline: with history against without, and by kind of follow-up."""
    if "with_history" in summary:
        rows = [("short answer holds gold", "short_contains"), ("F1", "f1"), ("exact match", "exact_match"),
                ("unanswerable abstained", "abstention_recall"), ("answerable abstained", "wrongly_abstained")]
        follow = summary["follow_ups"]
        lines = ["| metric | with history | without history (baseline) | follow-ups only, with | follow-ups only, "
                 "without | rewritten by hand, asked alone |", "|---|---|---|---|---|---|"]
        lines += [f"| {label} | {_fmt(summary['with_history'][key])} | {_fmt(summary['without_history'][key])} | "
                  f"{_fmt(follow['with_history'][key])} | {_fmt(follow['without_history'][key])} | "
                  f"{_fmt(summary['resolved_by_hand'][key])} |" for label, key in rows]
        lines += ["", "| follow-up | n | correct |", "|---|---|---|"]
        lines += [f"| {kind} | {v['n']} | {_fmt(v['correct'])} |" for kind, v in summary["by_follow_up"].items()]
        return "\n".join(lines)
    keys = ("is_overview", "right_article", "holds_a_fact", "copied", "distinct", "sentences_shown")
    return "\n".join(["| metric | value |", "|---|---|"] + [f"| {key} | {_fmt(summary[key])} |" for key in keys])


def write_chat_report(path: Path, dataset: str, summary: dict, rows: list[dict]) -> None:
    if path.suffix.lower() == ".md":
        items = "\n".join(f"- {'✓' if _chat_ok(r) else '✗'} {_chat_line(r)}" for r in _chat_failed_first(rows))
        path.write_text(f"# Đánh giá: {dataset}\n\n{chat_table(summary)}\n\n## Câu hỏi (sai trước)\n\n{items}\n",
                        encoding="utf-8")
        return
    items = "".join(f'<li class="{"ok" if _chat_ok(r) else "bad"}">{html.escape(_chat_line(r))}</li>'
                    for r in _chat_failed_first(rows))
    table = "".join(f"<pre>{html.escape(chat_table(summary))}</pre>")
    title = "Hội thoại" if "with_history" in summary else "Câu hỏi tổng quan"
    path.write_text(f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Đánh giá {html.escape(dataset)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto}}li{{margin:.4em 0}}
.bad{{color:#b00}}.ok{{color:#070}}</style></head><body>
<h1>Đánh giá: {html.escape(dataset)}</h1><h2>{title}</h2>{table}
<h2>Câu hỏi, câu sai trước</h2><ol>{items}</ol></body></html>""", encoding="utf-8")


def _chat_ok(row: dict) -> bool:
    if "turns" in row:
        return bool(row["correct"])
    return row["is_overview"] and row["right_article"] and row["holds_a_fact"]


def _chat_failed_first(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=_chat_ok)


def _chat_line(row: dict) -> str:
    if "turns" in row:
        return (f"{' → '.join(row['turns'])} · hiểu là: {row['resolved']} · trả lời: "
                f"{row['predicted'] or '(không tìm thấy)'} · đúng: {'; '.join(row['gold']) or '(không có trong bài)'}")
    return (f"{row['question']} · {row['kind']} · {len(row['sentences'])} câu · đúng bài: {row['right_article']} · "
            f"có ý chính: {row['holds_a_fact']}")
