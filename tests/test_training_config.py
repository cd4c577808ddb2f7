"""PPOConfig's rules (types, finiteness, ranges, the batch), shared by the config itself,
checkpoints and the sweep's overrides."""

import json
import math
from importlib.resources import files

import numpy as np
import pytest

from emotion_engine.training.config import MAX_BATCH, ConfigError, PPOConfig
from emotion_engine.training.experiment import default_config


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("n_envs", 1.5, "n_envs must be an integer in [1, 4096]; got 1.5"),
        ("n_envs", 100_000_000, "n_envs must be an integer in [1, 4096]; got 100000000"),
        ("n_envs", True, "n_envs must be an integer in [1, 4096]; got True"),
        ("n_epochs", 0.5, "n_epochs must be an integer in [1, 100]; got 0.5"),
        ("torch_threads", 0, "torch_threads must be an integer in [1, 256]; got 0"),
        ("adam_eps", 0, "adam_eps must be a finite number > 0; got 0"),
        ("max_grad_norm", math.nan, "max_grad_norm must be a finite number > 0; got nan"),
        ("ent_coef", math.inf, "ent_coef must be a finite number >= 0; got inf"),
        ("ent_coef", 10**400, "ent_coef must be a finite number >= 0; got 1000000000"),
        ("clip_coef", -1, "clip_coef must be a finite number > 0; got -1"),
        ("target_kl", -1, "target_kl must be a finite number > 0; got -1"),
        ("anneal_lr", "no", "anneal_lr must be true or false; got 'no'"),
        ("anneal_lr", 1, "anneal_lr must be true or false; got 1"),
        ("learning_rate", "fast", "learning_rate must be a finite number > 0; got 'fast'"),
        ("gamma", 1.5, "gamma must be a finite number in [0, 1]; got 1.5"),
        ("seed", -1, "seed must be an integer in [0, 9223372036854775807]; got -1"),
        ("total_steps", 10**11, "total_steps must be an integer in [1, 10000000000]; got 1"),
    ],
)
def test_a_setting_out_of_its_rules_is_refused_by_name(name, value, says):
    with pytest.raises(ConfigError) as refused:
        PPOConfig(**{name: value})
    assert refused.value.name == name and str(refused.value).startswith(says)
    assert len(str(refused.value)) < 200  # echoed values are cut


def test_the_batch_is_bounded_and_divides_into_minibatches():
    with pytest.raises(ConfigError, match=f"= 4194304 is more than {MAX_BATCH}") as refused:
        PPOConfig(n_envs=4096, n_steps=1024)
    assert refused.value.name == "n_steps"
    with pytest.raises(ConfigError, match="15 must divide into n_minibatches = 4") as refused:
        PPOConfig(n_envs=3, n_steps=5, n_minibatches=4)
    assert refused.value.name == "n_minibatches"
    assert PPOConfig(n_envs=4096, n_steps=256, n_minibatches=4).batch_size == MAX_BATCH


def test_valid_settings_pass_as_they_are():
    assert PPOConfig(target_kl=None).target_kl is None
    assert PPOConfig(target_kl=0.02, ent_coef=0, learning_rate=1).ent_coef == 0
    config = PPOConfig(n_envs=np.int64(8), gamma=np.float64(0.9))
    assert (config.n_envs, config.gamma) == (8, 0.9)
    assert default_config(2_000_000, 4).to_dict()["n_envs"] == 64


@pytest.mark.parametrize("scenario", ["caretaking", "crisis"])
def test_the_shipped_checkpoints_configs_pass(scenario):
    meta = json.loads(
        files("emotion_engine").joinpath(f"checkpoints/{scenario}/policy.json").read_text()
    )
    assert PPOConfig.from_dict(meta["config"]).to_dict() == meta["config"]
