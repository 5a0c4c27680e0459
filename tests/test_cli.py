"""The `rag` command: one clear line per problem, exit codes, JSON output."""
import ctypes
import json
import os
import shutil
import subprocess
import sys

from .conftest import CORPUS


def rag(*args, cwd=None, preexec_fn=None):
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, env=env, cwd=cwd,
                          preexec_fn=preexec_fn)


def without_root_file_access():
    """Root reads every file whatever its mode; without these two capabilities the mode counts."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP, for the child only
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def test_ingest_names_each_bad_file_and_ingests_the_rest(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(CORPUS / "003_8bd0d3019a000018.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\x00\x00binary")
    (folder / "legacy.txt").write_bytes(b"\xd0\xe3ng vi\xean")
    result = rag("ingest", str(folder), str(tmp_path / "missing"), "--index", str(tmp_path / "index"), "-q")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name, reason in [("empty.txt", "empty"), ("image.txt", "binary"), ("legacy.txt", "not UTF-8"),
                         ("missing", "not found")]:
        line = next(x for x in result.stderr.splitlines() if name in x)
        assert reason in line
    assert "1 bài mới" in result.stdout
    chunks = [json.loads(x) for x in rag("chunks", "--index", str(tmp_path / "index")).stdout.splitlines()]
    assert {c["doc_id"] for c in chunks} == {"003_8bd0d3019a000018"}
    assert set(chunks[0]) == {"doc_id", "chunk_id", "title", "start", "end", "text"}


MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
               b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def test_files_of_other_formats_in_a_folder_are_named_with_the_fix(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(CORPUS / "003_8bd0d3019a000018.txt", folder)
    (folder / "nghi-quyet.pdf").write_bytes(MINIMAL_PDF)
    (folder / "bao-cao.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)  # an OLE2 header
    (folder / "anh.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = rag("ingest", str(folder), "--index", str(tmp_path / "index"), "-q")
    assert result.returncode == 0 and "1 bài mới" in result.stdout
    lines = result.stderr.splitlines()
    assert "save it as .docx" in next(x for x in lines if "bao-cao.doc" in x)
    assert "OCR" in next(x for x in lines if "nghi-quyet.pdf" in x)  # a page with no text: no text layer
    assert ".png is not an article format" in next(x for x in lines if "anh.png" in x)


def test_an_unreadable_file_is_named_and_the_rest_ingests(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(CORPUS / "003_8bd0d3019a000018.txt", folder)
    locked = folder / "locked.txt"
    shutil.copy(CORPUS / "000_ab156e6516d54533.txt", locked)
    locked.chmod(0)
    result = rag("ingest", str(folder), "--index", str(tmp_path / "index"), "-q", preexec_fn=without_root_file_access)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    line = next(x for x in result.stderr.splitlines() if "locked.txt" in x)
    assert "permission denied" in line and "chmod +r" in line
    assert "1 bài mới" in result.stdout


def test_ingest_fails_when_nothing_could_be_ingested(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = rag("ingest", str(tmp_path / "empty.txt"), "--index", str(tmp_path / "index"), "-q")
    assert result.returncode == 1
    assert "empty" in result.stderr and "Traceback" not in result.stderr


def test_ask_json_and_text(corpus_index):
    result = rag("ask", "Trong 2,5 năm đã tổ chức bao nhiêu hội nghị?", "--index", str(corpus_index), "--json")
    data = json.loads(result.stdout)
    assert data["answer"] == "31.041 hội nghị" and data["citations"][0]["doc_id"] == "000_ab156e6516d54533"
    text = rag("ask", "Trong 2,5 năm đã tổ chức bao nhiêu hội nghị?", "--index", str(corpus_index)).stdout
    assert "Trả lời: 31.041 hội nghị" in text and "[1]" in text and "30/10/2023" in text


def test_ask_errors_are_one_line_without_traceback(corpus_index, tmp_path):
    empty = rag("ask", "   ", "--index", str(corpus_index))
    assert empty.returncode == 1 and "trống" in empty.stderr and "Traceback" not in empty.stderr
    missing = rag("ask", "Ai?", "--index", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "rag ingest" in missing.stderr and "Traceback" not in missing.stderr


def test_strict_ingest_reports_skipped_files_in_the_exit_code(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(CORPUS / "003_8bd0d3019a000018.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    result = rag("ingest", str(folder), "--index", str(tmp_path / "index"), "-q", "--strict")
    assert result.returncode == 3 and "empty.txt" in result.stderr


def test_utf16_files_ingest_and_huge_files_are_refused(tmp_path):
    from rag.loading import MAX_FILE_BYTES, FileProblem, read_page

    article = (CORPUS / "003_8bd0d3019a000018.txt").read_text(encoding="utf-8")
    for encoding in ("utf-16", "utf-16-le"):  # with and without a byte-order mark
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(article.encode(encoding))
        assert "5.875 bài" in "\n".join(read_page(path).lines)
    huge = tmp_path / "dump.txt"
    huge.write_bytes(b"a" * (MAX_FILE_BYTES + 1))
    try:
        read_page(huge)
    except FileProblem as problem:
        assert "split it" in str(problem)
    else:
        raise AssertionError("a file over the size limit was read")
