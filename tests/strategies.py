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


# -- outbound campaigns and blending --------------------------------------------------------------

GRID_DISTRIBUTIONS = st.one_of(  # durations on the 10 s grid (ties between events)
    st.builds(lambda m: {"kind": "deterministic", "mean": 10.0 * m}, st.integers(0, 12)),
    st.builds(lambda v: {"kind": "empirical", "values": [10.0 * x for x in v]},
              st.lists(st.integers(0, 18), min_size=1, max_size=4)),
)
# Ring times of a campaign with an unlimited list are never 0: a dialler whose attempts take no
# time would dial without end at one instant.
POSITIVE_RING = st.one_of(
    st.builds(lambda m: {"kind": "deterministic", "mean": m}, st.floats(1, 60)),
    st.builds(lambda m: {"kind": "exponential", "mean": m}, st.floats(5, 60)),
    st.builds(lambda a, w: {"kind": "uniform", "low": a, "high": a + w}, st.floats(1, 20), st.floats(0, 40)),
)
GRID_POSITIVE_RING = st.builds(lambda v: {"kind": "empirical", "values": [10.0 * x for x in v]},
                               st.lists(st.integers(1, 6), min_size=1, max_size=3))
MINUTES = st.none() | st.sampled_from([0.0, 0.5, 1.0, 2.0, 10.0])  # retry delays (multiples of 10 s)


@st.composite
def _probabilities(draw):
    weights = draw(st.lists(st.integers(0, 4), min_size=5, max_size=5).filter(lambda w: sum(w) > 0))
    return [w / sum(weights) for w in weights]


@st.composite
def _outcomes(draw):
    """Result probabilities: one row, or one per interval (each summing to 1)."""
    names = ("right_party", "wrong_party", "busy", "no_answer", "machine")
    if draw(st.booleans()):
        return dict(zip(names, draw(_probabilities())))
    rows = [draw(_probabilities()) for _ in range(N_INTERVALS)]
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


@st.composite
def campaign(draw, groups, grid=False):
    """One campaign worked by ``groups``: any dialling mode, window, list size, outcomes and retries."""
    durations = GRID_DISTRIBUTIONS if grid else DISTRIBUTIONS
    window = draw(st.sampled_from(["all", "from", "until", "intervals"]))
    list_size = draw(st.none() | st.integers(0, 40))
    if list_size is None:  # (see POSITIVE_RING)
        ring = no_answer = GRID_POSITIVE_RING if grid else POSITIVE_RING
    else:
        ring, no_answer = st.none() | durations, durations
    spec = {
        "groups": groups,
        "list_size": list_size,
        "dialler": {
            "mode": draw(st.sampled_from(["preview", "progressive", "predictive"])),
            "calls_per_agent": draw(st.integers(1, 3)),
            "target_connect": draw(st.sampled_from([0.5, 0.8, 0.97, 1.0])),
            "max_calls_per_agent": draw(st.integers(1, 4)),
            "initial_contact_rate": draw(st.sampled_from([0.0, 0.2, 0.35, 1.0])),
            "estimate_window": draw(st.integers(1, 30)),
            "nuisance_wait": draw(st.sampled_from([0.0, 2.0, 10.0, 30.0, 120.0])),
            "nuisance_cap": draw(st.sampled_from([0.0, 0.03, 0.3])),
            "nuisance_window": draw(st.integers(1, 20)),
        },
        "outcomes": draw(_outcomes()),
        "ring_time": draw(ring),
        "no_answer_time": draw(no_answer),
        "talk_time": draw(durations),
        "wrong_party_time": draw(durations),
        "wrapup_time": draw(st.none() | durations),
        "retry": {"max_attempts": draw(st.integers(1, 4)), "busy_minutes": draw(MINUTES),
                  "no_answer_minutes": draw(MINUTES), "machine_minutes": draw(MINUTES),
                  "nuisance_minutes": draw(MINUTES)},
    }
    if window == "from":
        spec["dial_from"] = draw(st.sampled_from(["00:15", "00:30"]))
    elif window == "until":
        spec["dial_until"] = draw(st.sampled_from(["00:30", "00:45"]))
    elif window == "intervals":
        spec["dial_intervals"] = draw(st.lists(st.integers(0, 1), min_size=N_INTERVALS, max_size=N_INTERVALS))
    return spec


