"""``python -m emotion_engine`` runs the command line."""

from emotion_engine.cli import app

app(prog_name="emotion-engine")
