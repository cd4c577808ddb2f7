"""The worlds' documentation cannot drift: its tables are generated from the code they
describe, and the rule phases stay short enough to read."""

import ast
import inspect
from dataclasses import replace

import emotion_engine.worlds as worlds
from emotion_engine.worlds import caretaking_v0, core, crisis_v0, rewards, rules
from emotion_engine.worlds.rewards import RewardWeights, reward_table
from emotion_engine.worlds.spec import WorldParams
from emotion_engine.worlds.tables import rules_table, world_doc


def test_the_rules_table_in_the_package_docstring_is_generated_from_the_defaults():
    assert worlds.__doc__.endswith("\n" + rules_table() + "\n")
    table = rules_table()
    assert "rises 0.004 (parent) / 0.012 (child) per step; a meal removes 0.5" in table
    assert "stops 90% of a blow" in table and "0.003 when near" in table
    changed = rules_table(replace(WorldParams(), threat_period=30, eat_success=(1.0, 0.25)))
    assert "every 30 steps" in changed and "only 25% of tries" in changed


def test_the_reward_table_is_generated_from_the_default_weights():
    assert rewards.__doc__.endswith("\n" + reward_table())
    assert "| alive | +w while alive | 0.05 |" in reward_table()
    assert "| bond | +w · change of own attachment to the other this step | 2.5 |" in reward_table(
        RewardWeights(bond=2.5)
    )


def test_the_world_modules_carry_their_tables():
    assert caretaking_v0.__doc__.endswith(world_doc("caretaking"))
    assert crisis_v0.__doc__.endswith(world_doc("crisis"))
    assert reward_table() in world_doc("crisis")


def test_an_episode_ends_when_both_agents_are_dead_as_documented():
    assert "ends when both are dead" in " ".join(caretaking_v0.__doc__.split())
    assert "terminates when both agents are dead" in rules_table()


def _function_lengths(module) -> dict[str, int]:
    tree = ast.parse(inspect.getsource(module))
    return {
        node.name: node.end_lineno - node.lineno + 1
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    }


def test_no_rule_phase_is_longer_than_40_lines():
    lengths = _function_lengths(rules)
    assert {"moves", "take_food", "meals", "comfort", "threats", "harm", "health"} <= set(lengths)
    assert {"events", "emotions", "rewards", "tally"} <= set(lengths)
    assert max(lengths.values()) <= 40, lengths


def test_no_function_of_the_world_step_is_longer_than_40_lines():
    lengths = _function_lengths(core)
    assert {"step", "_advance", "initial", "episode_metrics"} <= set(lengths)
    assert max(lengths.values()) <= 40, lengths
