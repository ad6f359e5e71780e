"""Measure the share of fuzzed inputs that end in anything but a Thread or the clean error.

    PYTHONPATH=$PWD python -m tests.fuzz.measure --examples 3000 [--seed 1]

Unlike the test, this does not stop at the first failure: it counts every outcome, groups the
stray exceptions by type and place, and prints one line per group.
"""

from __future__ import annotations

import argparse
import collections
import logging
import sys
import traceback

from hypothesis import HealthCheck, Phase, given, seed, settings

from .mutations import CASES, Seed, check_outcome


def measure(examples: int, random_seed: int) -> tuple[collections.Counter, dict[str, str]]:
    outcomes: collections.Counter[str] = collections.Counter()
    samples: dict[str, str] = {}

    @seed(random_seed)
    @settings(
        max_examples=examples,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=CASES)
    def run(case: tuple[Seed, bytes, str]) -> None:
        item, data, fmt = case
        try:
            outcomes[check_outcome(item, data, fmt)] += 1
        except Exception as err:  # noqa: BLE001 - counting is the point
            frame = traceback.extract_tb(err.__traceback__)[-1]
            key = f"{type(err).__name__} at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
            outcomes[f"crash: {key}"] += 1
            samples.setdefault(key, f"{item.name} ({fmt}): {str(err)[:100]!r}")

    run()
    return outcomes, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    outcomes, samples = measure(args.examples, args.seed)
    total = sum(outcomes.values())
    crashes = sum(n for key, n in outcomes.items() if key.startswith("crash"))
    sys.stdout.write(
        f"{total} inputs: {outcomes['thread']} threads, {outcomes['clean']} clean errors, "
        f"{crashes} other ({100 * crashes / max(total, 1):.2f}%)\n"
    )
    for key, count in outcomes.most_common():
        if key.startswith("crash"):
            sys.stdout.write(f"  {count:5d}  {key}  e.g. {samples[key.removeprefix('crash: ')]}\n")


if __name__ == "__main__":
    main()
