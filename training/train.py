"""Fine-tune the span reader: `python -m training.train --out training/runs/reader`.

Resumable: a checkpoint is written every `--save-every` steps, and a rerun with the same
arguments continues from it (the batch order is fixed by the seed). Validation F1 on XQuAD-vi
articles 16–23, given the gold paragraph, is logged as it trains, with the number of training
examples seen, so the log is the curve of F1 against data.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import torch
from tqdm import tqdm

from rag.reader.span_model import SpanModel, batch
from rag.reader.weights import load_weights, save_weights

from . import data, written
from .validate import score


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model = SpanModel()
    if args.init:
        model.load_state_dict(load_weights(Path(args.init)), strict=False)
    _freeze(model, args.freeze_layers)
    batches = _batches(model, args, out)
    total = min(args.max_steps or len(batches) * args.epochs, len(batches) * args.epochs)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    warmup = max(1, int(0.06 * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup))))
    state = {"step": 0, "examples": 0, "best_f1": -1.0, "seconds": 0.0}
    checkpoint = out / "checkpoint.pt"
    if checkpoint.exists():
        saved = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(saved["model"], strict=False)
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        state = saved["state"]
    validation = data.validation()[:args.validation_limit or None]
    _train(model, batches, total, optimizer, schedule, state, validation, args, out)


def _train(model, batches, total, optimizer, schedule, state, validation, args, out) -> None:
    model.train()
    pad = model.tokenizer.specials["pad"]
    log = (out / "log.jsonl").open("a", encoding="utf-8")
    began, losses = time.perf_counter() - state["seconds"], []
    for step in tqdm(range(state["step"], total), initial=state["step"], total=total, desc="training"):
        rows = batches[step % len(batches)]
        ids, mask = batch([f.ids for f in rows], pad)
        start, end = model(ids, mask)
        loss = (torch.nn.functional.cross_entropy(start, torch.tensor([f.start for f in rows]))
                + torch.nn.functional.cross_entropy(end, torch.tensor([f.end for f in rows]))) / 2
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        losses.append(loss.item())
        state.update(step=step + 1, examples=state["examples"] + len(rows),
                     seconds=time.perf_counter() - began)
        record = {"step": step + 1, "examples": state["examples"], "seconds": round(state["seconds"])}
        if (step + 1) % args.log_every == 0:
            record |= {"loss": round(sum(losses) / len(losses), 4), "lr": schedule.get_last_lr()[0]}
            losses = []
        if (step + 1) % args.eval_every == 0 or step + 1 == total:
            record |= {"validation": score(model, validation)}
            if args.keep:
                save_weights(model.trainable_state(), out / f"step-{step + 1}.safetensors",
                             {"step": step + 1, "examples": state["examples"], **record["validation"]})
            if record["validation"]["f1"] > state["best_f1"]:
                state["best_f1"] = record["validation"]["f1"]
                save_weights(model.trainable_state(), out / "best.safetensors",
                             {"step": step + 1, "examples": state["examples"], **record["validation"]})
        if len(record) > 3:
            log.write(json.dumps(record) + "\n")
            log.flush()
        if (step + 1) % args.save_every == 0 or step + 1 == total:
            _save(out / "checkpoint.pt", model, optimizer, schedule, state)


def _save(path: Path, model, optimizer, schedule, state) -> None:
    partial = path.with_suffix(".tmp")
    torch.save({"model": model.trainable_state(), "optimizer": optimizer.state_dict(),
                "schedule": schedule.state_dict(), "state": state}, partial)
    partial.replace(path)  # a run cut off while saving keeps the previous checkpoint


def _freeze(model: SpanModel, layers: int) -> None:
    model.encoder.bert.embeddings.requires_grad_(False)
    for i, layer in enumerate(model.encoder.bert.encoder.layer):
        layer.requires_grad_(i >= layers)


def _batches(model: SpanModel, args, out: Path) -> list[list[data.Feature]]:
    """Features in a seeded order, grouped by length so a batch pads little."""
    cache = out / "features.pt"
    if cache.exists():
        return torch.load(cache, weights_only=False)
    examples = [] if args.no_xquad else data.xquad_train()
    examples += data.xquad_vi_train() * args.vietnamese
    if args.cross_lingual:
        examples += data.cross_lingual(args.cross_lingual, args.seed)
    if args.synthetic:
        examples += data.synthetic(Path(args.synthetic), args.synthetic_limit)
    if args.written:
        examples += written.examples(written.matching(args.written_files)) * args.written
    features = data.features(examples[:args.limit or None], model.tokenizer, seed=args.seed)
    rng = random.Random(args.seed)
    rng.shuffle(features)
    group = args.batch * 50
    batches = []
    for i in range(0, len(features), group):
        chunk = sorted(features[i:i + group], key=lambda f: len(f.ids))
        batches += [chunk[j:j + args.batch] for j in range(0, len(chunk), args.batch)]
    rng.shuffle(batches)
    torch.save(batches, cache)
    print(f"{len(examples)} examples, {len(features)} windows, {len(batches)} batches")
    return batches


def _arguments(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="folder for checkpoints, the log and best.safetensors")
    p.add_argument("--synthetic", help="JSONL from training/synthetic.py")
    p.add_argument("--synthetic-limit", type=int)
    p.add_argument("--no-xquad", action="store_true", help="leave out xquad-train's own pairs")
    p.add_argument("--vietnamese", type=int, default=0, metavar="N",
                   help="add XQuAD-vi articles 0–15 (the Vietnamese of xquad-train), N times")
    p.add_argument("--written", type=int, default=0, metavar="N",
                   help="add the written Vietnamese questions of training/questions/, N times")
    p.add_argument("--written-files", default="*.jsonl", metavar="GLOBS",
                   help="which files of training/questions/ --written reads (comma-separated globs)")
    p.add_argument("--cross-lingual", type=int, default=0, metavar="K",
                   help="add K pairs per xquad-train question: its paragraph in another language")
    p.add_argument("--keep", action="store_true",
                   help="keep the weights of every validation as step-N.safetensors (for averaging)")
    p.add_argument("--init", help="start from these trained weights (a .safetensors of this reader)")
    p.add_argument("--limit", type=int, help="train on the first N examples only (tests)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--max-steps", type=int, help="stop (and end the schedule) after this many steps")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--freeze-layers", type=int, default=0, help="lowest encoder layers kept as they are")
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--validation-limit", type=int, help="validate on the first N questions only")
    p.add_argument("--save-every", type=int, default=100)
    p.add_argument("--log-every", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=13)
    return p.parse_args(argv)


if __name__ == "__main__":
    main()
