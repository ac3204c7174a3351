"""The plots show what the tables say, where the axis says it: read back from the drawn lines."""

import numpy as np
from matplotlib.cbook import STEP_LOOKUP_MAP

from sim import simulate
from sim.reports import plots

from conftest import deterministic


def scenario_with_a_shift_change():
    """Three 30-minute intervals from 08:00: 2 agents until 08:30, 5 from 08:30 (a shift change
    at the start of interval 1)."""
    return {
        "name": "shifts", "horizon": {"kind": "day", "intervals": 3, "interval_minutes": 30, "day_start": "08:00"},
        "call_types": {"calls": {"arrival_rate": 10.0, "talk_time": deterministic(60.0), "route": [{"group": "team"}]}},
        "groups": {"team": {"shifts": {"early": {"start": "08:00", "end": "09:30", "count": 2},
                                       "late": {"start": "08:30", "end": "09:30", "count": 3}}}},
    }


def drawn(line):
    """The vertices matplotlib draws for a line, its drawstyle applied."""
    x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    style = line.get_drawstyle()
    if style == "default":
        return x, y
    return STEP_LOOKUP_MAP[style](x, y)


def test_the_staffing_steps_change_at_the_shift_boundary_and_cover_every_interval():
    results = simulate(scenario_with_a_shift_change(), seed=1)
    assert results.group_intervals.staffed.tolist() == [2.0, 5.0, 5.0]  # the table (time averages)
    figure = plots.queue_and_staffing_figure(results)
    try:
        axis = figure.axes[1]
        (line,) = [l for l in axis.get_lines() if l.get_label() == "team on duty"]
        x, y = drawn(line)
        jumps = [x[k] for k in range(1, len(x)) if x[k] == x[k - 1] and y[k] != y[k - 1]]
        assert len(jumps) == 1
        ticks = dict(zip(axis.get_xticks(), (t.get_text() for t in axis.get_xticklabels())))
        assert ticks[jumps[0]] == "08:30"  # the step lands on the tick of the shift change
        assert set(y[x < jumps[0]]) == {2.0} and set(y[x > jumps[0]]) == {5.0}
        assert (x.min(), x.max()) == (0, 3)  # intervals 0, 1, 2 drawn whole: [0, 3)
    finally:
        plots.close(figure)
