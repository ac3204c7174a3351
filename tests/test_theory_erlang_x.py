"""Steady state of a single queue whose callers redial, against Erlang X (sim.analytic_erlang_x),
within the run's own 99.9 % confidence interval (batch means over the measured hours).

The regime: Erlang X's fixed point treats redials as part of one Poisson stream of attempts that
meets the queue's stationary law. That holds when the redial delay is long against the queue's
own time scales (talk time, patience): a redial then comes back to a queue that has forgotten the
congestion that made its attempt fail, and the many callers waiting to redial, each on an
independent exponential clock, add up to a nearly Poisson stream. So the delay here is
exponential with a mean of ten talk times. The same interval rejects the plain Erlang A
prediction (redials ignored) and the one with one agent fewer or more, so it is narrow enough to
tell a wrong model.
"""

from sim import analytic, simulate
from sim.kpi.theory import compare, textbook_model
from sim.model.scenario import build_scenario

CONFIDENCE = 0.999


def queue(agents=30, redial=0.6, max_attempts=30, delay=1800.0, hours=150, trunks=36):
    return {
        "name": "erlang_x",
        "horizon": {"kind": "steady_state", "interval_minutes": 60, "hours": hours, "warmup_hours": 5},
        "call_types": {"calls": {
            "arrival_rate": 600, "talk_time": {"kind": "exponential", "mean": 180},
            "patience": {"kind": "exponential", "mean": 120}, "route": [{"group": "agents"}],
            "redial": {"probability_abandoned": redial, "probability_blocked": redial, "max_attempts": max_attempts,
                       "delay": {"kind": "exponential", "mean": delay}}}},
        "groups": {"agents": {"headcount": agents}},
        "trunks": trunks,
        "kpi": {"short_abandon": 0.0},
    }


def test_steady_state_with_redials_matches_erlang_x():
    results = simulate(queue(), seed=2026, engine="fast")
    table = compare(results, CONFIDENCE).set_index("metric")
    assert table.attrs["model"] == "erlang_x" and table.attrs["batches"] == 150
    assert set(table.index) >= {"service_level", "p_abandon", "p_block", "attempts_per_caller", "p_lost"}
    assert table.within_ci.all(), table
    assert table.loc["attempts_per_caller", "simulated"] > 1.05  # redials matter here
    wrong = {"Erlang A (no redials)": analytic.erlang_a_metrics(600 / 3600, 180, 30, 120, 20.0)}
    for c in (29, 31):
        wrong[f"{c} agents"] = analytic.erlang_x_metrics(600 / 3600, 180, c, 36, 120, 0.6, 20.0)
    for name, model in wrong.items():
        rejected = [m for m in ("service_level", "p_abandon", "occupancy")
                    if abs(table.loc[m, "simulated"] - getattr(model, m)) > table.loc[m, "ci95"]]
        assert rejected, f"the interval cannot tell the run from {name}"


def test_erlang_x_applies_only_where_its_assumptions_hold():
    assert textbook_model(build_scenario(queue())) == "erlang_x"
    assert textbook_model(build_scenario(queue(max_attempts=3))) is None  # the attempt limit is reached
    different = queue()
    different["call_types"]["calls"]["redial"]["probability_blocked"] = 0.2
    assert textbook_model(build_scenario(different)) is None  # Erlang X has one redial probability
    fixed_delay = queue()
    fixed_delay["call_types"]["calls"]["redial"]["delay"] = {"kind": "deterministic", "mean": 1800}
    assert textbook_model(build_scenario(fixed_delay)) is None
    assert textbook_model(build_scenario(queue(trunks=20))) is None  # fewer lines than agents
    no_redials = queue(redial=0.0)
    assert textbook_model(build_scenario(no_redials)) == "erlang_a" or no_redials["trunks"] is not None
