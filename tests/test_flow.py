"""Conservation laws and invariants that must hold exactly on any scenario.

Random scenarios (hypothesis) exercise every staffing kind, distribution, routing with
overflow, priorities, trunks and patience; each run is checked for flow conservation, agents
never serving two calls at once or off duty, the overflow delays, and Little's law in its exact
sample-path form (time-integral of the queue = sum of the waits).
"""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings

from sim import ConfigError, simulate
from sim.model.scenario import build_scenario

from strategies import scenarios

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def simulate_or_skip(data, seed, engine):
    try:
        scenario = build_scenario(data)
    except ConfigError as error:  # e.g. a route whose groups have no staff: rejected by design
        assert "ever on duty" in str(error)
        return None
    return simulate(scenario, seed=seed, engine=engine)


def check_flow(r):
    summary = r.summary.set_index("call_type")
    calls = r.calls
    for name, row in summary.iterrows():
        mine = calls if name == "total" else calls[calls.call_type == name]
        assert row.arrived == len(mine)
        assert row.arrived == row.blocked + row.short_abandoned + row.offered
        unfinished = (mine.outcome == "unfinished").sum()
        assert row.offered == row.answered + row.abandoned + unfinished
    # the per-interval table adds up to the summary
    totals = r.intervals[r.intervals.call_type == "total"]
    for column in ("arrived", "blocked", "offered", "answered", "abandoned", "answered_within_T"):
        assert totals[column].sum() == summary.loc["total", column]


def check_agents(r):
    served = r.calls[r.calls.outcome == "answered"]
    served = served.assign(free_at=served.answer_time + served.talk + served.wrapup)
    # an agent answers a call of zero duration and the next one at the same instant: order by
    # the time each left the agent free too, so the zero-duration call comes first
    served = served.sort_values(["agent", "answer_time", "free_at"])
    free_at = served.free_at
    same_agent = served.agent.to_numpy()[1:] == served.agent.to_numpy()[:-1]
    assert np.all(served.answer_time.to_numpy()[1:][same_agent] >= free_at.to_numpy()[:-1][same_agent])
    spells = r.agents
    for agent, mine in spells.sort_values("start").groupby("agent"):
        assert (mine.start.to_numpy()[1:] >= mine.end.to_numpy()[:-1]).all(), f"agent {agent}'s spells overlap"
        assert (mine.end >= mine.start).all()
    for agent, rows in served.groupby("agent"):
        mine = spells[spells.agent == agent]
        inside = [(mine.start <= t).to_numpy() & (t < mine.scheduled_end).to_numpy() for t in rows.answer_time]
        assert all(hit.any() for hit in inside), f"agent {agent} answered a call while off duty"
        last = rows.answer_time.iloc[-1] + rows.talk.iloc[-1] + rows.wrapup.iloc[-1]
        assert mine.end.max() >= last  # went home after finishing


def check_routing(r):
    """Served by a group of the call type's route, and never before that group's overflow delay."""
    s = r.scenario
    routes = {t.name: {s.groups[g].name: delay for g, delay in t.route} for t in s.call_types}
    served = r.calls[r.calls.outcome == "answered"]
    for row in served.itertuples():
        route = routes[row.call_type]
        assert row.group in route, "served by a group not in the call type's route"
        assert row.answer_time >= row.arrival + route[row.group], "served before its overflow delay"


def check_exact_little(r):
    """Time-integral of calls waiting = sum of waiting times, over the whole run."""
    calls = r.calls
    summary = r.summary.set_index("call_type").loc["total"]
    end = max(r.scenario.horizon_end, r.agents.end.max(), calls.end_time.max(skipna=True) if calls.end_time.notna().any() else 0)
    queued = calls[calls.outcome != "blocked"]
    leave = queued.answer_time.fillna(queued.end_time).fillna(end)
    assert math.isclose(summary.avg_queue * end, (leave - queued.arrival).sum(), rel_tol=1e-9, abs_tol=1e-6)
    busy = (r.groups.busy_hours * 3600).sum()
    assert math.isclose(busy, (calls.talk + calls.wrapup)[calls.outcome == "answered"].sum(), rel_tol=1e-9, abs_tol=1e-6)


@SETTINGS
@given(data=scenarios())
def test_conservation_and_invariants_on_random_scenarios(data, engine):
    r = simulate_or_skip(data, seed=11, engine=engine)
    if r is None:
        return
    check_flow(r)
    check_agents(r)
    check_routing(r)
    check_exact_little(r)


def test_same_seed_same_records_other_seed_other_records(engine):
    data = {"name": "d", "horizon": {"intervals": 2},
            "call_types": {"a": {"arrival_rate": 120, "talk_time": {"kind": "exponential", "mean": 100},
                                 "patience": {"kind": "exponential", "mean": 60}, "route": [{"group": "g"}]}},
            "groups": {"g": {"headcount": 3}}}
    first, again, other = (simulate(data, seed=s, engine=engine).calls for s in (4, 4, 5))
    assert first.equals(again)
    assert not first[["arrival"]].equals(other[["arrival"]])
