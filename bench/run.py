"""Runs every benchmark in bench/ (files named bench_*.py), each in its own process.
`--small` runs them at the size CI can afford; without it, at the size the issues ask for."""

import argparse
import subprocess
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args()
    here = Path(__file__).parent
    scripts = sorted(here.glob("bench_*.py"))
    if args.names:
        scripts = [s for s in scripts if any(n in s.stem for n in args.names)]
    failed = 0
    for script in scripts:
        print(f"\n### {script.stem}", flush=True)
        result = subprocess.run([sys.executable, str(script), *(["--small"] if args.small else [])])
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
