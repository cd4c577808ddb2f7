"""Layers 1–3 among several others: social state per relationship (an others axis), each
pair appraised from its own events, the modulators feeling each event's strongest."""

import numpy as np

from emotion_engine.affect import (
    EMOTIONS,
    EVENTS,
    MODULATORS,
    PRIMITIVES,
    AffectParams,
    SocialParams,
    initial_state,
    step_affect,
    temperament,
)
from emotion_engine.affect.model import per_pair

ATT = PRIMITIVES.index("attachment")


def events(**kw: float) -> np.ndarray:
    e = np.zeros(len(EVENTS))
    for name, value in kw.items():
        e[EVENTS.index(name)] = value
    return e


def joyful() -> np.ndarray:
    face = np.full(len(EMOTIONS), 0.05)
    face[EMOTIONS.index("joy")] = 0.7
    return face


def test_one_other_on_an_others_axis_steps_exactly_as_without_it():
    params = AffectParams()
    flat = initial_state(params, (3,), attachment=0.4)
    pairs = initial_state(params, (3,), attachment=0.4, others=1)
    assert pairs.social.shape == (3, 1, 10) and pairs.levels.shape == (3, 7)
    ev = np.stack([events(close=1.0, fed=0.8), events(other_harmed=1.0), events(separated=1.0)])
    extra = np.zeros((3, len(MODULATORS)))
    extra[:, MODULATORS.index("dopamine")] = 0.2
    face = np.stack([joyful()] * 3)
    for _ in range(20):
        flat = step_affect(flat, ev, 1.0, params, extra, face)
        pairs = step_affect(pairs, ev[:, None], 1.0, params, extra, face[:, None])
    for name in ("levels", "primary", "mood"):
        assert np.array_equal(getattr(pairs, name), getattr(flat, name))
    assert np.array_equal(pairs.social[:, 0], flat.social)


def test_each_pair_bonds_from_its_own_events():
    params = AffectParams(modulators=temperament("balanced"))
    state = initial_state(params, attachment=0.3, others=2)
    together_and_apart = np.stack([events(close=1.0, fed=1.0), events(separated=1.0)])
    for _ in range(50):
        state = step_affect(state, together_and_apart, 1.0, params)
    near, far = state.attachment
    assert near > 0.3 > far  # learnt with the one that was close, faded with the one apart


def test_the_modulators_feel_the_strongest_of_each_event_over_the_pairs():
    params = AffectParams()
    start = initial_state(params, attachment=1.0, others=2)
    both = step_affect(start, np.stack([events(other_harmed=0.4), events(other_harmed=0.9)]),
                       1.0, params)  # fmt: skip
    strongest = step_affect(start, np.stack([events(), events(other_harmed=0.9)]), 1.0, params)
    assert np.array_equal(both.levels, strongest.levels)
    one = step_affect(initial_state(params, attachment=1.0), events(other_harmed=0.9), 1.0, params)
    assert np.array_equal(both.levels, one.levels)


def test_per_agent_rates_gain_an_axis_for_the_others():
    params = SocialParams(openness=np.array([0.1, 0.4]), learning_rate=0.05)
    pairs = per_pair(params)
    assert pairs.openness.shape == (2, 1) and pairs.learning_rate == 0.05
