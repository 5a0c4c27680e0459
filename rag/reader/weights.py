"""The trained reader's weights on disk: matrices as int8 with one scale per row, vectors as
fp16, in a safetensors file (about a quarter of fp32; the shipped file is ~22 MB)."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

SCALE = ".int8_scale"


def save_weights(state: dict[str, torch.Tensor], path: Path, metadata: dict | None = None) -> None:
    tensors = {}
    for name, value in state.items():
        value = value.detach().float()
        if value.dim() == 2 and value.numel() >= 4096:
            scale = value.abs().amax(dim=1).clamp(min=1e-8) / 127
            tensors[name] = torch.round(value / scale[:, None]).to(torch.int8).contiguous()
            tensors[name + SCALE] = scale.contiguous()
        else:
            tensors[name] = value.half().contiguous()
    partial = Path(path).with_suffix(".partial")
    save_file(tensors, str(partial), {"training": json.dumps(metadata or {})})
    partial.replace(path)


def load_weights(path: Path) -> dict[str, torch.Tensor]:
    raw = load_file(str(path))
    state = {}
    for name, value in raw.items():
        if name.endswith(SCALE):
            continue
        scale = raw.get(name + SCALE)
        state[name] = value.float() * scale[:, None] if scale is not None else value.float()
    return state


def training_metadata(path: Path) -> dict:
    from safetensors import safe_open

    with safe_open(str(path), "pt") as f:
        return json.loads(f.metadata().get("training", "{}"))
