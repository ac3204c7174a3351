"""The golden corpus: digests of the per-call records and agent logs of a fixed set of runs.

A refactoring must leave every run of the model unchanged to the last bit, on every engine. The
corpus pins that: ``tests/golden/corpus.json`` holds, for each case, a SHA-256 of the records and
one of the agent log, and ``tests/test_golden.py`` recomputes them on every engine.

Cases (all built here from fixed seeds, so the list itself never changes):
  * ``shipped/<scenario>/seed<s>``: every scenario in configs/scenario, seeds 1-3 (steady-state
    runs shortened to 20 hours);
  * ``random/<i>``: small multi-skill days with random routing, priorities, speeds, staffing,
    trunks and duration distributions, on the random inputs of one seed;
  * ``grid/<i>``: the same kind of days on a coarse time grid: calls given explicitly at
    multiples of 10 s, every duration, patience and overflow delay a multiple of 10 s, speeds
    powers of two and shifts on 15-minute boundaries, so that arrivals, completions,
    abandonments, overflows and shift changes fall on the same instants and every tie rule is
    exercised;
  * ``.../head_start``, ``.../least_skilled``: every grid day and the first 100 random days again
    under the alternative call-selection and agent-selection policies;
  * ``blended/<name>``: days with outbound campaigns on blended and dedicated groups (every
    dialling mode and blending policy among them, one on the 10 s grid); their attempt records
    are digested too (``attempts``);
  * ``shrinkage/random/<i>``, ``shrinkage/grid/<i>``: random and grid days with breaks (at a
    start or over a window, paid or not), activities and absenteeism, and (random days only)
    adherence, run on the spells realised for the case's seed (added with issue 13);
  * ``ivr/random/<i>``, ``ivr/grid/<i>``: random and grid days whose call types have IVR menus
    (self-service, hang-ups, zero-outs to their own or other queues, port limits); grid days with
    IVR times on the 10 s grid; their IVR records are digested too (``ivr``; added with issue 14);
  * ``redials/random/<i>``, ``redials/grid/<i>``: random and grid days whose call types redial
    after abandons and blocks (some with IVR menus, trunks often limited); grid days with redial
    draws on the 10 s grid; their redial records are digested too (``redials``; issue 14);
  * ``transfers/random/<i>``, ``transfers/grid/<i>``: random and grid days (grid days: given
    transfer uniforms) whose call types transfer to one or two types (loops with a leg limit,
    consults or none);
    their legs are digested too (``legs``; added with issue 14);
  * ``journey/random/<i>``, ``journey/grid/<i>``: random and grid days with both redials and
    transfers (grid days: given redial draws and transfer uniforms); their redial records and
    legs are digested (added with issue 14, when the two were combined);
  * ``callback/random/<i>``, ``callback/grid/<i>``: random and grid days whose call types offer
    callbacks (thresholds, acceptance, reach, retries); grid days with ring times and retry delays
    on the 10 s grid; their callback records are digested too (``callbacks``; added with issue 14);
  * ``journeycb/redial/random/<i>``, ``journeycb/redial/grid/<i>``, ``journeycb/transfer/...``:
    redial and transfer days (as above) whose call types also offer callbacks (added with issue 14
    when the engines combined them; every case before them unchanged);
  * ``cbsched/random/<i>``, ``cbsched/grid/<i>``: callback days (as above) whose callbacks are
    scheduled (mode scheduled, a delay; grid days with delays on the 10 s grid); their due times
    are digested too (``scheduled``; added with issue 14's scheduled callbacks, with
    ``--write --kind cbsched``: every case before them unchanged).

Regenerate (only when a change of the model is intended, and say so in the commit):
    python tests/golden_corpus.py --write
or only the cases of one kind, keeping every other case as stored (the engines must agree):
    python tests/golden_corpus.py --write --kind blended
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import fields
from pathlib import Path
from typing import Callable, Dict, Iterator, Tuple

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "golden" / "corpus.json"
N_RANDOM = 200
N_GRID = 200
N_RANDOM_POLICIES = 100  # random days also run under each alternative policy (all grid days are)
N_SHRINKAGE = 25  # random days and grid days each, with shrinkage
N_IVR = 30  # random days and grid days each, with IVR menus
N_REDIALS = 30  # random days and grid days each, with redials
N_TRANSFERS = 30  # random days and grid days each, with transfers
N_JOURNEYS = 30  # random days and grid days each, with redials and transfers
N_CALLBACK = 20  # random days and grid days each, with callbacks
N_JOURNEY_CB = 15  # random days and grid days each, with callbacks and redials, and with callbacks and transfers
N_CB_SCHEDULED = 15  # random days and grid days each, with scheduled callbacks


def _head_start(data: dict) -> dict:
    """priority_head_start with head starts of 0, 30, 60 s ... by call type (on the 10 s grid)."""
    call_types = {name: {**spec, "head_start": 30.0 * k} for k, (name, spec) in enumerate(data["call_types"].items())}
    return {**data, "call_types": call_types, "routing": {"call_selection": "priority_head_start"}}


# Policy variants each random and grid day is also run under (suffix of the case id: the
# default policies keep the plain id).
POLICIES: Dict[str, Callable[[dict], dict]] = {
    "": lambda data: data,
    "head_start": _head_start,
    "least_skilled": lambda data: {**data, "routing": {"agent_selection": "least_skilled"}},
}


def digest(table) -> str:
    """SHA-256 of a record dataclass of numpy columns: names, dtypes and values (NaN and -0.0
    made canonical, so that only a different number changes the digest)."""
    h = hashlib.sha256()
    for field in fields(table):
        values = np.asarray(getattr(table, field.name))
        if values.dtype.kind == "f":
            values = np.where(np.isnan(values), np.nan, values + 0.0)
        h.update(field.name.encode())
        h.update(values.dtype.str.encode())
        h.update(np.ascontiguousarray(values).tobytes())
    return h.hexdigest()


def _shipped() -> Iterator[Tuple[str, dict, int, bool]]:
    from sim.simulate import load_scenario_file

    for path in sorted((ROOT / "configs" / "scenario").glob("*.yaml")):
        data = load_scenario_file(path)
        if data.get("campaigns"):  # written before the engines dialled (issue 12): its cases come with them
            continue
        if data["horizon"].get("kind") == "steady_state":
            data["horizon"]["hours"] = 20
        for seed in (1, 2, 3):
            yield f"shipped/{path.stem}/seed{seed}", data, seed, False


def _distribution(rng: np.random.Generator, grid: bool) -> dict:
    if grid:
        if rng.random() < 0.5:
            return {"kind": "deterministic", "mean": float(10 * rng.integers(1, 13))}
        return {"kind": "empirical", "values": [float(10 * v) for v in rng.integers(0, 19, rng.integers(1, 5))]}
    kind = rng.choice(["exponential", "lognormal", "gamma", "weibull", "deterministic", "uniform", "empirical"])
    mean = float(rng.uniform(5, 300))
    if kind in ("lognormal", "gamma", "weibull"):
        return {"kind": str(kind), "mean": mean, "cv": float(rng.uniform(0.3, 2))}
    if kind == "uniform":
        low = float(rng.uniform(0, 100))
        return {"kind": "uniform", "low": low, "high": low + float(rng.uniform(0, 200))}
    if kind == "empirical":
        return {"kind": "empirical", "values": [float(v) for v in rng.uniform(1, 400, rng.integers(1, 5))]}
    return {"kind": str(kind), "mean": mean}


def random_day(rng: np.random.Generator, grid: bool) -> dict:
    """A day of four 15-minute intervals: 1-3 groups, 1-3 call types (as tests/strategies.py)."""
    groups = {}
    for g in range(int(rng.integers(1, 4))):
        staffing = rng.choice(["headcount", "table", "shifts"])
        if staffing == "headcount":
            group = {"headcount": int(rng.integers(1, 7))}
        elif staffing == "table":
            group = {"headcount_per_interval": [int(c) for c in rng.integers(0, 6, 4)]}
        else:
            shifts = {}
            for s in range(int(rng.integers(1, 4))):
                start = int(rng.integers(0, 4))
                end = int(rng.integers(start + 1, 5))
                shifts[f"s{s}"] = {"start": f"00:{15 * start:02d}", "end": f"00:{15 * end:02d}" if end < 4 else "01:00",
                                   "count": int(rng.integers(0, 5))}
            group = {"shifts": shifts}
        groups[f"g{g}"] = group
    names = list(groups)
    call_types = {}
    for k in range(int(rng.integers(1, 4))):
        order = [names[i] for i in rng.permutation(len(names))][: int(rng.integers(1, len(names) + 1))]
        route = [{"group": name, "delay": 0.0 if i == 0 else float(rng.choice([0, 10, 30, 90] if grid else [0, 5, 30, 90]))}
                 for i, name in enumerate(order)]
        call_types[f"t{k}"] = {
            "volumes": [float(v) for v in rng.uniform(0, 40, 4)],
            "talk_time": _distribution(rng, grid),
            "wrapup_time": None if rng.random() < 0.5 else _distribution(rng, grid),
            "patience": None if rng.random() < 0.4 else _distribution(rng, grid),
            "priority": int(rng.integers(0, 3)),
            "route": route,
        }
    for group in groups.values():
        if rng.random() < 0.5:
            group["speed"] = {t: float(rng.choice([0.5, 1.0, 2.0] if grid else [0.8, 1.0, 1.5])) for t in call_types}
    return {
        "name": "golden", "horizon": {"kind": "day", "intervals": 4, "interval_minutes": 15},
        "call_types": call_types, "groups": groups,
        "trunks": None if rng.random() < 0.6 else int(rng.integers(1, 31)),
        "kpi": {"short_abandon": float(rng.choice([0.0, 5.0]))},
    }


def grid_calls(rng: np.random.Generator, data: dict) -> dict:
    """Calls on the 10 s grid for a grid day: arrival, type, talk, wrap-up, patience columns."""
    n = int(rng.integers(5, 120))
    types = list(data["call_types"])

    def column(kind: str, k: str, size: int) -> np.ndarray:
        spec = data["call_types"][k][kind]
        if spec is None:
            return np.full(size, np.inf) if kind == "patience" else np.zeros(size)
        if spec["kind"] == "deterministic":
            return np.full(size, spec["mean"])
        return rng.choice(np.asarray(spec["values"]), size)

    call_type = rng.choice(len(types), n)
    calls = {"arrival": 10.0 * rng.integers(0, 360, n), "call_type": call_type,
             "talk": np.zeros(n), "wrapup": np.zeros(n), "patience": np.zeros(n)}
    for k, name in enumerate(types):
        mine = call_type == k
        for kind, key in (("talk_time", "talk"), ("wrapup_time", "wrapup"), ("patience", "patience")):
            calls[key][mine] = column(kind, name, int(mine.sum()))
    return calls


def _blended(name: str, mode: str, blending: dict, **campaign) -> dict:
    """A blended day of eight 15-minute intervals: inbound-only, blended and outbound groups."""
    talk = {"kind": "exponential", "mean": 200.0}
    return {
        "name": name, "horizon": {"kind": "day", "intervals": 8, "interval_minutes": 15},
        "call_types": {"sales": {"arrival_rate": 60.0, "talk_time": talk, "patience": {"kind": "exponential", "mean": 90.0},
                                 "route": [{"group": "inbound"}, {"group": "blended", "delay": 10.0}]},
                       "care": {"arrival_rate": 30.0, "talk_time": talk, "route": [{"group": "blended"}]}},
        "groups": {"inbound": {"headcount": 2}, "blended": {"shifts": {"early": {"start": "00:00", "end": "01:30", "count": 3},
                                                                      "late": {"start": "00:45", "end": "02:00", "count": 2}}},
                   "outbound": {"headcount_per_interval": [2, 2, 3, 3, 0, 2, 2, 1]}},
        "campaigns": {"renewals": {"groups": ["outbound", "blended"], "dialler": {"mode": mode, "nuisance_wait": 2.0},
                                   "wrapup_time": {"kind": "deterministic", "mean": 20.0}, **campaign}},
        "blending": blending,
    }


BLENDED = {  # name: (scenario, seed, given calls on the 10 s grid)
    "predictive_threshold": (_blended("predictive_threshold", "predictive", {"policy": "threshold", "threshold": 1}), 11,
                             False),
    "preview_sl_floor": (_blended("preview_sl_floor", "preview", {"policy": "threshold_sl_floor", "threshold": 0,
                                                                  "sl_floor": 0.8},
                                  list_size=60, dial_from="00:30",
                                  outcomes={"right_party": [0.3, 0.3, 0.2, 0.2, 0.4, 0.4, 0.3, 0.3], "wrong_party": 0.1,
                                            "busy": 0.2, "no_answer": [0.3, 0.3, 0.4, 0.4, 0.2, 0.2, 0.3, 0.3],
                                            "machine": 0.1},
                                  retry={"max_attempts": 3, "busy_minutes": 5.0, "no_answer_minutes": 10.0,
                                         "machine_minutes": 20.0, "nuisance_minutes": 5.0}), 12, False),
    "progressive_grid": (_blended("progressive_grid", "progressive", {"policy": "threshold_no_queue", "threshold": 1},
                                  ring_time={"kind": "deterministic", "mean": 10.0},
                                  no_answer_time={"kind": "deterministic", "mean": 30.0},
                                  talk_time={"kind": "empirical", "values": [60.0, 120.0, 180.0]},
                                  retry={"max_attempts": 2, "busy_minutes": 1.0, "no_answer_minutes": 2.0,
                                         "machine_minutes": 2.0, "nuisance_minutes": 1.0}), 13, True),
}


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def shrunk_day(rng: np.random.Generator, data: dict, grid: bool) -> dict:
    """A random or grid day with shrinkage: breaks of 1-5 whole minutes in its shifts (some over a
    window), a short activity in some headcount groups, absenteeism, and adherence on random days."""
    groups = {}
    for name, group in data["groups"].items():
        group = dict(group)
        if "shifts" in group:
            shifts = {}
            for shift_name, spec in group["shifts"].items():
                start = int(spec["start"][3:])
                end = 60 if spec["end"] == "01:00" else int(spec["end"][3:])
                breaks, at = [], start + 1 + int(rng.integers(0, 5))
                for b in range(int(rng.integers(1, 3))):
                    minutes, spread = int(rng.integers(1, 6)), int(rng.integers(0, 4))
                    if at + spread + minutes >= end:
                        break
                    when = {"start": _clock(at)} if spread == 0 else {"window": [_clock(at), _clock(at + spread)]}
                    breaks.append({"name": f"b{b}", "minutes": float(minutes), "paid": bool(rng.random() < 0.5), **when})
                    at += spread + minutes + int(rng.integers(0, 3))
                shifts[shift_name] = {**spec, "breaks": breaks}
            group["shifts"] = shifts
        if "headcount" in group and rng.random() < 0.6:  # (agents on the phones all day: always valid)
            first = int(rng.integers(0, 50))
            group["activities"] = {"huddle": {"kind": str(rng.choice(["meeting", "training", "coaching"])),
                                              "start": _clock(first), "end": _clock(first + int(rng.integers(2, 10))),
                                              "agents": 1}}
        group["absenteeism"] = float(rng.choice([0.0, 0.25, 0.5]))
        if not grid:
            group["adherence"] = float(rng.choice([1.0, 0.9, 0.7]))
        groups[name] = group
    return {**data, "groups": groups}


def ivr_day(rng: np.random.Generator, data: dict, grid: bool) -> dict:
    """A random or grid day with an IVR menu on some call types (always the first) and maybe a
    port limit: finish and hang-up probabilities, the rest to its own queue or split over others."""
    names = list(data["call_types"])
    call_types = {}
    for i, (name, spec) in enumerate(data["call_types"].items()):
        if i > 0 and rng.random() < 0.5:
            call_types[name] = spec
            continue
        finish, hang_up = float(rng.choice([0.0, 0.1, 0.3])), float(rng.choice([0.0, 0.05, 0.2]))
        menu = {"duration": _distribution(rng, grid), "finish": finish, "hang_up": hang_up}
        if rng.random() < 0.5:
            targets = [names[j] for j in rng.permutation(len(names))[: int(rng.integers(1, 3))]]
            rest = 1.0 - finish - hang_up
            menu["zero_out"] = {t: rest / len(targets) for t in targets}
        call_types[name] = {**spec, "ivr": menu}
    return {**data, "call_types": call_types, "ivr_ports": None if rng.random() < 0.5 else int(rng.integers(1, 8))}


def ivr_decisions(rng: np.random.Generator, data: dict, calls: dict) -> dict:
    """IVR times on the 10 s grid and choices (self-served, hung up or any queue) for grid calls."""
    n = len(calls["arrival"])
    choice = rng.integers(-2, len(data["call_types"]), n).astype(np.int32)
    return {**calls, "decisions": {"ivr_time": 10.0 * rng.integers(0, 12, n), "ivr_choice": choice}}


def redial_day(rng: np.random.Generator, data: dict, grid: bool) -> dict:
    """A random or grid day whose call types redial (always the first, after abandons), with an
    IVR menu on some (every third day) and trunks limited on half of the days."""
    if rng.random() < 1 / 3:
        data = ivr_day(rng, data, grid)
    call_types = {}
    for i, (name, spec) in enumerate(data["call_types"].items()):
        if i > 0 and rng.random() < 0.5:
            call_types[name] = spec
            continue
        call_types[name] = {**spec, "redial": {
            "probability_abandoned": float(rng.choice([0.3, 0.8, 1.0] if i == 0 else [0.0, 0.5, 1.0])),
            "probability_blocked": float(rng.choice([0.0, 0.5, 1.0])),
            "delay": _distribution(rng, grid), "max_attempts": int(rng.integers(2 if i == 0 else 1, 5))}}
    trunks = int(rng.integers(1, 8)) if rng.random() < 0.5 else data.get("trunks")
    return {**data, "call_types": call_types, "trunks": trunks}


def redial_decisions(rng: np.random.Generator, data: dict, calls: dict) -> dict:
    """Redial draws for grid calls: u of 0, 0.4 or 0.9, delays and patience on the 10 s grid (and
    the IVR decisions if the day has menus)."""
    if any("ivr" in spec for spec in data["call_types"].values()):
        calls = ivr_decisions(rng, data, calls)
    n = len(calls["arrival"])
    width = max(spec["redial"]["max_attempts"] - 1 for spec in data["call_types"].values()
                if "redial" in spec and (spec["redial"]["probability_abandoned"] or spec["redial"]["probability_blocked"]))
    draws = {"redial_u": rng.choice([0.0, 0.4, 0.9], (n, width)),
             "redial_delay": 10.0 * rng.integers(0, 12, (n, width)),
             "redial_patience": 10.0 * rng.integers(0, 12, (n, width))}
    return {**calls, "decisions": {**calls.get("decisions", {}), **draws}}
def transfer_day(rng: np.random.Generator, data: dict, grid: bool) -> dict:
    """A day whose call types (always the first) transfer to one or two types, with a consult or
    not (on the grid for grid days), a leg limit 2-4."""
    names = list(data["call_types"])
    call_types = {}
    for i, (name, spec) in enumerate(data["call_types"].items()):
        targets = [names[j] for j in rng.permutation(len(names))[: int(rng.integers(1, 3))]]
        rule = {"probability": float(rng.choice([0.2, 0.5, 1.0])), "to": {t: 1.0 / len(targets) for t in targets},
                "consult": None if rng.random() < 0.5 else _distribution(rng, grid)}
        call_types[name] = spec if i > 0 and rng.random() < 0.5 else {**spec, "transfer": rule}
    return {**data, "call_types": call_types, "transfer_max_legs": int(rng.integers(2, 5))}


def transfer_decisions(rng: np.random.Generator, data: dict, calls: dict) -> dict:
    """Transfer uniforms for grid calls (grid distributions keep the legs' durations on the grid)."""
    shape = (len(calls["arrival"]), data["transfer_max_legs"] - 1, 6)
    return {**calls, "decisions": {"transfer_draws": rng.choice([0.0, 0.1, 0.3, 0.6, 0.99], shape)}}


def journey_decisions(rng: np.random.Generator, data: dict, calls: dict) -> dict:
    """Redial draws (and IVR decisions) and transfer uniforms for grid calls of a journey day."""
    calls = redial_decisions(rng, data, calls)
    transfer = transfer_decisions(rng, data, calls)["decisions"]
    return {**calls, "decisions": {**calls["decisions"], **transfer}}
def callback_day(rng: np.random.Generator, data: dict, grid: bool) -> dict:
    """A random or grid day whose call types (always the first) offer callbacks."""
    call_types = {}
    for i, (name, spec) in enumerate(data["call_types"].items()):
        if i > 0 and rng.random() < 0.5:
            call_types[name] = spec
            continue
        retries = int(rng.integers(0, 4))
        offer = {"offer_above": float(rng.choice([0.0, 10.0, 60.0, 300.0])), "accept": float(rng.choice([0.4, 1.0])),
                 "ring": _distribution(rng, grid), "reach": float(rng.choice([0.0, 0.5, 1.0])), "retries": retries}
        if retries:
            offer["retry_delay"] = _distribution(rng, grid)
        call_types[name] = {**spec, "callback": offer}
    return {**data, "call_types": call_types}


def callback_decisions(rng: np.random.Generator, data: dict, calls: dict) -> dict:
    """Acceptances, reaches, and ring times and retry delays on the 10 s grid, for grid calls."""
    n = len(calls["arrival"])
    w = max(spec["callback"]["retries"] + 1 for spec in data["call_types"].values() if "callback" in spec)
    return {**calls, "decisions": {"callback_accept": (rng.random(n) < 0.7).astype(np.int8),
                                   "callback_ring": 10.0 * rng.integers(0, 6, (n, w)),
                                   "callback_reach": (rng.random((n, w)) < 0.5).astype(float),
                                   "callback_delay": 10.0 * rng.integers(0, 12, (n, w))}}


def scheduled_day(rng: np.random.Generator, data: dict, grid: bool) -> dict:
    """``data`` (a callback day) with every callback offer scheduled, after a random delay."""
    call_types = {name: ({**spec, "callback": {**spec["callback"], "mode": "scheduled",
                                               "delay": _distribution(rng, grid)}} if "callback" in spec else spec)
                  for name, spec in data["call_types"].items()}
    return {**data, "call_types": call_types}


def with_decisions(calls: dict, *more: dict) -> dict:
    """Given calls whose decisions are those of ``calls`` and of every dict of ``more``."""
    decisions = dict(calls.get("decisions", {}))
    for extra in more:
        decisions.update(extra["decisions"])
    return {**calls, "decisions": decisions}


def _journey_cb_cases(i: int) -> Iterator[Tuple[str, dict, int, dict]]:
    """The i-th days of each journeycb kind: callbacks with redials, callbacks with transfers."""
    for pair, seed, day, decisions in (("redial", 20261818, redial_day, redial_decisions),
                                       ("transfer", 20261820, transfer_day, transfer_decisions)):
        rng = np.random.default_rng([seed, i])
        yield (f"journeycb/{pair}/random/{i}", callback_day(rng, day(rng, random_day(rng, grid=False), grid=False),
                                                            grid=False), 9000 + i, None)
        rng = np.random.default_rng([seed + 1, i])
        data = callback_day(rng, day(rng, random_day(rng, grid=True), grid=True), grid=True)
        calls = grid_calls(rng, data)
        yield (f"journeycb/{pair}/grid/{i}", data, 9500 + i,
               with_decisions(calls, decisions(rng, data, calls), callback_decisions(rng, data, calls)))


def cases() -> Iterator[Tuple[str, dict, int, dict]]:
    """(case id, scenario dict, seed, given calls or None) for every case of the corpus."""
    for name, data, seed, _ in _shipped():
        yield name, data, seed, None
    for i in range(N_RANDOM):
        rng = np.random.default_rng([20261130, i])
        data = random_day(rng, grid=False)
        for suffix, variant in POLICIES.items():
            if suffix == "" or i < N_RANDOM_POLICIES:
                yield f"random/{i}" + (f"/{suffix}" if suffix else ""), variant(data), 1000 + i, None
    for i in range(N_GRID):
        rng = np.random.default_rng([20261201, i])
        data = random_day(rng, grid=True)
        calls = grid_calls(rng, data)
        for suffix, variant in POLICIES.items():
            yield f"grid/{i}" + (f"/{suffix}" if suffix else ""), variant(data), 1, calls
    for name, (data, seed, grid) in BLENDED.items():
        yield f"blended/{name}", data, seed, _blended_grid_calls(seed) if grid else None
    for i in range(N_SHRINKAGE):
        rng = np.random.default_rng([20261313, i])
        yield f"shrinkage/random/{i}", shrunk_day(rng, random_day(rng, grid=False), grid=False), 3000 + i, None
        rng = np.random.default_rng([20261314, i])
        data = random_day(rng, grid=True)
        yield f"shrinkage/grid/{i}", shrunk_day(rng, data, grid=True), 4000 + i, grid_calls(rng, data)
    for i in range(N_IVR):
        rng = np.random.default_rng([20261414, i])
        yield f"ivr/random/{i}", ivr_day(rng, random_day(rng, grid=False), grid=False), 5000 + i, None
        rng = np.random.default_rng([20261415, i])
        data = random_day(rng, grid=True)
        calls = grid_calls(rng, data)
        yield f"ivr/grid/{i}", ivr_day(rng, data, grid=True), 6000 + i, ivr_decisions(rng, data, calls)
    for i in range(N_REDIALS):
        rng = np.random.default_rng([20261416, i])
        yield f"redials/random/{i}", redial_day(rng, random_day(rng, grid=False), grid=False), 7000 + i, None
        rng = np.random.default_rng([20261417, i])
        data = redial_day(rng, random_day(rng, grid=True), grid=True)
        yield f"redials/grid/{i}", data, 8000 + i, redial_decisions(rng, data, grid_calls(rng, data))
    for i in range(N_TRANSFERS):
        rng = np.random.default_rng([20261616, i])
        yield f"transfers/random/{i}", transfer_day(rng, random_day(rng, grid=False), grid=False), 7000 + i, None
        rng = np.random.default_rng([20261617, i])
        data = transfer_day(rng, random_day(rng, grid=True), grid=True)
        yield f"transfers/grid/{i}", data, 7500 + i, transfer_decisions(rng, data, grid_calls(rng, data))
    for i in range(N_JOURNEYS):
        rng = np.random.default_rng([20261718, i])
        data = transfer_day(rng, redial_day(rng, random_day(rng, grid=False), grid=False), grid=False)
        yield f"journey/random/{i}", data, 9000 + i, None
        rng = np.random.default_rng([20261719, i])
        data = transfer_day(rng, redial_day(rng, random_day(rng, grid=True), grid=True), grid=True)
        yield f"journey/grid/{i}", data, 9500 + i, journey_decisions(rng, data, grid_calls(rng, data))
    for i in range(N_CALLBACK):
        rng = np.random.default_rng([20261516, i])
        yield f"callback/random/{i}", callback_day(rng, random_day(rng, grid=False), grid=False), 7000 + i, None
        rng = np.random.default_rng([20261517, i])
        data = callback_day(rng, random_day(rng, grid=True), grid=True)
        yield f"callback/grid/{i}", data, 8000 + i, callback_decisions(rng, data, grid_calls(rng, data))
    for i in range(N_JOURNEY_CB):
        yield from _journey_cb_cases(i)
    for i in range(N_CB_SCHEDULED):
        rng = np.random.default_rng([20261921, i])
        data = scheduled_day(rng, callback_day(rng, random_day(rng, grid=False), grid=False), grid=False)
        yield f"cbsched/random/{i}", data, 9800 + i, None
        rng = np.random.default_rng([20261922, i])
        data = scheduled_day(rng, callback_day(rng, random_day(rng, grid=True), grid=True), grid=True)
        calls = callback_decisions(rng, data, grid_calls(rng, data))
        calls["decisions"]["callback_schedule"] = 10.0 * rng.integers(0, 60, len(calls["arrival"]))
        yield f"cbsched/grid/{i}", data, 9900 + i, calls


def _blended_grid_calls(seed: int) -> dict:
    """Calls on the 10 s grid for a blended day (2 hours): durations multiples of 10 s."""
    rng = np.random.default_rng([20261130, seed])
    n = 150
    return {"arrival": 10.0 * rng.integers(0, 720, n), "call_type": rng.choice(["sales", "care"], n),
            "talk": 10.0 * rng.integers(1, 30, n), "wrapup": 10.0 * rng.integers(0, 3, n),
            "patience": np.where(rng.random(n) < 0.3, np.inf, 10.0 * rng.integers(0, 12, n))}


def run_case(engine, data: dict, seed: int, calls) -> Tuple[object, object, object]:
    """The engine's (records, agent log, attempts or None, IVR records or None, redial records or
    None, legs or None, callback records or None, scheduled callbacks' records or None) for one
    case, or None if the scenario is invalid."""
    from sim.core.engines import realised_spells
    from sim.errors import ConfigError
    from sim.model.contact_draws import contact_draws
    from sim.model.random_inputs import call_blocks, given_calls
    from sim.model.scenario import build_scenario

    try:
        scenario = build_scenario(data)
    except ConfigError:
        return None
    inputs = call_blocks(scenario, seed) if calls is None else given_calls(scenario, **calls)
    spells = realised_spells(scenario, seed)  # the plan itself but in the shrinkage cases
    if scenario.campaigns:
        out = engine.run(scenario, inputs, contacts=contact_draws(scenario, seed), spells=spells)
    else:
        out = engine.run(scenario, inputs, spells=spells)
    return (out.records, out.agents, out.attempts, out.ivr, out.redials,
            out.legs if scenario.transfer_max_legs else None, out.callbacks, out.scheduled)


def compute(engine, kind: str = None) -> Dict[str, Dict]:
    """{case id: {"records": digest, "agents": digest, "calls": n}} on one engine (invalid
    scenarios: {"invalid": True}); only the cases of ``kind`` (the id's first part) if given."""
    corpus = {}
    for name, data, seed, calls in cases():
        if kind is not None and name.split("/")[0] != kind:
            continue
        out = run_case(engine, data, seed, calls)
        if out is None:
            corpus[name] = {"invalid": True}
            continue
        records, agents, attempts, ivr, redials, legs, callbacks, scheduled = out
        corpus[name] = {"calls": len(records.arrival), "records": digest(records), "agents": digest(agents)}
        if attempts is not None:
            corpus[name].update(attempts=digest(attempts), n_attempts=len(attempts))
        if ivr is not None:
            corpus[name].update(ivr=digest(ivr))
        if redials is not None:
            corpus[name].update(redials=digest(redials), n_redials=int((redials.attempt > 1).sum()))
        if legs is not None:
            corpus[name].update(legs=digest(legs), n_legs=len(legs.call))
        if callbacks is not None:
            corpus[name].update(callbacks=digest(callbacks))
        if scheduled is not None:
            corpus[name].update(scheduled=digest(scheduled), n_scheduled=int((scheduled.due_time >= 0).sum()))
    return corpus


def engines() -> Dict[str, Callable]:
    from sim.core.engines import ENGINES

    return {name: cls for name, cls in ENGINES.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite tests/golden/corpus.json from the SimPy engine")
    parser.add_argument("--kind", choices=["shipped", "random", "grid", "blended", "shrinkage", "ivr", "redials",
                                           "transfers", "callback", "journey", "journeycb", "cbsched"],
                        help="only the cases of this kind (with --write: the others stay as stored)")
    args = parser.parse_args(argv)
    computed = {name: compute(cls(), args.kind) for name, cls in engines().items()}
    reference = computed["simpy"]
    for name, corpus in computed.items():
        differ = [case for case in reference if corpus[case] != reference[case]]
        print(f"{name}: {len(corpus)} cases, {len(differ)} differ from the SimPy engine {differ[:5]}")
    if args.write and args.kind is not None:
        if any(corpus != reference for corpus in computed.values()):
            print("not written: the engines disagree")
            return 1
        stored = json.loads(CORPUS.read_text())
        changed = sorted(case for case in reference if stored.get(case) != reference[case])
        CORPUS.write_text(json.dumps({**stored, **reference}, indent=1, sort_keys=True) + "\n")
        print(f"wrote the {args.kind} cases of {CORPUS}: {len(changed)} changed {changed}")
        return 0
    if args.write:
        CORPUS.parent.mkdir(exist_ok=True)
        CORPUS.write_text(json.dumps(reference, indent=1, sort_keys=True) + "\n")
        print(f"wrote {CORPUS}")
        return 0
    stored = json.loads(CORPUS.read_text())
    for name, corpus in computed.items():
        differ = [case for case in stored if case in corpus and corpus[case] != stored[case]]
        print(f"{name}: {len(differ)} of {len(stored)} cases differ from the stored corpus {differ[:5]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