@st.composite
def blended_scenarios(draw, grid=False):
    """A random inbound day (``scenarios``) plus one to three outbound groups and one or two
    campaigns worked by some of the groups (blended ones serve inbound too), any blending policy."""
    data = draw(scenarios(max_types=2, max_groups=3))
    for g in range(draw(st.integers(0, 2))):  # dedicated outbound groups: all day, or spells that end
        data["groups"][f"out{g}"] = draw(st.builds(dict, headcount=st.integers(1, 4)) | st.builds(
            dict, headcount_per_interval=st.lists(st.integers(0, 2), min_size=N_INTERVALS - 1, max_size=N_INTERVALS - 1)
            .map(lambda counts: counts + [1])))
    names = list(data["groups"])
    chosen = draw(st.permutations(names).map(lambda p: p[: draw(st.integers(1, len(p)))]))
    split = draw(st.integers(1, len(chosen)))
    parts = [list(chosen[:split])] + ([list(chosen[split:])] if split < len(chosen) and draw(st.booleans()) else [])
    data["campaigns"] = {f"c{i}": draw(campaign(part, grid)) for i, part in enumerate(parts)}
    policy = draw(st.sampled_from(["threshold", "threshold_no_queue", "threshold_sl_floor"]))
    data["blending"] = {"policy": policy, "threshold": draw(st.integers(0, 3))}
    if policy == "threshold_sl_floor":
        data["blending"]["sl_floor"] = draw(st.sampled_from([0.0, 0.5, 0.8, 1.0]))
    if grid:
        for spec in data["call_types"].values():
            for key in ("talk_time", "wrapup_time", "patience"):
                if spec.get(key) is not None:
                    spec[key] = draw(GRID_DISTRIBUTIONS)
            spec["route"] = [{**step, "delay": 10.0 * round(step["delay"] / 10)} for step in spec["route"]]
    return data


@st.composite
def grid_calls(draw, data):
    """Calls on the 10 s grid for a blended scenario: (arrival, call type, talk, wrapup, patience)."""
    n = draw(st.integers(0, 60))
    types = list(data["call_types"])
    ints = st.lists(st.integers(0, 360), min_size=n, max_size=n)
    return {"arrival": [10.0 * v for v in draw(ints)],
            "call_type": draw(st.lists(st.sampled_from(types), min_size=n, max_size=n)),
            "talk": [10.0 * (v % 20) for v in draw(ints)], "wrapup": [10.0 * (v % 3) for v in draw(ints)],
            "patience": [float("inf") if v > 300 else 10.0 * (v % 15) for v in draw(ints)]}


# -- shrinkage: breaks, activities, absenteeism, adherence ----------------------------------------

