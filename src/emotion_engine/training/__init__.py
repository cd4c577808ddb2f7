"""PPO training, rollout storage, checkpoints, evaluation and statistics."""
