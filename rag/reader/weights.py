"""The trained reader's weights on disk: fp16 in a safetensors file (half of fp32; the shipped
file is ~43 MB). Rounding the matrices' rows to int8 halves that again but cost 4.6 F1 on
validation (docs/reader.md), so they are not."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def save_weights(state: dict[str, torch.Tensor], path: Path, metadata: dict | None = None) -> None:
    tensors = {name: value.detach().half().contiguous() for name, value in state.items()}
    partial = Path(path).with_suffix(".partial")
    save_file(tensors, str(partial), {"training": json.dumps(metadata or {})})
    partial.replace(path)


def load_weights(path: Path) -> dict[str, torch.Tensor]:
    return {name: value.float() for name, value in load_file(str(path)).items()}


def training_metadata(path: Path) -> dict:
    from safetensors import safe_open

    with safe_open(str(path), "pt") as f:
        return json.loads(f.metadata().get("training", "{}"))