def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def shrinkage(draw, data):
    """``data`` (a day of :func:`scenarios`) with shrinkage added: breaks in its shifts (at a
    start or over a window, paid or not, lengths of 1-6 minutes), an activity in some groups,
    absenteeism and adherence. Some draws are invalid (a break past its shift's end, an activity
    with too few agents): the tests count them."""
    data = {**data, "groups": {name: dict(group) for name, group in data["groups"].items()}}
    for group in data["groups"].values():
        for name, spec in list(group.get("shifts", {}).items()):
            start = int(spec["start"][3:]) if spec["start"] != "01:00" else 60
            end = int(spec["end"][3:]) if spec["end"] != "01:00" else 60
            breaks = []
            at = start + 1
            for _ in range(draw(st.integers(0, 2))):
                minutes = draw(st.integers(1, 6))
                if draw(st.booleans()):
                    breaks.append({"minutes": float(minutes), "start": _clock(at), "paid": draw(st.booleans())})
                    at += minutes + draw(st.integers(0, 3))
                else:
                    late = at + draw(st.integers(0, 4))
                    breaks.append({"minutes": float(minutes), "window": [_clock(at), _clock(late)],
                                   "paid": draw(st.booleans())})
                    at = late + minutes + draw(st.integers(0, 3))
            if breaks and at < end:
                group["shifts"] = {**group["shifts"], name: {**spec, "breaks": breaks}}
        if draw(st.booleans()):
            first = draw(st.integers(0, 50))
            group["activities"] = {"huddle": {"kind": draw(st.sampled_from(["meeting", "training", "coaching"])),
                                              "start": _clock(first), "end": _clock(first + draw(st.integers(1, 9))),
                                              "agents": draw(st.integers(1, 2)), "paid": draw(st.booleans())}}
        group["absenteeism"] = draw(st.sampled_from([0.0, 0.2, 0.5]))
        group["adherence"] = draw(st.sampled_from([1.0, 0.9, 0.6]))
    return data


def shrunk_scenarios():
    """Random days of :func:`scenarios` with :func:`shrinkage` added."""
    return scenarios().flatmap(shrinkage)


# -- IVR self-service (issue 14) ------------------------------------------------------------------

@st.composite
def ivr_scenarios(draw):
    """A random day (as ``scenarios``) whose call types have, some of them, an IVR menu: random
    duration, finish and hang-up probabilities, the rest to the type's own queue or split over
    one or two types' queues; an IVR port limit or none."""
    data = draw(scenarios())
    names = list(data["call_types"])
    for name in names:
        if not draw(st.booleans()) and name != names[0]:
            continue
        finish, hang_up = draw(st.sampled_from([0.0, 0.1, 0.3])), draw(st.sampled_from([0.0, 0.05, 0.2]))
        menu = {"duration": draw(DISTRIBUTIONS), "finish": finish, "hang_up": hang_up}
        if draw(st.booleans()):
            targets = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
            share = draw(st.sampled_from([0.25, 0.5, 1.0])) if len(targets) == 2 else 1.0
            rest = 1.0 - finish - hang_up
            menu["zero_out"] = dict(zip(targets, [rest * share, rest * (1.0 - share)]))
        data["call_types"][name]["ivr"] = menu
    data["ivr_ports"] = draw(st.none() | st.integers(1, 10))
    return data


# -- redials (issue 14) ---------------------------------------------------------------------------

@st.composite
def redial_scenarios(draw, ivr=False):
    """A random day (as ``scenarios``, or with ``ivr`` as ``ivr_scenarios``) whose call types have,
    some of them (the first always), a redial rule: probabilities after an abandon and after a
    block, a random delay and 1 to 4 attempts; trunks often limited, so that blocks happen."""
    data = draw(ivr_scenarios() if ivr else scenarios())
    for i, name in enumerate(data["call_types"]):
        if i > 0 and not draw(st.booleans()):
            continue
        data["call_types"][name]["redial"] = {  # (the first type redials after abandons)
            "probability_abandoned": draw(st.sampled_from([0.0, 0.3, 0.8, 1.0][i == 0:])),
            "probability_blocked": draw(st.sampled_from([0.0, 0.5, 1.0])),
            "delay": draw(DISTRIBUTIONS), "max_attempts": draw(st.integers(1 + (i == 0), 4))}
    if draw(st.booleans()):
        data["trunks"] = draw(st.integers(1, 6))
    return data


# -- transfers and escalation (issue 14) ----------------------------------------------------------

@st.composite
def transfer_scenarios(draw, ivr=False):
    """A random day (as ``scenarios``, or ``ivr_scenarios`` with ``ivr``) whose call types have,
    some of them (the first always), a transfer rule to one or two types (loops allowed), with a
    consult time or none, and a leg limit of 2 to 4."""
    return _with_transfers(draw, draw(ivr_scenarios() if ivr else scenarios()))


