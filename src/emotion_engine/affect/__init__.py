"""The numpy emotion model: layers 1 (neuromodulators), 2 (primary emotions), 3 (social
emotions, mood, learning-signal emotions) and 5 (named feelings). Pure functions, batch-first,
no torch and no hidden state; one stateful convenience above them, :class:`EmotionSession`,
runs a single agent step by step on stimuli (:func:`parse_stimulus`)."""

from emotion_engine.affect.feelings import Feeling, name_feeling
from emotion_engine.affect.learning import LEARNING_EMOTIONS, learning_drive, learning_emotions
from emotion_engine.affect.model import AffectParams, AffectState, initial_state, step_affect
from emotion_engine.affect.modulators import (
    MODULATORS,
    ModulatorParams,
    activation,
    apply_dose,
    equilibrium,
    resting_levels,
    step_levels,
)
from emotion_engine.affect.mood import MOOD_AXES, core_affect, step_mood
from emotion_engine.affect.primary import (
    EMOTIONS,
    LOVHEIM_AFFECTS,
    dominant,
    lovheim,
    primary_emotions,
)
from emotion_engine.affect.session import EmotionSession, Readout
from emotion_engine.affect.social import EVENTS, PRIMITIVES, SocialParams, step_social
from emotion_engine.affect.stimuli import Stimulus, parse_stimulus
from emotion_engine.affect.temperaments import TEMPERAMENTS, population, temperament

__all__ = [
    "EMOTIONS",
    "EVENTS",
    "LEARNING_EMOTIONS",
    "LOVHEIM_AFFECTS",
    "MODULATORS",
    "MOOD_AXES",
    "PRIMITIVES",
    "TEMPERAMENTS",
    "AffectParams",
    "AffectState",
    "EmotionSession",
    "Feeling",
    "ModulatorParams",
    "Readout",
    "SocialParams",
    "Stimulus",
    "activation",
    "apply_dose",
    "core_affect",
    "dominant",
    "equilibrium",
    "initial_state",
    "learning_drive",
    "learning_emotions",
    "lovheim",
    "name_feeling",
    "parse_stimulus",
    "population",
    "primary_emotions",
    "resting_levels",
    "step_affect",
    "step_levels",
    "step_mood",
    "step_social",
    "temperament",
]
