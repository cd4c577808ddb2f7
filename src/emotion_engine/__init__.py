"""Emotion Engine: a layered, inspectable model of emotion for artificial agents.

Layers (docs/affect.md): neuromodulators -> primary emotions -> social emotions -> complex
emotions -> named feelings. The numpy layers live in :mod:`emotion_engine.affect`.
"""

__version__ = "0.1.0"
