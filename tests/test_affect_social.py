"""Layer 3: attachment, empathy and the other primitives; mood as a slow integral."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

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
from emotion_engine.affect.ops import strongest
from emotion_engine.affect.social import appraisal_table, positive_affect, step_attachment

ATT, EMP = PRIMITIVES.index("attachment"), PRIMITIVES.index("empathy")


def events(**kw: float) -> np.ndarray:
    e = np.zeros(len(EVENTS))
    for name, value in kw.items():
        e[EVENTS.index(name)] = value
    return e


def run(state, schedule, params, dt=1.0):
    trace = [state]
    for ev in schedule:
        trace.append(step_affect(trace[-1], ev, dt, params))
    return trace


def drive(**kw: float) -> np.ndarray:
    d = np.zeros(len(MODULATORS))
    for name, value in kw.items():
        d[MODULATORS.index(name)] = value
    return d


def settle(params, ev, extra=None, steps=3000, attachment=0.0):
    state = initial_state(params, attachment=attachment)
    trace = [state]
    for _ in range(steps):
        trace.append(step_affect(trace[-1], ev, 1.0, params, extra_drive=extra))
    return trace


def test_attachment_learns_the_positive_affect_felt_with_the_other():
    params = AffectParams()
    warm = settle(params, events(close=1.0), drive(dopamine=0.3, oxytocin=0.3))
    a = np.array([s.attachment for s in warm])
    assert np.all(np.diff(a[:500]) >= 0) and a[50] > 0.2  # grows early and steadily
    # Rescorla–Wagner: it settles at λ, the positive affect felt meanwhile
    assert a[-1] == pytest.approx(positive_affect(warm[-1].primary), abs=1e-9)
    neutral = settle(params, events(close=1.0))[-1].attachment
    sad = settle(params, events(close=1.0), drive(cortisol=0.5))[-1].attachment
    assert a[-1] > neutral + 0.2 > sad + 0.2  # the warmer the shared time, the stronger the bond


def test_care_acts_alone_do_not_raise_attachment():
    params = AffectParams()
    for close in (0.0, 1.0):
        acts = settle(params, events(cared=1.0, protected_other=1.0, close=close), steps=200)
        idle = settle(params, events(close=close), steps=200)
        assert acts[-1].attachment == idle[-1].attachment  # exactly: acts are not in the law


def test_attachment_is_learnt_only_while_the_other_is_close():
    params = AffectParams()
    apart = settle(params, events(), drive(dopamine=0.5, oxytocin=0.5), steps=200)
    assert apart[-1].attachment == 0.0  # warmth without the other bonds to no one


def test_attachment_is_exact_over_any_step():
    sp = SocialParams()
    a = 0.3
    for _ in range(100):
        a = step_attachment(a, 1.0, 0.6, 0.1, sp)
    assert a == pytest.approx(step_attachment(0.3, 1.0, 0.6, 10.0, sp), rel=1e-12)
    assert a == pytest.approx(0.6 + (0.3 - 0.6) * np.exp(-sp.learning_rate * 10.0), rel=1e-12)


def test_a_bond_holds_while_the_other_is_away():
    sp = SocialParams()
    assert step_attachment(0.8, 0.0, 0.9, 120.0, sp) == 0.8  # exactly: absence is not in the law
    assert step_attachment(0.8, 0.0, 0.0, 120.0, sp) == 0.8
    # only time together without warmth weakens it
    assert step_attachment(0.8, 1.0, 0.0, 120.0, sp) == pytest.approx(0.8 * np.exp(-0.02 * 120))


def face(emotion: str, share: float = 0.9) -> np.ndarray:
    f = np.full(len(EMOTIONS), (1.0 - share) / (len(EMOTIONS) - 1))
    f[EMOTIONS.index(emotion)] = share
    return f


@pytest.mark.parametrize(("emotion", "modulator"), [("sad", "cortisol"), ("fear", "adrenaline"),
                                                    ("joy", "dopamine")])  # fmt: skip
def test_contagion_moves_own_modulators_by_attachment_and_openness(emotion, modulator):
    m = MODULATORS.index(modulator)

    def caught(attachment, openness):
        params = AffectParams(social=SocialParams(openness=openness))
        state = initial_state(params, attachment=attachment)
        for _ in range(10):
            state = step_affect(state, events(), 1.0, params, other_expressed=face(emotion))
        return state.levels[m]

    rest = initial_state(AffectParams()).levels[m]
    assert caught(0.8, 0.0) == rest  # openness 0: unmoved by the other's face
    assert caught(0.0, 1.0) == rest  # a stranger's face moves nothing either
    assert rest < caught(0.3, 0.5) < caught(0.8, 0.5) < caught(0.8, 1.0)
    # a face at rest (every emotion at its resting share) is no signal
    params = AffectParams(social=SocialParams(openness=1.0))
    calm = step_affect(initial_state(params, attachment=1.0), events(), 1.0, params,
                       other_expressed=np.full(len(EMOTIONS), 1 / len(EMOTIONS)))  # fmt: skip
    assert calm.levels[m] == rest


def test_empathy_scales_the_others_distress_by_attachment():
    params = AffectParams()
    state = initial_state(params, (2,), attachment=np.array([0.2, 0.8]))
    ev = np.stack([events(other_distress=1.0)] * 2)
    for _ in range(20):
        state = step_affect(state, ev, 1.0, params)
    low, high = state.social[:, EMP]
    assert high > 2.5 * low > 0
    # an unattached agent feels nothing of the other's distress
    cold = initial_state(params)
    for _ in range(20):
        cold = step_affect(cold, events(other_distress=1.0), 1.0, params)
    assert cold.social[EMP] == pytest.approx(0.0, abs=1e-3)


def test_threat_to_the_child_raises_protective_instinct_and_adrenaline():
    params = AffectParams()
    state = initial_state(params, attachment=0.7)
    after = run(state, [events(other_threatened=1.0, close=1.0)] * 5, params)[-1]
    assert after.social[PRIMITIVES.index("protective_instinct")] > 0.5
    adr = MODULATORS.index("adrenaline")
    assert after.levels[adr] > 2 * params.modulators.baseline[adr]


def test_loss_brings_distress_and_sadness():
    params = AffectParams()
    state = initial_state(params, attachment=0.9)
    after = run(state, [events(loss=1.0)] * 20, params)[-1]
    assert after.social[PRIMITIVES.index("distress")] > 0.8
    assert EMOTIONS[int(np.argmax(after.primary))] == "sad"


@settings(max_examples=100, deadline=None)
@given(
    ev=arrays(np.float64, (6, len(EVENTS)), elements=st.floats(0.0, 1.0)),
    dt=st.floats(0.01, 100.0),
    attachment=st.floats(0.0, 1.0),
)
def test_primitives_stay_in_unit_interval(ev, dt, attachment):
    params = AffectParams(modulators=temperament("anxious"))
    state = initial_state(params, (6,), attachment=attachment)
    for _ in range(3):
        state = step_affect(state, ev, dt, params)
    assert np.all((state.social >= 0) & (state.social <= 1))
    np.testing.assert_allclose(state.primary.sum(-1), 1.0)


def test_mood_lags_emotion_with_a_longer_time_constant():
    params = AffectParams()
    dopamine_only = np.zeros(7)
    dopamine_only[MODULATORS.index("dopamine")] = 1.0
    state = initial_state(params)
    start = state.mood[0]
    valence, joy = [], []
    for _ in range(240):  # 2 minutes of steady stimulation, dt = 0.5 s
        state = step_affect(state, events(), 0.5, params, extra_drive=dopamine_only)
        valence.append(state.mood[0])
        joy.append(state.primary[EMOTIONS.index("joy")])
    valence, joy = np.array(valence) - start, np.array(joy)

    def time_to(series, frac):
        return 0.5 * (1 + np.argmax(series >= frac * series[-1]))

    # emotion settles within seconds, mood takes about a minute (tau = 60 s)
    assert time_to(joy, 0.63) < 5
    assert time_to(valence, 0.63) > 10 * time_to(joy, 0.63)


def test_appraisal_table_names_every_primitive():
    table = appraisal_table()
    for name in PRIMITIVES:
        assert f"| {name} |" in table
    assert "other_distress* (+1)" in table  # empathy's defining term


# --- among several others: an others axis (social state, events and faces per pair) --------


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
    # learnt with the one that was close, held with the one away
    assert near > 0.6 and far == pytest.approx(0.3, abs=1e-15)


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
    pairs = params.per_pair
    assert pairs.openness.shape == (2, 1) and pairs.learning_rate == 0.05


def test_the_strongest_over_one_other_is_its_own_value():
    values = np.array([[[-0.0, 0.5]], [[0.25, -1.0]]])  # (2, 1, 2): one other
    assert strongest(values).tobytes() == values[:, 0].tobytes()  # the same bits, -0.0 kept
    two = np.array([[[0.1, 0.7], [0.4, 0.2]]])
    assert strongest(two).tolist() == [[0.4, 0.7]]
