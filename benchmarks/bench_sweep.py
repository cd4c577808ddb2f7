"""The same small sweep on the local backend and on a local Ray, alternating A B A B.

Run: ``python benchmarks/bench_sweep.py`` (or ``emotion-engine bench --only sweep``); ~5 minutes.
"""

import json

from emotion_engine.bench.sweep import run

if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
