"""Exact traces of outbound campaigns and blending on tiny scenarios (issue 12).

Every attempt's outcome, ring and talk time is given (sim.model.contact_draws.given_contacts) and
so are the inbound calls; every expected time below is worked out by hand from the rules in
sim/core/simpy_outbound.py (and /work/helpers/OUTBOUND_SPEC.md), on a coarse grid so events tie.

Reminders used throughout:
  * at one instant: shift starts (STAFFING, agent by agent) < agents finishing (COMPLETION) <
    abandons < overflows < dial results < nuisance drops < retries due < interval starts <
    arrivals; the dial pass runs after each of those events (so after each agent logs on at 0).
  * idle agents of a group are taken longest idle first; agents logging on at 0 are idle in
    index order.
  * cap = idle dedicated + (idle blended - k if idle blended > k and the policy allows, else 0).
"""

import math

import pytest

from sim import simulate
from sim.core.engines import ENGINES
from sim.model.contact_draws import given_contacts
from sim.model.random_inputs import given_calls
from sim.core.protocol import DIAL_RESULT_NAMES

from conftest import day_scenario, deterministic

@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    """Each engine of this build."""
    return request.param


EVEN = {name: 0.2 for name in DIAL_RESULT_NAMES}  # every result possible (given_contacts picks one)
NEVER_RETRY = {"max_attempts": 1}


def campaign(groups, mode="progressive", list_size=None, retry=None, **dialler):
    return {"groups": groups, "list_size": list_size, "dialler": {"mode": mode, **dialler}, "outcomes": EVEN,
            "retry": retry or NEVER_RETRY}


def scenario(groups, campaign_node, call_types=None, blending=None, **extra):
    """A one-hour day (unless told) with inbound type "a" (talk from the given calls) and campaign "c"."""
    call_types = call_types or {"a": {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "b"}]}}
    return day_scenario(call_types, groups, campaigns={"c": campaign_node},
                        blending=blending or {"policy": "threshold", "threshold": 0}, **extra)


def run(sc, engine, records, calls=(), patience=None):
    """Run with given contact records (one list of attempt dicts per record) and inbound calls
    (arrival, talk) of type "a"."""
    arrival = [t for t, _ in calls]
    talk = [x for _, x in calls]
    inputs = given_calls(sc, arrival, ["a"] * len(calls), talk, patience=patience)
    return simulate(sc, seed=1, engine=engine, inputs=inputs, contacts=[given_contacts(sc, "c", records)])


def nan_none(x):
    return None if isinstance(x, float) and math.isnan(x) else x


def attempts(results):
    """Per attempt: (record, attempt, dial, result, resolve, agent, connect, end, nuisance)."""
    a = results.attempts
    return [(int(a.record[i]), int(a.attempt[i]), float(a.dial_time[i]), DIAL_RESULT_NAMES[a.result[i]],
             float(a.resolve_time[i]), int(a.agent[i]), nan_none(float(a.connect_time[i])), nan_none(float(a.end_time[i])),
             bool(a.nuisance[i])) for i in range(len(a))]


def calls(results):
    """Per inbound call: (agent, answer time, end time)."""
    c = results.calls
    return list(zip(c["agent"].tolist(), c["answer_time"].tolist(), c["end_time"].tolist()))


RP = "right_party"


def rp(ring, talk, wrapup=0.0):
    return {"result": RP, "ring": ring, "talk": talk, "wrapup": wrapup}


# -- threshold dialling ----------------------------------------------------------------------

TWO_BLENDED = {"b": {"headcount": 2}}
K_CONTACTS = [[rp(10, 50)], [rp(5, 40)]]


def test_threshold_one_keeps_one_blended_agent_for_inbound(engine):
    sc = scenario(TWO_BLENDED, campaign(["b"], list_size=2), blending={"policy": "threshold", "threshold": 1})
    r = run(sc, engine, K_CONTACTS, calls=[(20, 30)])
    # 0: agent 0 logs on: 1 idle blended, not > 1: no dial. Agent 1 logs on: 2 > 1, cap 1: record
    #    0 dialled (progressive, 1 line per free agent).
    # 10: record 0 answers (ring 10): the longest-idle agent 0 talks to 60. 1 idle: no dial.
    # 20: the inbound call finds agent 1 idle (the reserve): answered at once, ends 50.
    # 50: agent 1 idle again: 1 idle, no dial. 60: agent 0 free: 2 idle > 1: record 1 dialled.
    # 65: it answers (ring 5): longest idle is agent 1 (since 50): talks to 105. List done (size 2).
    assert attempts(r) == [(0, 0, 0.0, RP, 10.0, 0, 10.0, 60.0, False),
                           (1, 0, 60.0, RP, 65.0, 1, 65.0, 105.0, False)]
    assert calls(r) == [(1, 20.0, 50.0)]


def test_threshold_zero_lends_every_blended_agent_and_inbound_waits(engine):
    sc = scenario(TWO_BLENDED, campaign(["b"], list_size=2), blending={"policy": "threshold", "threshold": 0})
    r = run(sc, engine, K_CONTACTS, calls=[(20, 30)])
    # 0: agent 0 logs on: 1 idle > 0, cap 1: record 0 dialled. Agent 1 logs on: cap 2, 1 ringing:
    #    one more line: record 1 dialled at 0 too.
    # 5: record 1 answers: longest-idle agent 0, talks to 45. 10: record 0 answers: agent 1, to 60.
    # 20: the inbound call finds nobody idle: it waits.
    # 45: agent 0 free: no outbound answer waiting, takes the inbound call (waited 25 s), to 75.
    # 60: agent 1 free: idle, cap 1 but the list is used up: nothing more.
    assert attempts(r) == [(0, 0, 0.0, RP, 10.0, 1, 10.0, 60.0, False),
                           (1, 0, 0.0, RP, 5.0, 0, 5.0, 45.0, False)]
    assert calls(r) == [(0, 45.0, 75.0)]
