"""The ROS4HRI mapping: exact hri_msgs/Expression fields for known states, and tables that
name only the message's constants."""

import numpy as np
import pytest

from emotion_engine.affect import EMOTIONS, Readout
from emotion_engine.affect.feelings import CONTEXT_RULES
from emotion_engine.face.ros import EMOTION_EXPRESSIONS, WORD_EXPRESSIONS, hri_expression

# hri_msgs/msg/Expression.msg (hri_msgs 2.x): its string constants.
HRI_EXPRESSIONS = {
    "neutral", "angry", "sad", "happy", "surprised", "disgusted", "scared", "pleading",
    "vulnerable", "despaired", "guilty", "disappointed", "embarrassed", "horrified", "skeptical",
    "annoyed", "furious", "suspicious", "rejected", "bored", "tired", "asleep", "confused",
    "amazed", "excited",
}  # fmt: skip


def state(top: str, p: float, mood=(0.0, 0.5)) -> Readout:
    """A readout whose emotion ``top`` has probability ``p``, the rest sharing what is left."""
    primary = np.full(7, (1 - p) / 6)
    primary[EMOTIONS.index(top)] = p
    return Readout(1.0, np.zeros(7), primary, np.array(mood))


@pytest.mark.parametrize(
    ("readout", "expected"),
    [
        # rest: valence 0.1/7, arousal 4.2/7 -> 2(0.6) - 1; a certain neutral
        (state("joy", 1 / 7), ("neutral", 0.1 / 7, 0.2, 1.0)),
        # fear 0.7: valence 0.7(-0.7) + 0.05(0.8) = -0.45, arousal 0.7(0.9) + 0.05(3.3) = 0.795
        (state("fear", 0.7), ("scared", -0.45, 0.59, 0.7)),
        # surprise 0.7: valence 0.7(0.1) + 0.05(0) = 0.07; arousal 0.795; the mood names it
        (state("surprise", 0.7, mood=(-0.2, 0.5)), ("confused", 0.07, 0.59, 0.7)),
        (state("surprise", 0.7, mood=(0.2, 0.5)), ("amazed", 0.07, 0.59, 0.7)),
        # mad 0.94 (intensity 0.93 > 0.8: rage): valence 0.94(-0.6) + 0.01(0.7) = -0.557,
        # arousal 0.94(0.8) + 0.01(3.4) = 0.786
        (state("mad", 0.94), ("furious", -0.557, 0.572, 0.94)),
        # sad 0.7 in a low-arousal mood (sleepy): valence -0.45, arousal 0.14 + 0.05(4.0) = 0.34
        (state("sad", 0.7, mood=(-0.5, 0.2)), ("tired", -0.45, -0.32, 0.7)),
        # love 0.7: valence 0.49 + 0.05(-0.6) = 0.46, arousal 0.21 + 0.05(3.9) = 0.405
        (state("love", 0.7), ("happy", 0.46, -0.19, 0.7)),
    ],
)
def test_known_states_give_exact_fields(readout, expected):
    fields = hri_expression(readout)
    assert set(fields) == {"expression", "valence", "arousal", "confidence"}
    assert fields["expression"] == expected[0]
    values = [fields["valence"], fields["arousal"], fields["confidence"]]
    assert values == pytest.approx(list(expected[1:]), abs=1e-12)


def test_a_faint_emotion_is_neutral_with_confidence_one_minus_its_intensity():
    faint = state("joy", 1 / 7 + 0.03 * 6 / 7)  # intensity 0.03, under the neutral threshold
    fields = hri_expression(faint)
    assert fields["expression"] == "neutral"
    assert fields["confidence"] == pytest.approx(0.97, abs=1e-12)


def test_the_tables_name_only_the_messages_constants_and_real_feelings():
    assert set(EMOTION_EXPRESSIONS) == {"neutral", *EMOTIONS}
    assert {*EMOTION_EXPRESSIONS.values(), *WORD_EXPRESSIONS.values()} <= HRI_EXPRESSIONS
    rules = {(emotion, word) for emotion, _, _, _, word in CONTEXT_RULES}
    assert set(WORD_EXPRESSIONS) <= rules
