"""The learning curve of a training: validation F1 against training examples seen, as a
Markdown table (`python -m training.curve training/runs/stage1 training/runs/stage2`).
Runs given in order continue each other: the examples of a later run add to the earlier's."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def rows(runs: list[Path]) -> list[tuple[str, int, int, float, float]]:
    out, before, seconds = [], 0, 0
    for run in runs:
        last = {"examples": 0, "seconds": 0}
        for line in (run / "log.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            last = record
            if "validation" in record:
                out.append((run.name, before + record["examples"], seconds + record["seconds"],
                            record["validation"]["f1"], record["validation"]["em"]))
        before += last["examples"]
        seconds += last["seconds"]
    return out


def main(argv: list[str]) -> None:
    print("| run | windows seen | minutes | validation F1 | EM |\n|---|---|---|---|---|")
    for run, examples, seconds, f1, em in rows([Path(a) for a in argv]):
        print(f"| {run} | {examples:,} | {seconds / 60:.0f} | {f1:.1f} | {em:.1f} |".replace(",", "."))


if __name__ == "__main__":
    main(sys.argv[1:])
