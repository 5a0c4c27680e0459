"""Ship the run whose best checkpoint scored highest on XQuAD-vi articles 16–23:
`python -m training.choose training/runs/stage1 training/runs/stage2 training/runs/stage3 --to rag/reader/span-reader.safetensors`."""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from rag.reader.weights import training_metadata


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--to", type=Path, required=True)
    args = parser.parse_args()
    scored = [(training_metadata(run / "best.safetensors")["f1"], run) for run in args.runs]
    f1, best = max(scored)
    shutil.copyfile(best / "best.safetensors", args.to)
    print("  ".join(f"{run}: F1 {score}" for score, run in scored) + f"  → {best} ({f1})")


if __name__ == "__main__":
    main()
