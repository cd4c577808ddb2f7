"""Agent-updates/s of the emotion model's layers 1–3 at 1, 1,000 and 100,000 agents.

Run: ``python benchmarks/bench_affect.py`` (or ``emotion-engine bench --only affect``).
"""

import json

from emotion_engine.bench.affect import run

if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
