"""Frames/s of the face renderer, paired A B A B with pycozmo's (prints JSON)."""

import json
import sys

from emotion_engine.bench.face import run

if __name__ == "__main__":
    json.dump(run(quick="--quick" in sys.argv), sys.stdout, indent=2)
    sys.stdout.write("\n")
