"""Validation F1 of a span model given the gold paragraph (XQuAD-vi articles 16–23):
`python -m training.validate rag/reader/span-reader.safetensors` scores a weights file;
`--average A B` scores the mean of several models' logits; `--mean-weights A B [--save OUT]` the model
whose parameters are the mean of theirs (checkpoints of one run: an average along its path)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from torch import nn

from rag.evaluation import exact_match, f1
from rag.reader.span_model import SpanModel, read
from rag.reader.weights import load_weights, save_weights

from . import data
from .data import Example


def score(model: SpanModel, examples: list[Example]) -> dict[str, float]:
    was_training = model.training
    model.eval()
    f1s, ems = [], []
    for example in examples:
        guess = max(read(model, example.question, [example.context]), key=lambda g: g.score)
        answer = example.context[guess.start:guess.end]
        golds = tuple(text for text, _ in example.answers)
        f1s.append(f1(answer, golds))
        ems.append(exact_match(answer, golds))
    model.train(was_training)
    return {"f1": round(100 * sum(f1s) / len(f1s), 2), "em": round(100 * sum(ems) / len(ems), 2)}


class AverageModel(nn.Module):
    """Several span models read as one: their start and end logits averaged."""

    def __init__(self, models: list[SpanModel]) -> None:
        super().__init__()
        self.models = nn.ModuleList(models)
        self.tokenizer = models[0].tokenizer

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        starts, ends = zip(*(model(ids, mask) for model in self.models))
        return torch.stack(starts).mean(0), torch.stack(ends).mean(0)


def mean_weights(paths: list[Path]) -> dict[str, torch.Tensor]:
    states = [load_weights(path) for path in paths]
    return {name: torch.stack([state[name] for state in states]).mean(0) for name in states[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path, nargs="+", help=".safetensors files of this reader")
    parser.add_argument("--average", action="store_true", help="score the models' averaged logits, once")
    parser.add_argument("--mean-weights", action="store_true", help="score the model of their mean parameters")
    parser.add_argument("--save", type=Path, help="with --mean-weights: write that model here")
    args = parser.parse_args()
    torch.set_num_threads(2)
    examples = data.validation()
    if args.average:
        model = AverageModel([SpanModel.from_trained(path) for path in args.weights]).eval()
        print(json.dumps({"average": [str(p) for p in args.weights], **score(model, examples)}), flush=True)
        return
    if args.mean_weights:
        mean = mean_weights(args.weights)
        model = SpanModel(load_weights=False)
        model.load_state_dict(mean, strict=False)
        scores = score(model.eval(), examples)
        if args.save:
            save_weights(mean, args.save, {"mean_of": [p.name for p in args.weights], **scores})
        print(json.dumps({"mean_weights": [str(p) for p in args.weights], **scores}), flush=True)
        return
    for path in args.weights:
        print(json.dumps({"weights": str(path), **score(SpanModel.from_trained(path), examples)}), flush=True)


if __name__ == "__main__":
    main()
