"""Animation of one simulated day for a class: the queues and the agents of every team, frame by
frame, for two routing alternatives side by side, saved as a GIF (matplotlib's Pillow writer).

The state at each frame time is rebuilt from the per-call records (``simulate(..., records=True)``):
a call waits from its arrival until it is answered or abandons (``arrival + wait``); an agent
serves a call from ``answer_time`` to ``end_time`` and is on duty during its spells in
``results.agents``. Agents are drawn as squares coloured by the call type they are serving, so a
support call taken by the billing team shows as a support-coloured square in the billing row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Tuple

import numpy as np
from matplotlib.animation import PillowWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

OFF, IDLE = -2, -1  # agent states; a state k >= 0 means "serving a call of type k"
TYPE_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")
IDLE_COLOR, OFF_COLOR, HUNG_UP_COLOR = "#d9d9d9", "white", "#b2182b"
AGENTS_PER_ROW = 12
BAR_WIDTH = 0.7  # panel fraction of the longest queue of the day


@dataclass
class DayState:
    """What the animation draws, sampled at the frame times (seconds since the day starts)."""

    times: np.ndarray
    waiting: Dict[str, np.ndarray]  # call type -> calls waiting at each frame
    abandoned: Dict[str, np.ndarray]  # call type -> calls abandoned so far (short abandons included)
    agents: Dict[str, np.ndarray]  # group -> frames x agents array of states (OFF, IDLE or type index)


def day_state(results, times: np.ndarray) -> DayState:
    """Rebuild the queues, abandonments and agent states of a run (with records) at ``times``."""
    types = [t.name for t in results.scenario.call_types]
    queued = results.calls.dropna(subset=["wait"])  # blocked and unfinished calls never left a queue
    waiting, abandoned = {}, {}
    for name in types:
        own = queued[queued.call_type == name]
        waiting[name] = _count_until(own.arrival, times) - _count_until(own.arrival + own.wait, times)
        gone = own[own.outcome.isin(["abandoned", "short_abandoned"])]
        abandoned[name] = _count_until(gone.end_time, times)
    return DayState(times, waiting, abandoned, _agent_states(results, times, types))


def _count_until(moments, times: np.ndarray) -> np.ndarray:
    """How many of ``moments`` are at or before each time."""
    return np.searchsorted(np.sort(np.asarray(moments, float)), times, side="right")


def _frames(times: np.ndarray, start: float, end: float) -> slice:
    """The frames whose time t satisfies start <= t < end."""
    return slice(np.searchsorted(times, start), np.searchsorted(times, end))


def _agent_states(results, times: np.ndarray, types: List[str]) -> Dict[str, np.ndarray]:
    spells = results.agents
    agent_ids = np.sort(spells.agent.unique())
    column = {agent: i for i, agent in enumerate(agent_ids)}
    state = np.full((len(times), len(agent_ids)), OFF, np.int16)
    for spell in spells.itertuples():
        state[_frames(times, spell.start, spell.end), column[spell.agent]] = IDLE
    served = results.calls[results.calls.outcome == "answered"]
    for agent, start, end, name in zip(served.agent, served.answer_time, served.end_time, served.call_type):
        state[_frames(times, start, end), column[agent]] = types.index(name)
    group_of = spells.drop_duplicates("agent").set_index("agent").group_name
    return {group.name: state[:, [column[a] for a in agent_ids if group_of[a] == group.name]]
            for group in results.scenario.groups}


class Panel:
    """One alternative: per call type its queue bar and counters, then its home team's agents."""

    def __init__(self, ax, title: str, state: DayState, teams: List[Tuple[str, str]], queue_scale: float):
        self.state, self.teams, self.queue_scale = state, teams, queue_scale
        self.type_index = {name: k for k, (name, _) in enumerate(teams)}
        ax.set(xlim=(0, 1), ylim=(0, 1))
        ax.axis("off")
        ax.set_title(title, fontsize=13, fontweight="bold")
        self.bars, self.waiting, self.hung_up, self.agents = [], [], [], []
        block = 1.0 / len(teams)
        for k, (call_type, group) in enumerate(teams):
            self._draw_team(ax, 0.97 - k * block, call_type, group)

    def _draw_team(self, ax, top: float, call_type: str, group: str) -> None:
        color = TYPE_COLORS[self.type_index[call_type]]
        ax.text(0.0, top - 0.04, f"{call_type.capitalize()} queue", fontsize=12, fontweight="bold", color=color)
        bar = Rectangle((0.0, top - 0.145), 0.0, 0.07, facecolor=color, linewidth=0)
        ax.add_patch(bar)
        self.bars.append(bar)
        self.waiting.append(ax.text(0.0, top - 0.11, "", fontsize=11, va="center"))
        self.hung_up.append(ax.text(0.0, top - 0.19, "", fontsize=10, va="center", color=HUNG_UP_COLOR))
        n_agents = self.state.agents[group].shape[1]
        ax.text(0.0, top - 0.27, f"{group.replace('_', ' ').capitalize()} ({n_agents} agents)", fontsize=11)
        column, row = np.arange(n_agents) % AGENTS_PER_ROW, np.arange(n_agents) // AGENTS_PER_ROW
        x, y = 0.04 + column * (0.92 / AGENTS_PER_ROW), top - 0.35 - row * 0.08
        self.agents.append(ax.scatter(x, y, s=330, marker="s", edgecolors="#555555", linewidths=0.8))

    @property
    def artists(self) -> list:
        """The artists that change from frame to frame."""
        return self.bars + self.waiting + self.hung_up + self.agents

    def update(self, frame: int) -> None:
        for k, (call_type, group) in enumerate(self.teams):
            waiting = int(self.state.waiting[call_type][frame])
            width = BAR_WIDTH * waiting / self.queue_scale
            self.bars[k].set_width(width)
            self.waiting[k].set_x(width + 0.02)
            self.waiting[k].set_text(f"{waiting} waiting")
            self.hung_up[k].set_text(f"{self.state.abandoned[call_type][frame]} hung up so far")
            self.agents[k].set_facecolors([_agent_color(s) for s in self.state.agents[group][frame]])


