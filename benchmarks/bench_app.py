"""Speed of the web app: first streamed frame, and 100- and 500-step API results (seconds).

Usage: python benchmarks/bench_app.py [--quick]  (prints JSON)
"""

import json
import sys

from emotion_engine.bench.app import run

if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
