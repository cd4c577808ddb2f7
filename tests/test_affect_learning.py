"""Emotions from learning signals on a chain MDP with tabular TD(0) (Broekens et al. 2015).

The chain: states 0 … n−1, the agent always moves right, and the last transition pays the
reward. joy/distress come from the TD error, hope/fear from the value of the state.
"""

import numpy as np

from emotion_engine.affect import MODULATORS, learning_drive, learning_emotions

N_STATES, ALPHA, GAMMA = 5, 0.5, 0.9
JOY, DISTRESS, HOPE, FEAR = range(4)


def trial(values: np.ndarray, reward: float) -> tuple[np.ndarray, np.ndarray]:
    """One pass down the chain with TD(0); returns (emotions per step, emotions at start)."""
    start = learning_emotions(0.0, values[0])
    per_step = []
    for s in range(N_STATES):
        last = s == N_STATES - 1
        r = reward if last else 0.0
        target = r + (0.0 if last else GAMMA * values[s + 1])
        delta = target - values[s]
        values[s] += ALPHA * delta
        per_step.append(learning_emotions(delta, values[s]))
    return np.array(per_step), start


def test_habituation_joy_at_reward_falls_while_hope_at_start_rises():
    values = np.zeros(N_STATES)
    joy_at_reward, hope_at_start = [], []
    for _ in range(60):
        steps, start = trial(values, 1.0)
        joy_at_reward.append(steps[-1, JOY])
        hope_at_start.append(start[HOPE])
    assert joy_at_reward[0] == 1.0
    assert joy_at_reward[-1] < 0.01
    assert np.all(np.diff(joy_at_reward) <= 0)
    assert hope_at_start[-1] > 0.6
    assert np.all(np.diff(hope_at_start) >= 0)


def test_developmental_order_joy_first_then_hope():
    values = np.zeros(N_STATES)
    first_hope = None
    for k in range(20):
        steps, start = trial(values, 1.0)
        if k == 0:
            assert steps[-1, JOY] > 0  # joy on the very first rewarded trial
            assert start[HOPE] == 0
        if first_hope is None and start[HOPE] > 0:
            first_hope = k
    # value needs N_STATES − 1 trials to propagate from the reward back to the start
    assert first_hope == N_STATES


def test_extinction_brings_distress_and_hope_fades_gradually():
    values = np.zeros(N_STATES)
    for _ in range(100):
        trial(values, 1.0)
    learned_hope = learning_emotions(0.0, values[0])[HOPE]
    steps, _ = trial(values, 0.0)
    assert steps[-1, DISTRESS] > 0.5  # distress where the reward used to be
    hopes = []
    for _ in range(40):
        _, start = trial(values, 0.0)
        hopes.append(start[HOPE])
    assert hopes[0] > 0.9 * learned_hope  # not at once ...
    assert np.all(np.diff(hopes) <= 0)
    assert hopes[-1] < 0.1 * learned_hope  # ... but it does fade


def test_stochastic_reward_keeps_joy_and_distress_alive():
    rng = np.random.default_rng(0)
    values = np.zeros(N_STATES)
    late = []
    for k in range(400):
        steps, _ = trial(values, float(rng.random() < 0.5))
        if k >= 300:
            late.append(steps[-1, JOY] + steps[-1, DISTRESS])
    assert np.mean(late) > 0.2


def test_learning_signals_drive_the_modulators():
    da, cort, ser, adr, na = (
        MODULATORS.index(m)
        for m in ("dopamine", "cortisol", "serotonin", "adrenaline", "noradrenaline")
    )
    good = learning_drive(0.5, 1.0)
    bad = learning_drive(-2.0, -0.5)
    assert good[da] == 0.5 and good[cort] == 0 and good[ser] > 0 and good[na] > 0
    assert bad[cort] == 1.0 and bad[da] == 0 and bad[adr] > 0
    assert learning_drive(np.zeros((3, 2)), np.zeros((3, 2))).shape == (3, 2, 7)
