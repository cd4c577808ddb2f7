"""PPO training: the trainer, its config and run spec, runs on disk, the worlds as its
vectorised env, evaluation, sweeps and their report (checkpoint I/O and statistics are at
the ground floor: :mod:`emotion_engine.checkpoint`, :mod:`emotion_engine.stats`)."""
