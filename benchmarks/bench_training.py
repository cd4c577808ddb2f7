"""Speed of training (env-steps/s) and of batch-1 inference (steps/s) of the emotional agents.

Usage: python benchmarks/bench_training.py [--quick]  (prints JSON)
"""

import json
import sys

from emotion_engine.bench.training import run

if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
