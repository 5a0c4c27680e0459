"""The Gradio chat (Vietnamese interface): a full page, or a chat-only view for iframes."""
from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path

import gradio as gr

from . import chat_documents, render
from .feedback import FeedbackLog
from .pipeline import MAX_HISTORY_TURNS, RAG
from .text import InvalidQuestion, validate_question
from .types import Turn

log = logging.getLogger(__name__)

UI_DIR = Path(__file__).resolve().parent.parent / "ui"  # the repo's ui/, which the wheel ships as rag/ui
# System fonts: nothing to fetch (a gr.themes.GoogleFont would load from Google), and the
# operating system's fonts cover Vietnamese.
SANS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Helvetica Neue", "Arial",
        "sans-serif"]
MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]
# (question, the shipped article that answers it): shown only when that article is indexed.
EXAMPLES = [
    ("Trong 2,5 năm đã tổ chức bao nhiêu hội nghị?", "000_ab156e6516d54533"),
    ("Khẩu hiệu hành động của Ngành Tuyên giáo Lai Châu là gì?", "001_c0d09ef692890f55"),
    ("Huyện Phong Thổ có bao nhiêu trạm truyền thanh?", "002_30ff043197b154a6"),
    ("Huyện Bắc Quang phấn đấu đạt chuẩn huyện nông thôn mới vào năm nào?", "003_8bd0d3019a000018"),
]


def theme() -> gr.themes.Base:
    return gr.themes.Default(font=SANS, font_mono=MONO)


def css() -> str:
    path = _stylesheet()
    if not path.is_file():
        log.warning("%s is missing; the chat will use the theme's styles only.", path)
        return ""
    return path.read_text(encoding="utf-8")


def _stylesheet() -> Path:
    """ui/chat.css in a checkout; rag/ui/chat.css in an installed wheel."""
    installed = Path(__file__).resolve().parent / "ui" / "chat.css"
    return installed if installed.is_file() else UI_DIR / "chat.css"


def status_line(rag: RAG) -> str:
    built = rag.index.manifest.get("built_at", "")
    when = f"{render.vi_date(built[:10])} {built[11:16]}" if len(built) >= 16 else built
    return " · ".join([f"{len(rag.index.documents)} bài viết", f"{len(rag.index.chunks)} đoạn",
                       f"mô hình {rag.index.embedder_name}", f"chỉ mục lập lúc {when}"])


def examples(rag: RAG) -> list[str]:
    return [question for question, doc_id in EXAMPLES if doc_id in rag.index.documents]


def build(rag: RAG, feedback: FeedbackLog, embed: bool = False, concurrency: int = 4,
          k: int = 5, documents: dict | None = None) -> gr.Blocks:
    """The chat; `embed` drops the header, status line, examples, footer and the articles tab.
    `documents` (worker, corpus, admin_token, max_upload_bytes) adds the "Bài viết" tab."""
    with gr.Blocks(title="Hỏi đáp bài viết", analytics_enabled=False, fill_height=embed) as blocks:
        if embed:
            chat_panel(rag, feedback, embed, concurrency, k)
        else:
            # gr.Markdown, not gr.HTML: Gradio 6's HTML component evaluates templates, which the
            # page's Content-Security-Policy (no 'unsafe-eval') forbids.
            gr.Markdown(f'<h1 class="rag-title">Hỏi đáp trên các bài viết</h1>'
                        f'<p id="rag-status" class="rag-status">{render.text(status_line(rag))}</p>')
            with gr.Tabs():
                with gr.Tab("Hỏi đáp", elem_id="rag-tab-chat"):
                    chat_panel(rag, feedback, embed, concurrency, k)
                if documents:
                    with gr.Tab("Bài viết", elem_id="rag-tab-articles"):
                        on_load, outputs = chat_documents.build_tab(rag, **documents)
                    blocks.load(on_load, None, outputs, api_visibility="private", queue=False)
            gr.api(api_answer(rag), api_name="ask", concurrency_limit=concurrency, concurrency_id="ask")
    blocks.queue(default_concurrency_limit=concurrency)
    return blocks


