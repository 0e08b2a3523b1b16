"""Benchmark (accuracy, not speed): precision and recall of the disguised-coach score on the planted set of
`tinhso.transport.coach_planted` — coach lines with loops, turnarounds, rest stops halfway, midnight
departures, several terminals, wandering departures, mid-period starts and four-days-a-week service, and
look-alikes (contract shuttles with declared contracts, shuttles without stops, charters, weekend hires).

    /work/venv/bin/python bench/bench_transport_coach.py [--small] [--seeds N]
"""

import argparse
import sys
import time

import _harness


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="3 seeds instead of 7")
    parser.add_argument("--seeds", type=int, default=0)
    args = parser.parse_args()
    seeds = args.seeds or (3 if args.small else 7)
    root = _harness.start_django("coach")
    from tinhso.transport import coach_planted

    started = time.perf_counter()
    for seed in range(1, seeds + 1):
        r = coach_planted.evaluate(seed)
        print(f"seed {seed}: gắn cờ / flagged {r['flagged']}, đúng / true {r['true_positives']}, cài / planted "
              f"{r['planted']} → precision {_harness.fmt(100 * r['precision'], 1)}%, recall "
              f"{_harness.fmt(100 * r['recall'], 1)}%; báo nhầm / false alarms {sorted(r['false_alarms'].values())}; "
              f"bỏ sót / missed {sorted(r['missed'].values())}")
    print(f"{time.perf_counter() - started:.1f} s; {_harness.load_line()}")
    import shutil

    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
