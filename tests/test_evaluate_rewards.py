"""A learned policy is evaluated with the rewards of its run: the world's rewards are what
its TD errors are computed from (the learning loop), so it acts as it was trained."""

import pytest

from emotion_engine.agents import policy_file as pf
from emotion_engine.agents.policy import build_agents
from emotion_engine.training.evaluate import EVAL_SEED_OFFSET, evaluate, rewarded_as_trained
from emotion_engine.training.spec import RunSpec
from emotion_engine.worlds import WorldParams
from emotion_engine.worlds.runner import run_episodes


@pytest.mark.parametrize(
    ("spec", "mode", "zero"),
    [(RunSpec("crisis"), "emotional", None),
     (RunSpec("crisis", reward_mode="extrinsic"), "extrinsic", None),
     (RunSpec("crisis", ablate=("bond",)), "emotional", "bond")],
)  # fmt: skip
def test_the_world_pays_the_rewards_of_the_policys_run(tmp_path, spec, mode, zero):
    path = pf.save_policy(tmp_path / "policy.safetensors", build_agents(seed=1), spec.to_dict(), {})
    world = WorldParams.preset("harsh", "crisis", max_cycles=7)
    got = rewarded_as_trained(world, path)
    assert got.reward_mode == mode
    assert (got.rewards.bond == 0.0) == (zero == "bond")
    # nothing but the rewards changes: preset, length and rules stay the evaluation's
    assert (got.max_cycles, got.n_food, got.food_respawn_delay) == (7, world.n_food,
                                                                    world.food_respawn_delay)  # fmt: skip


def test_evaluating_a_checkpoint_pays_the_rewards_of_its_run(tmp_path):
    spec = RunSpec("caretaking", reward_mode="explicit")
    path = pf.save_policy(tmp_path / "policy.safetensors", build_agents(seed=1), spec.to_dict(), {})
    seen = []
    evaluate("caretaking", checkpoint=path, episodes=2, steps=30, on_episodes=seen.append)
    seeds = [EVAL_SEED_OFFSET, EVAL_SEED_OFFSET + 1]
    for mode, same in (("explicit", True), ("extrinsic", False)):
        world = WorldParams(scenario="caretaking", max_cycles=30, reward_mode=mode)
        played = run_episodes(world, pf.learned_policy(path, "caretaking", seed=0), seeds)
        returns = played.metrics["parent_return"]
        assert (returns.tolist() == seen[0]["parent_return"].tolist()) is same
    assert rewarded_as_trained(WorldParams(), pf.shipped_policy_path("crisis")).reward_mode == (
        "emotional"
    )
