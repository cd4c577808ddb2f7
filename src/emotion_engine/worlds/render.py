"""Pictures of one world of a batch: ``rgb_array`` (a grid drawn with Pillow) and ``ansi``.

Agents are drawn by :func:`draw_agent` alone, so a face renderer can replace it later.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from emotion_engine.affect import EMOTIONS
from emotion_engine.worlds.core import (
    ACTIONS,
    PARENT,
    SHIELD,
    WorldParams,
    WorldState,
)
from emotion_engine.worlds.family import agent_names

CELL = 40
ROW = 28
"""Height of an agent's status row under the grid (the panel holds one per agent)."""
BACKGROUND = (245, 242, 232)
GRID = (210, 205, 190)
FOOD = (60, 160, 60)
THREAT = (200, 40, 40)
AGENT_COLOURS = ((40, 90, 200), (240, 150, 30), (150, 60, 180), (30, 150, 140))
"""parent blue; children orange, purple, teal (child_0, child_1, child_2)."""
CHILD_INSETS = (10, 12, 14)
"""How far each child's disc sits inside its cell (the parent's: 4), so children that share
a cell all show."""
TEXT = (30, 30, 30)


def draw_agent(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    agent: int,
    state: WorldState,
    env: int,
) -> None:
    """One agent in its cell: a disc (a child smaller), food it carries, a shield ring."""
    x0, y0, x1, y1 = box
    inset = 4 if agent == PARENT else CHILD_INSETS[agent - 1]
    draw.ellipse((x0 + inset, y0 + inset, x1 - inset, y1 - inset), fill=AGENT_COLOURS[agent])
    if state.carrying[env, agent]:
        draw.ellipse((x1 - 14, y0 + 2, x1 - 2, y0 + 14), fill=FOOD, outline=TEXT)
    if state.last_action[env, agent] == SHIELD:
        draw.ellipse((x0 + 1, y0 + 1, x1 - 1, y1 - 1), outline=(90, 90, 90), width=3)


def _bar(draw: ImageDraw.ImageDraw, x: int, y: int, value: float, colour: tuple) -> None:
    draw.rectangle((x, y, x + 60, y + 7), outline=GRID)
    draw.rectangle((x, y, x + int(60 * value), y + 7), fill=colour)


def on_grid(state: WorldState, env: int) -> NDArray[np.int64]:
    """The cells (k, 2) of world ``env``'s food items on the grid (not those away)."""
    return state.food[env][state.food_wait[env] == 0]


def rgb_array(state: WorldState, params: WorldParams, env: int = 0) -> NDArray[np.uint8]:
    """An RGB picture (H, W, 3) uint8 of world ``env``: grid, food, threat, agents, status."""
    size = params.size
    width = size * CELL
    agents = agent_names(params.n_children)
    image = Image.new("RGB", (width, width + 8 + ROW * len(agents)), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for i in range(size + 1):
        draw.line((i * CELL, 0, i * CELL, width), fill=GRID)
        draw.line((0, i * CELL, width, i * CELL), fill=GRID)

    def box(row: int, col: int) -> tuple[int, int, int, int]:
        return col * CELL, row * CELL, (col + 1) * CELL, (row + 1) * CELL

    for row, col in on_grid(state, env):
        x0, y0, x1, y1 = box(row, col)
        draw.rectangle((x0 + 13, y0 + 13, x1 - 13, y1 - 13), fill=FOOD)
    for agent in range(len(agents)):
        draw_agent(draw, box(*state.pos[env, agent]), agent, state, env)
    if state.threat_left[env] > 0:
        x0, y0, x1, y1 = box(*state.threat[env])
        draw.polygon(((x0 + CELL // 2, y0 + 4), (x1 - 4, y1 - 4), (x0 + 4, y1 - 4)), fill=THREAT)
    for agent, name in enumerate(agents):
        y = width + 6 + agent * ROW
        draw.ellipse((4, y, 16, y + 12), fill=AGENT_COLOURS[agent])
        _bar(draw, 22, y, float(state.health[env, agent]), (200, 60, 60))
        _bar(draw, 22, y + 12, float(state.hunger[env, agent]), (150, 110, 40))
        feeling = EMOTIONS[int(state.affect.primary[env, agent].argmax())]
        action = ACTIONS[int(state.last_action[env, agent])]
        draw.text((90, y), f"{name}: {feeling} ({action})", fill=TEXT)
    draw.text((width - 50, width + 6), f"t={int(state.t[env])}", fill=TEXT)
    draw.text((width - 110, width + 34), "bars: health, hunger", fill=GRID)
    return np.asarray(image)


def ansi(state: WorldState, params: WorldParams, env: int = 0) -> str:
    """A text picture: ``P`` parent, ``c`` the child (``0``, ``1``, ``2`` the children of a
    family of several), ``f`` food, ``T`` threat, and a status line per agent (health,
    hunger, loneliness, dominant emotion, last action)."""
    grid = [["." for _ in range(params.size)] for _ in range(params.size)]
    for row, col in on_grid(state, env):
        grid[row][col] = "f"
    if state.threat_left[env] > 0:
        row, col = state.threat[env]
        grid[row][col] = "T"
    agents = agent_names(params.n_children)
    marks = ["P", *("c" if len(agents) == 2 else str(c) for c in range(len(agents) - 1))]
    for agent in range(len(agents) - 1, -1, -1):  # the parent on top
        row, col = state.pos[env, agent]
        grid[row][col] = marks[agent]
    lines = [" ".join(r) for r in grid]
    lines.append(f"t={int(state.t[env])}")
    for agent, name in enumerate(agents):
        feeling = EMOTIONS[int(state.affect.primary[env, agent].argmax())]
        lines.append(
            f"{name}: health {state.health[env, agent]:.2f} "
            f"hunger {state.hunger[env, agent]:.2f} "
            f"lonely {state.loneliness[env, agent]:.2f} {feeling} "
            f"({ACTIONS[int(state.last_action[env, agent])]})"
        )
    return "\n".join(lines) + "\n"
