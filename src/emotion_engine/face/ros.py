"""ROS 2: the emotion state as the fields of ROS4HRI's ``hri_msgs/Expression``.

The message (hri_msgs 2.x; docs/face.md, ROS 2) has ``expression``, one of
its named string constants, ``valence`` and ``arousal`` in [-1, 1] and ``confidence`` in
[0, 1]. :func:`hri_expression` fills them from a :class:`~emotion_engine.affect.Readout`:

- expression: the feeling word's entry in :data:`WORD_EXPRESSIONS` if it has one (the word
  refines the emotion: rage is ``furious``, a pleasant surprise ``amazed``), else the dominant
  emotion's in :data:`EMOTION_EXPRESSIONS`; ``neutral`` when no emotion stands out.
- valence: the momentary valence of the emotions (:func:`~emotion_engine.affect.core_affect`),
  already in [-1, 1].
- arousal: the momentary arousal, in [0, 1] here, stretched to [-1, 1] (2a - 1).
- confidence: the probability of the dominant emotion; for ``neutral``, 1 - the intensity
  (how far the top emotion stands above uniform), so rest is a certain neutral.

The message has no expression for love or power: both map to ``happy``.
"""

from __future__ import annotations

from emotion_engine.affect import Readout, core_affect
from emotion_engine.affect.feelings import NEUTRAL

EMOTION_EXPRESSIONS: dict[str, str] = {
    NEUTRAL: "neutral",
    "fear": "scared",
    "mad": "angry",
    "joy": "happy",
    "love": "happy",
    "sad": "sad",
    "surprise": "surprised",
    "power": "happy",
}
"""The hri_msgs/Expression constant of each dominant emotion (and of neutral)."""

WORD_EXPRESSIONS: dict[tuple[str, str], str] = {
    ("fear", "rejected"): "rejected",
    ("fear", "helpless"): "vulnerable",
    ("fear", "confused"): "confused",
    ("mad", "rage"): "furious",
    ("mad", "hurt"): "disappointed",
    ("joy", "excited"): "excited",
    ("sad", "depressed"): "despaired",
    ("sad", "lonely"): "rejected",
    ("sad", "sleepy"): "tired",
    ("surprise", "confused"): "confused",
    ("surprise", "excited"): "amazed",
}
"""Feeling words (with their emotion) that name a more exact hri_msgs/Expression constant."""


def hri_expression(readout: Readout) -> dict[str, str | float]:
    """The ``expression``, ``valence``, ``arousal`` and ``confidence`` of hri_msgs/Expression."""
    feeling = readout.feeling
    valence, arousal = core_affect(readout.primary).tolist()
    if feeling.emotion == NEUTRAL:
        confidence = 1.0 - feeling.intensity
    else:
        confidence = float(readout.primary.max())
    expression = WORD_EXPRESSIONS.get(
        (feeling.emotion, feeling.word), EMOTION_EXPRESSIONS[feeling.emotion]
    )
    return {
        "expression": expression,
        "valence": valence,
        "arousal": 2.0 * arousal - 1.0,
        "confidence": confidence,
    }
