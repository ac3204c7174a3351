"""Hypothesis strategies for random but valid scenarios (small, so many run quickly)."""

from hypothesis import strategies as st

DISTRIBUTIONS = st.one_of(
    st.builds(lambda m: {"kind": "exponential", "mean": m}, st.floats(5, 300)),
    st.builds(lambda m, cv: {"kind": "lognormal", "mean": m, "cv": cv}, st.floats(5, 300), st.floats(0.2, 2)),
    st.builds(lambda m, cv: {"kind": "gamma", "mean": m, "cv": cv}, st.floats(5, 300), st.floats(0.2, 2)),
    st.builds(lambda m, cv: {"kind": "weibull", "mean": m, "cv": cv}, st.floats(5, 300), st.floats(0.3, 2)),
    st.builds(lambda m: {"kind": "deterministic", "mean": m}, st.floats(1, 300)),
    st.builds(lambda a, w: {"kind": "uniform", "low": a, "high": a + w}, st.floats(0, 100), st.floats(0, 200)),
    st.builds(lambda v: {"kind": "empirical", "values": v}, st.lists(st.floats(1, 400), min_size=1, max_size=5)),
)

N_INTERVALS = 4


@st.composite
def scenarios(draw, max_types=3, max_groups=3):
    """A day of four 15-minute intervals with random types, groups, routing and staffing."""
    n_groups = draw(st.integers(1, max_groups))
    groups = {}
    for g in range(n_groups):
        staffing = draw(st.sampled_from(["headcount", "table", "shifts"]))
        if staffing == "headcount":
            group = {"headcount": draw(st.integers(1, 6))}
        elif staffing == "table":
            group = {"headcount_per_interval": draw(st.lists(st.integers(0, 5), min_size=N_INTERVALS, max_size=N_INTERVALS))}
        else:
            shifts = {}
            for s in range(draw(st.integers(1, 3))):
                start = draw(st.integers(0, 3)) * 15
                end = draw(st.integers(start // 15 + 1, 4)) * 15
                shifts[f"s{s}"] = {"start": f"00:{start:02d}" if start < 60 else "01:00",
                                   "end": f"00:{end:02d}" if end < 60 else "01:00",
                                   "count": draw(st.integers(0, 4))}
            group = {"shifts": shifts}
        groups[f"g{g}"] = group
    names = list(groups)
    call_types = {}
    for k in range(draw(st.integers(1, max_types))):
        route_groups = draw(st.permutations(names).map(lambda p: p[: draw(st.integers(1, len(p)))]))
        route = [{"group": name, "delay": 0.0 if i == 0 else draw(st.sampled_from([0.0, 5.0, 30.0, 90.0]))}
                 for i, name in enumerate(route_groups)]
        call_types[f"t{k}"] = {
            "volumes": draw(st.lists(st.floats(0, 40), min_size=N_INTERVALS, max_size=N_INTERVALS)),
            "talk_time": draw(DISTRIBUTIONS),
            "wrapup_time": draw(st.none() | DISTRIBUTIONS),
            "patience": draw(st.none() | DISTRIBUTIONS),
            "priority": draw(st.integers(0, 2)),
            "route": route,
        }
    for group in groups.values():
        if draw(st.booleans()):
            group["speed"] = {t: draw(st.sampled_from([0.8, 1.0, 1.5])) for t in call_types}
    call_selection = draw(st.sampled_from(["priority_fifo", "priority_head_start"]))
    if call_selection == "priority_head_start":
        for spec in call_types.values():
            spec["head_start"] = draw(st.sampled_from([0.0, 15.0, 60.0]))
    return {
        "name": "random",
        "routing": {"call_selection": call_selection,
                    "agent_selection": draw(st.sampled_from(["route_order", "least_skilled"]))},
        "horizon": {"kind": "day", "intervals": N_INTERVALS, "interval_minutes": 15},
        "call_types": call_types,
        "groups": groups,
        "trunks": draw(st.none() | st.integers(1, 30)),
        "kpi": {"short_abandon": draw(st.sampled_from([0.0, 5.0]))},
    }
