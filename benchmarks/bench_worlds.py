"""Speed of the worlds: batched core (agent-steps/s) and single PettingZoo env (env-steps/s).

Usage: python benchmarks/bench_worlds.py [--quick]  (prints JSON)
"""

import json
import sys

from emotion_engine.bench.worlds import run

if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