def _with_transfers(draw, data):
    """The day ``data`` with transfer rules (as transfer_scenarios says)."""
    names = list(data["call_types"])
    for name in names:
        if not draw(st.booleans()) and name != names[0]:
            continue
        targets = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
        share = draw(st.sampled_from([0.25, 0.5])) if len(targets) == 2 else 1.0
        data["call_types"][name]["transfer"] = {"probability": draw(st.sampled_from([0.2, 0.5, 1.0])),
                                                "to": dict(zip(targets, [share, 1.0 - share])),
                                                "consult": draw(st.none() | DISTRIBUTIONS)}
    data["transfer_max_legs"] = draw(st.integers(2, 4))
    return data


@st.composite
def journey_scenarios(draw, ivr=False):
    """A random day with redials (as ``redial_scenarios``) and transfers (as ``transfer_scenarios``)."""
    return _with_transfers(draw, draw(redial_scenarios(ivr=ivr)))


# -- callbacks / virtual hold (issue 14) ----------------------------------------------------------

@st.composite
def callback_offer(draw, grid=False):
    """A call type's callback offer: random threshold, acceptance, ring (on the 10 s grid if
    ``grid``), reach, retries and retry delay; mode keep_place or scheduled (with a delay, on the
    grid if ``grid``)."""
    ring = GRID_DISTRIBUTIONS if grid else st.one_of(DISTRIBUTIONS, st.just({"kind": "deterministic", "mean": 0.0}))
    retries = draw(st.integers(0, 3))
    offer = {"offer_above": draw(st.sampled_from([0.0, 10.0, 60.0, 300.0])),
             "accept": draw(st.sampled_from([0.0, 0.4, 1.0])), "ring": draw(ring),
             "reach": draw(st.sampled_from([0.0, 0.5, 1.0])), "retries": retries}
    if retries:
        offer["retry_delay"] = draw(GRID_DISTRIBUTIONS if grid else DISTRIBUTIONS)
    if draw(st.booleans()):
        offer.update(mode="scheduled", delay=draw(GRID_DISTRIBUTIONS if grid else DISTRIBUTIONS))
    return offer


@st.composite
def callback_scenarios(draw, grid=False, with_ivr=True):
    """A random day (as ``scenarios``, or ``ivr_scenarios`` with ``with_ivr``) whose call types
    offer, some of them, callbacks (:func:`callback_offer`); the first one always does."""
    data = draw(ivr_scenarios() | scenarios()) if with_ivr else draw(scenarios())
    names = list(data["call_types"])
    for name in names:
        if name == names[0] or draw(st.booleans()):
            data["call_types"][name]["callback"] = draw(callback_offer(grid))
    return data


# -- callbacks with redials, callbacks with transfers (issue 14) ------------------------------------

def _with_callbacks(draw, data, grid=False):
    """``data`` with callback offers on some of its call types (the first one always)."""
    names = list(data["call_types"])
    for name in names:
        if name == names[0] or draw(st.booleans()):
            data["call_types"][name]["callback"] = draw(callback_offer(grid))
    return data


@st.composite
def callback_redial_scenarios(draw, ivr=False):
    """A random day with redials (:func:`redial_scenarios`) whose call types offer, some of them
    (the first always), callbacks."""
    return _with_callbacks(draw, draw(redial_scenarios(ivr=ivr)))


@st.composite
def callback_transfer_scenarios(draw, ivr=False):
    """A random day with transfers (:func:`transfer_scenarios`) whose call types offer, some of
    them (the first always), callbacks."""
    return _with_callbacks(draw, draw(transfer_scenarios(ivr=ivr)))


@st.composite
def whole_journey_scenarios(draw, ivr=False):
    """A random day with redials, transfers (:func:`journey_scenarios`) and callbacks offered by
    some of its call types (the first always): the caller's whole journey in one scenario."""
    return _with_callbacks(draw, draw(journey_scenarios(ivr=ivr)))