def chat_panel(rag: RAG, feedback: FeedbackLog, embed: bool, concurrency: int, k: int) -> None:
    """The conversation, the question box, the examples and "Xoá hội thoại"."""
    chatbot = gr.Chatbot(
        elem_id="rag-chat", label="Hội thoại", show_label=False, height=None if embed else 520,
        render_markdown=True, sanitize_html=True, latex_delimiters=[], allow_tags=False,
        feedback_options=("Like", "Dislike"), buttons=[], group_consecutive_messages=False,
        placeholder="Hỏi bằng tiếng Việt; câu trả lời được trích nguyên văn từ các bài viết.",
    )
    with gr.Row(equal_height=True):
        question = gr.Textbox(elem_id="rag-question", show_label=False, scale=8, lines=1,
                              placeholder="Nhập câu hỏi…", autofocus=not embed)
        send = gr.Button("Hỏi", elem_id="rag-send", variant="primary", scale=1, min_width=80)
    if not embed and examples(rag):
        gr.Examples(examples(rag), inputs=question, label="Câu hỏi mẫu")
    clear = gr.Button("Xoá hội thoại", elem_id="rag-clear", size="sm")
    wire(rag, feedback, chatbot, question, (question.submit, send.click, clear.click), concurrency, k,
         "../" if embed else "")


def wire(rag: RAG, feedback: FeedbackLog, chatbot: gr.Chatbot, question: gr.Textbox, triggers: tuple,
         concurrency: int, k: int, base: str) -> None:
    """The events: ask (question shown at once, answer when ready), vote, clear."""
    submit, click, clear = triggers
    answers = gr.State([])  # Answer dicts, index-aligned with the chat's messages
    pending = gr.State("")
    # The UI's own steps (the public API is `ask`). Queued, even the quick ones: Gradio delivers
    # gr.Warning / gr.Info messages only through the queue.
    private = {"api_visibility": "private"}

    def answer(text: str, history: list, kept: list):
        return answer_turn(rag, text, history, kept, k, base)

    def vote(kept: list, data: gr.LikeData):
        record_vote(feedback, kept, data)

    for trigger in (submit, click):
        trigger(question_turn, [question, chatbot, answers], [question, chatbot, answers, pending],
                concurrency_limit=None, show_progress="hidden", **private).then(
            answer, [pending, chatbot, answers], [chatbot, answers], concurrency_limit=concurrency,
            concurrency_id="ask", show_progress="minimal", **private,
        )
    reset = (lambda: ([], [], ""), None, [chatbot, answers, pending])
    clear(*reset, queue=False, **private)
    chatbot.clear(*reset, queue=False, **private)
    chatbot.like(vote, [answers], None, concurrency_limit=None, **private)


def question_turn(text: str, history: list, kept: list):
    """Show the question at once; the answer follows in `answer_turn`."""
    try:
        question = validate_question(text)
    except InvalidQuestion as problem:
        # A warning, not gr.Error: an error would mark the chat itself as failed.
        gr.Warning(str(problem), title="Câu hỏi chưa hợp lệ")
        return gr.skip(), gr.skip(), gr.skip(), ""
    history = history + [{"role": "user", "content": render.question_html(question)}]
    return "", history, kept + [None], question


def answer_turn(rag: RAG, question: str, history: list, kept: list, k: int = 5, base: str = ""):
    """Answer with the tab's earlier turns as the conversation (kept until "Xoá hội thoại")."""
    if not question:  # the question was refused in `question_turn`
        return gr.skip(), gr.skip()
    turns = conversation(kept)
    answer = rag.ask(question, k=k, history=turns)
    history = history + [{"role": "assistant", "content": render.answer_html(answer, base)}]
    kept_answer = answer.to_dict() | {"history": [asdict(t) for t in turns], "turn": asdict(answer.as_turn())}
    return history, kept + [kept_answer]


def conversation(kept: list) -> list[Turn]:
    """The earlier turns from the answers the chat keeps, the last MAX_HISTORY_TURNS of them."""
    return [Turn(**a["turn"]) for a in kept if a][-MAX_HISTORY_TURNS:]


def record_vote(feedback: FeedbackLog, kept: list, data: gr.LikeData) -> None:
    index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
    vote = {True: "up", False: "down"}.get(data.liked)
    if vote is None or not 0 <= index < len(kept) or kept[index] is None:
        return  # an undone vote, or a vote on a question
    feedback.append(kept[index], vote)
    gr.Info("Cảm ơn bạn đã góp ý!")


def api_answer(rag: RAG):
    def ask(question: str, k: int = 5, history: list | None = None) -> dict:
        """The answer as the JSON of `rag ask --json` (for gradio_client); `history` as in POST /api/ask."""
        try:
            return rag.ask(question, k=k, history=history or []).to_dict()
        except InvalidQuestion as problem:
            raise gr.Error(str(problem)) from None

    return ask
