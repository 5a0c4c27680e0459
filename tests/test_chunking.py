"""Chunks keep sentences whole and their offsets point exactly into the cleaned text."""
from rag import store


def test_offsets_round_trip_for_every_chunk_and_sentence(corpus_index):
    index = store.load(corpus_index)
    assert len(index.documents) == 5
    for chunk in index.chunks:
        assert index.documents[chunk.doc_id].text[chunk.start:chunk.end] == chunk.text
    chunks = {c.chunk_id: c for c in index.chunks}
    for sentence in index.sentences:
        chunk = chunks[sentence.chunk_id]
        assert chunk.start <= sentence.start < sentence.end <= chunk.end
        assert index.documents[chunk.doc_id].text[sentence.start:sentence.end] == sentence.text


def test_chunks_end_at_sentence_or_paragraph_boundaries(corpus_index):
    index = store.load(corpus_index)
    for chunk in index.chunks:
        text = index.documents[chunk.doc_id].text
        at_paragraph_end = chunk.end == len(text) or text[chunk.end] == "\n"
        assert at_paragraph_end or chunk.text[-1] in ".!?…;:", chunk.text[-60:]
        assert len(chunk.text) <= 1000


def test_chunk_ids_are_unique_and_name_their_document(corpus_index):
    index = store.load(corpus_index)
    ids = [c.chunk_id for c in index.chunks]
    assert len(ids) == len(set(ids))
    assert all(c.chunk_id.startswith(c.doc_id + "#") for c in index.chunks)
