"""Changes to the collection made from the web, one at a time in a background worker: store the
uploaded files in the corpus folder and ingest it, or remove an article. Jobs that arrive while
one runs wait their turn, first come first served; each job's state can be polled.

A job that fails puts back the files it replaced or removes the ones it added, and the live index
stays as it was (a generation is switched to only once complete).
"""
from __future__ import annotations

import itertools
import logging
import queue
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import library
from .ingest import ChunkSettings, NothingIngested, ingest
from .store import IndexBusy, IndexProblem

log = logging.getLogger(__name__)
KEPT_JOBS = 200
LOCK_RETRY_SECONDS = 2.0
LOCK_WAIT_SECONDS = 600.0  # a `rag ingest` from the shell may hold the index this long


@dataclass(frozen=True)
class Job:
    """One change to the collection and how far it has got."""

    job_id: str
    kind: str  # "upload" or "remove"
    files: tuple[str, ...]  # file names uploaded, or the doc_id removed
    state: str = "queued"  # queued → running → done | failed
    message: str = ""  # what happened, in Vietnamese, for the person who asked
    doc_ids: tuple[str, ...] = ()  # the articles the files became
    problems: tuple[str, ...] = ()
    created_at: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    finished_at: str | None = None


class CollectionWorker:
    """The one writer of the corpus folder and the index while the server runs."""

    def __init__(self, rag, corpus: Path, chunking: ChunkSettings) -> None:
        self.rag, self.corpus, self.chunking = rag, corpus, chunking
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._work: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        threading.Thread(target=self._run, daemon=True, name="collection-worker").start()

    def upload(self, files: list[tuple[str, bytes]]) -> Job:
        """Queue files already checked by `library.check_upload`."""
        job = self._add("upload", tuple(name for name, _ in files))
        self._work.put((job.job_id, lambda: self._store_and_ingest(job, files)))
        return job

    def remove(self, doc_id: str) -> Job:
        job = self._add("remove", (doc_id,))
        self._work.put((job.job_id, lambda: self._remove(doc_id)))
        return job

    def job(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """The recent jobs, newest first."""
        return list(reversed(self._jobs.values()))

    def wait(self, timeout: float = 600.0) -> None:
        """Until every job queued so far has finished (tests, `rag serve` shutdown)."""
        deadline = time.monotonic() + timeout
        while self._work.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)

    def _add(self, kind: str, files: tuple[str, ...]) -> Job:
        job = Job(f"job-{next(self._numbers)}-{int(time.time())}", kind, files)
        with self._lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.popitem(last=False)
        return job

    def _update(self, job_id: str, **changes) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)

    def _run(self) -> None:
        while True:
            job_id, work = self._work.get()
            self._update(job_id, state="running")
            try:
                changes = dict(work(), state="done")
            except (library.DocumentProblem, IndexProblem, NothingIngested, OSError) as problem:
                changes = {"state": "failed", "message": str(problem)}
            except Exception as problem:  # the worker must outlive any one job
                log.exception("collection job %s failed", job_id)
                changes = {"state": "failed", "message": f"Lỗi khi lập chỉ mục: {problem}"}
            self._update(job_id, finished_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), **changes)
            self._work.task_done()

    def _store_and_ingest(self, job: Job, files: list[tuple[str, bytes]]) -> dict:
        with tempfile.TemporaryDirectory() as backup:
            stored, replaced = [], []
            try:
                for name, data in files:
                    target = self.corpus / library.safe_name(name)
                    if target.exists():
                        replaced.append(shutil.copy2(target, Path(backup) / target.name))
                    stored.append(library.store_upload(self.corpus, name, data))
                report = self._locked(lambda: ingest([self.corpus], self.rag.index_dir, self.rag.embedder,
                                                     self.chunking, progress=False))
            except BaseException:
                for path in stored:
                    path.unlink(missing_ok=True)
                for copy in replaced:
                    shutil.copy2(copy, self.corpus / Path(copy).name)
                raise
        self.rag.refresh()
        sources = {str(p.resolve()) for p in stored}
        doc_ids = tuple(d.doc_id for d in self.rag.index.documents.values() if str(Path(d.source).resolve()) in sources)
        mine = [p for p in report.problems if any(p.startswith(str(s)) for s in stored)]
        return {"doc_ids": doc_ids, "problems": tuple(mine),
                "message": f"Đã lập chỉ mục {len(doc_ids)}/{len(files)} tệp."}

    def _remove(self, doc_id: str) -> dict:
        doc = self._locked(lambda: library.remove(self.rag.index, self.rag.index_dir, doc_id, self.corpus,
                                                  delete_file=True, embedder=self.rag.embedder))
        self.rag.refresh()
        return {"doc_ids": (doc_id,), "message": f"Đã gỡ bài “{doc.title}”."}

    def _locked(self, write):
        """Run an index write, waiting while a shell `rag ingest` holds the index."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                return write()
            except IndexBusy:
                if time.monotonic() > deadline:
                    raise
                time.sleep(LOCK_RETRY_SECONDS)
