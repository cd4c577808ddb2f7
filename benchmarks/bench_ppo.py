"""This project's PPO against stable-baselines3's on CartPole-v1, alternating A B A B.

Run: ``python benchmarks/bench_ppo.py`` (or ``emotion-engine bench --only ppo``); ~5 minutes.
"""

import json

from emotion_engine.bench.ppo import run

if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
