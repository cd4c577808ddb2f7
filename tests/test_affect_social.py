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
from emotion_engine.affect.social import BOND_WEIGHTS, appraisal_table, step_attachment

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


def test_attachment_grows_with_steady_care_and_settles_below_one():
    params = AffectParams()
    sp = params.social
    care = [events(fed=1.0, close=1.0)] * 3000
    trace = run(initial_state(params), care, params)
    a = np.array([s.attachment for s in trace])
    assert np.all(np.diff(a[:500]) >= 0)  # grows while below its settling point
    assert a[50] > 0.05  # grows early
    # settles where growth balances fading: p / (p + f), p = g·oxytocin·bond
    oxt = MODULATORS.index("oxytocin")
    oxytocin_fraction = trace[-1].levels[oxt] / params.modulators.capacity[oxt]
    bond = BOND_WEIGHTS[EVENTS.index("fed")] + BOND_WEIGHTS[EVENTS.index("close")]
    p = sp.bond_rate * oxytocin_fraction * bond
    assert a[-1] == pytest.approx(p / (p + sp.fading), rel=1e-3)
    assert a[-1] > 0.5  # a strong bond ...
    assert a.max() <= a[-1] + 1e-9  # ... that approaches its settling point from below


def test_attachment_growth_is_gated_by_oxytocin():
    sp = SocialParams()
    ev = events(comforted=1.0)
    low = step_attachment(0.2, ev, 0.1, 5.0, sp)
    high = step_attachment(0.2, ev, 0.6, 5.0, sp)
    assert 0.2 < low < high
    # with no oxytocin at all nothing bonds: the bond only fades
    assert step_attachment(0.2, ev, 0.0, 5.0, sp) == pytest.approx(0.2 * np.exp(-5 * sp.fading))


def test_attachment_is_exact_over_any_step():
    sp = SocialParams()
    ev = events(fed=1.0, separated=0.5)
    a = 0.3
    for _ in range(100):
        a = step_attachment(a, ev, 0.4, 0.1, sp)
    assert a == pytest.approx(step_attachment(0.3, ev, 0.4, 10.0, sp), rel=1e-12)


def test_attachment_fades_without_care_and_faster_apart():
    params = AffectParams()
    sp = params.social
    attached = initial_state(params, attachment=0.8)
    apart = run(attached, [events(separated=1.0)] * 120, params)
    together_idle = run(attached, [events()] * 120, params)
    assert together_idle[-1].attachment == pytest.approx(0.8 * np.exp(-sp.fading * 120))
    assert apart[-1].attachment == pytest.approx(
        0.8 * np.exp(-(sp.fading + sp.absence_decay) * 120)
    )
    assert 0.4 < apart[-1].attachment < together_idle[-1].attachment < 0.8


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