def _agent_color(state: int) -> str:
    return {OFF: OFF_COLOR, IDLE: IDLE_COLOR}.get(int(state), TYPE_COLORS[int(state) % len(TYPE_COLORS)])


def _draw_timeline(ax, volumes: Dict[str, np.ndarray], day_start_h: float, interval_h: float):
    """Arrivals per hour of each call type through the day, with a cursor line; returns the cursor."""
    for k, (name, counts) in enumerate(volumes.items()):
        hours = day_start_h + np.arange(len(counts) + 1) * interval_h
        ax.stairs(np.asarray(counts) / interval_h, hours, color=TYPE_COLORS[k], linewidth=2, label=name)
    ax.set_xlim(hours[0], hours[-1])
    ax.set_ylim(bottom=0)
    ax.set_xticks(np.arange(np.ceil(hours[0]), hours[-1] + 1e-9))
    ax.set_xticklabels([f"{int(h):02d}:00" for h in ax.get_xticks()], fontsize=9)
    ax.set_ylabel("calls/hour", fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(loc="upper right", fontsize=9, frameon=False, ncol=len(volumes))
    return ax.axvline(hours[0], color="black", linewidth=2)


def _legend(fig, types: List[str]) -> None:
    handles = [Rectangle((0, 0), 1, 1, facecolor=TYPE_COLORS[k], edgecolor="#555555") for k in range(len(types))]
    handles += [Rectangle((0, 0), 1, 1, facecolor=color, edgecolor="#555555") for color in (IDLE_COLOR, OFF_COLOR)]
    labels = [f"serving a {name} call" for name in types] + ["idle", "off duty"]
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.9), ncol=len(handles),
               frameon=False, fontsize=10)


def _freeze_background(fig, dynamic: list) -> None:
    """Render everything but the ``dynamic`` artists once, as a picture behind the figure, and
    hide it: each frame then draws only what changes (texts and axes are the slow part)."""
    for artist in dynamic:
        artist.set_visible(False)
    fig.canvas.draw()
    background = np.asarray(fig.canvas.buffer_rgba()).copy()
    for ax in fig.axes:
        ax.set_axis_off()
        ax.patch.set_visible(False)
        for child in ax.get_children():
            child.set_visible(False)
    for artist in fig.legends + fig.texts:
        artist.set_visible(False)
    for artist in dynamic:
        artist.set_visible(True)
    fig.figimage(background, zorder=-1)


def save_animation(states: Dict[str, DayState], teams: List[Tuple[str, str]], volumes: Dict[str, np.ndarray],
                   day_start_h: float, interval_h: float, path, fps: int = 10, hold_seconds: float = 3.0,
                   dpi: int = 80) -> int:
    """Draw the alternatives side by side (titles = the keys of ``states``) and save a GIF.

    ``teams``: (call type, its home group) pairs for every call type in the scenario's order,
    drawn top to bottom. ``volumes``: expected calls
    per interval of each call type, for the timeline strip. The last frame is held for
    ``hold_seconds``. Returns the number of frames written.
    """
    times = next(iter(states.values())).times
    queue_scale = max(1, max(int(w.max()) for s in states.values() for w in s.waiting.values()))
    fig = Figure(figsize=(10, 6.2), dpi=dpi)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, len(states), height_ratios=[4.2, 1], top=0.8, bottom=0.07, left=0.06,
                            right=0.97, hspace=0.12, wspace=0.12)
    panels = [Panel(fig.add_subplot(grid[0, i]), title, state, teams, queue_scale)
              for i, (title, state) in enumerate(states.items())]
    cursor = _draw_timeline(fig.add_subplot(grid[1, :]), volumes, day_start_h, interval_h)
    clock = fig.text(0.5, 0.95, "", ha="center", va="center", fontsize=22, fontweight="bold")
    _legend(fig, [name for name, _ in teams])
    _freeze_background(fig, [clock, cursor] + [artist for panel in panels for artist in panel.artists])

    def draw(frame: int):
        minutes = round(day_start_h * 60 + times[frame] / 60)
        clock.set_text(f"{minutes // 60:02d}:{minutes % 60:02d}")
        cursor.set_xdata([minutes / 60, minutes / 60])
        for panel in panels:
            panel.update(frame)

    frames = list(range(len(times))) + [len(times) - 1] * int(hold_seconds * fps)
    writer = PillowWriter(fps=fps)
    with writer.saving(fig, path, dpi):
        for frame in frames:
            draw(frame)
            writer.grab_frame()
    return len(frames)
