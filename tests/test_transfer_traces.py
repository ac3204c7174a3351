"""Exact traces of the transfer rule (sim.model.transfers) on both engines: a transfer after
talk (the caller keeps its trunk, the first agent wraps up), a transferred leg abandoning in the
second queue, a transferred leg overtaking earlier callers by the priority of its own call type,
and the leg limit. Calls and their transfer uniforms are given explicitly; target types have
deterministic talk times and patience, so every expected time is worked out by hand.
"""

import math

import numpy as np

from sim.core.engines import ENGINES
from sim.core.protocol import LEG_ID_FLOOR, LEG_ID_TOP, OUTCOMES
from sim.model import transfers
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic

OUTCOME = {code: name.lower() for name, code in OUTCOMES.items()}
NAN = math.nan


def draws(n, slots, transfer_u):
    """Transfer uniforms: per call and possible transfer the given 'transfer?' uniform, 0 elsewhere
    (the first target; deterministic distributions give their mean whatever the uniform)."""
    u = np.zeros((n, slots, transfers.UNIFORMS))
    u[:, :, transfers.DRAW_TRANSFER] = np.asarray(transfer_u, float).reshape(n, slots)
    return u


def run(engine, scenario, arrival, call_type, talk, transfer_u, wrapup=None, patience=None):
    slots = scenario.transfer_max_legs - 1
    inputs = given_calls(scenario, arrival, call_type, talk, wrapup, patience,
                         decisions={"transfer_draws": draws(len(arrival), slots, transfer_u)})
    out = ENGINES[engine]().run(scenario, inputs)
    legs = out.legs
    rows = [(int(c), int(l), scenario.call_types[q].name, j, OUTCOME[o], g, s, e)
            for c, l, q, j, o, g, s, e in zip(legs.call, legs.leg, legs.queue, legs.joined, legs.outcome, legs.group,
                                              legs.start, legs.end_time)]
    return out, rows


def same(actual, expected):
    return len(actual) == len(expected) and all(
        a[:5] == e[:5] and np.array_equal(np.array(a[5:], float), np.array(e[5:], float), equal_nan=True)
        for a, e in zip(actual, expected))


TIER1 = {"arrival_rate": 0, "talk_time": deterministic(100), "route": [{"group": "tier1"}],
         "transfer": {"probability": 0.5, "to": {"tier2": 1.0}}}
TIER2 = {"arrival_rate": 0, "talk_time": deterministic(50), "patience": deterministic(30), "route": [{"group": "tier2"}]}
GROUPS = {"tier1": {"headcount": 1}, "tier2": {"headcount": 1}}


def test_an_escalation_joins_tier2_at_the_end_of_talk_while_tier1_wraps_up(engine):
    scenario = day_scenario({"tier1": TIER1, "tier2": TIER2}, GROUPS)
    assert scenario.transfer_max_legs == 2  # tier1 -> tier2, the longest chain: one transfer
    # call 0: talk 100 with tier1 (agent 0) from 0, wrap-up 20; transferred (u 0.2 < 0.5) at 100:
    # tier2 (agent 1) answers at once, talk 50 (tier2's) to 150. Call 1 at 10 waits for agent 0
    # until 120 (not 100: the wrap-up), talks to 220; not transferred (u 0.7).
    out, legs = run(engine, scenario, [0, 10], ["tier1", "tier1"], [100, 100], [0.2, 0.7], wrapup=[20, 20])
    assert same(legs, [(0, 0, "tier1", 0, "answered", 0, 0, 100), (0, 1, "tier2", 100, "answered", 1, 100, 150),
                       (1, 0, "tier1", 10, "answered", 0, 120, 220)])
    assert out.legs.talk.tolist() == [100, 50, 100] and out.legs.agent.tolist() == [0, 1, 0]
    r = out.records  # the call row stays the first leg
    assert r.answer_time.tolist() == [0, 120] and r.end_time.tolist() == [100, 220] and r.talk.tolist() == [100, 100]


def test_with_a_consult_the_first_agent_stays_busy_and_the_caller_moves_on_at_its_end(engine):
    tier1 = {**TIER1, "transfer": {**TIER1["transfer"], "consult": deterministic(30)}}
    scenario = day_scenario({"tier1": tier1, "tier2": TIER2}, GROUPS)
    # call 0: talk 100 with tier1 from 0, then a consult of 30 (agent 0 busy), joins tier2 at 130
    # (tier2 talks 130-180); agent 0 wraps up 130-150. Call 1 at 10 waits for agent 0 until 150;
    # not transferred: no consult.
    out, legs = run(engine, scenario, [0, 10], ["tier1", "tier1"], [100, 100], [0.2, 0.7], wrapup=[20, 20])
    assert same(legs, [(0, 0, "tier1", 0, "answered", 0, 0, 130), (0, 1, "tier2", 130, "answered", 1, 130, 180),
                       (1, 0, "tier1", 10, "answered", 0, 150, 250)])
    assert out.legs.consult.tolist() == [30, 0, 0] and out.legs.end.tolist() == [150, 180, 270]
    assert out.records.end_time.tolist() == [130, 250] and out.records.talk.tolist() == [100, 100]


def test_a_transferred_caller_keeps_its_trunk(engine):
    scenario = day_scenario({"tier1": TIER1, "tier2": TIER2}, GROUPS, trunks=1)
    # call 0 is transferred at 100 and talks with tier2 until 150: call 1 at 120 is blocked
    # (without the trunk held through the transfer it would be answered by tier1)
    out, legs = run(engine, scenario, [0, 120], ["tier1", "tier1"], [100, 100], [0.2, 0.7])
    assert [OUTCOME[o] for o in out.records.outcome] == ["answered", "blocked"]
    assert same(legs, [(0, 0, "tier1", 0, "answered", 0, 0, 100), (0, 1, "tier2", 100, "answered", 1, 100, 150)])


def test_a_transferred_leg_abandons_in_the_second_queue_after_its_own_patience(engine):
    scenario = day_scenario({"tier1": TIER1, "tier2": TIER2}, GROUPS)
    # call 0 (tier1) at 0 has a patience of 10 (never reached: answered at once); call 1 (tier2, at
    # 0): tier2's agent talks to it until 300. Call 0 is transferred at 100: its tier2 leg waits
    # and abandons 30 s (tier2's patience) after joining: at 130, not at 10 after its arrival.
    out, legs = run(engine, scenario, [0, 0], ["tier1", "tier2"], [100, 300], [0.1, 0.9], patience=[10, 1000])
    assert same(legs, [(0, 0, "tier1", 0, "answered", 0, 0, 100), (0, 1, "tier2", 100, "abandoned", -1, NAN, 130),
                       (1, 0, "tier2", 0, "answered", 1, 0, 300)])


def test_the_first_legs_patience_timer_never_touches_the_transferred_leg(engine):
    scenario = day_scenario({"tier1": TIER1, "tier2": {**TIER2, "patience": None}}, GROUPS)
    # call 0 (tier1, patience 150) is answered at once and transferred at 100; tier2's agent is busy
    # with call 1 until 300, so the tier2 leg (which never abandons) still waits at 150, when the
    # first leg's patience timer comes due: it is answered at 300.
    out, legs = run(engine, scenario, [0, 0], ["tier1", "tier2"], [100, 300], [0.1, 0.9], patience=[150, 1000])
    assert same(legs, [(0, 0, "tier1", 0, "answered", 0, 0, 100), (0, 1, "tier2", 100, "answered", 1, 300, 350),
                       (1, 0, "tier2", 0, "answered", 1, 0, 300)])


def test_at_one_instant_a_transferred_legs_timers_fire_after_every_calls(engine):
    tier2 = {**TIER2, "patience": None, "route": [{"group": "h"}, {"group": "k", "delay": 20.0}]}
    scenario = day_scenario({"tier1": TIER1, "tier2": tier2},
                            {"tier1": {"headcount": 1}, "h": {"headcount": 1}, "k": {"headcount": 1}})
    # call 1 (tier2, 0) takes h until 1000. At 100 call 0's talk ends: its tier2 leg joins (h busy;
    # k only after 20 s); call 2 (tier2) arrives at 100 and waits too. At 120 both become eligible
    # for k's idle agent: call 2's overflow fires first (a leg's entity is above every call id), k
    # talks to it until 170, then takes the leg (talk 50, to 220).
    out, legs = run(engine, scenario, [0, 0, 100], ["tier1", "tier2", "tier2"], [100, 1000, 50], [0.1, 0.9, 0.9])
    assert same(legs, [(0, 0, "tier1", 0, "answered", 0, 0, 100), (0, 1, "tier2", 100, "answered", 2, 170, 220),
                       (1, 0, "tier2", 0, "answered", 1, 0, 1000), (2, 0, "tier2", 100, "answered", 2, 120, 170)])


def test_a_transferred_leg_overtakes_earlier_callers_by_its_own_types_priority(engine):
    urgent = {**TIER2, "priority": 5, "patience": None}  # transferred calls' own type, routed to the same group
    scenario = day_scenario({"tier1": {**TIER1, "transfer": {"probability": 1.0, "to": {"urgent": 1.0}}},
                             "tier2": {**TIER2, "patience": None}, "urgent": urgent}, GROUPS)
    # call 0 (tier1) is transferred at 100 to 'urgent'; tier2's agent is busy with call 1 (tier2)
    # until 300; call 2 (tier2) waits from 10; call 0's urgent leg, joining later, is answered
    # first at 300 (talk 50, to 350); call 2 then at 350.
    out, legs = run(engine, scenario, [0, 0, 10], ["tier1", "tier2", "tier2"], [100, 300, 40], [0.1, 0.9, 0.9])
    assert same(legs, [(0, 0, "tier1", 0, "answered", 0, 0, 100), (0, 1, "urgent", 100, "answered", 1, 300, 350),
                       (1, 0, "tier2", 0, "answered", 1, 0, 300), (2, 0, "tier2", 10, "answered", 1, 350, 390)])


def test_the_leg_limit_stops_a_transfer_loop(engine):
    loop = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "tier1"}],
            "transfer": {"probability": 1.0, "to": {"loop": 1.0}}}
    scenario = day_scenario({"loop": loop}, {"tier1": {"headcount": 1}}, transfer_max_legs=3)
    # always transferred back to its own queue: legs at 0-20 (talk 20), 20-30, 30-40 (talk 10,
    # the type's), then no more: three legs.
    out, legs = run(engine, scenario, [0], ["loop"], [20], [[0.0, 0.0]])
    assert same(legs, [(0, 0, "loop", 0, "answered", 0, 0, 20), (0, 1, "loop", 20, "answered", 0, 20, 30),
                       (0, 2, "loop", 30, "answered", 0, 30, 40)])
    assert out.agents.end.tolist() == [3600.0]


def test_leg_entities_are_apart_from_call_ids():
    assert LEG_ID_TOP - (1 << 40) + 1 == LEG_ID_FLOOR and LEG_ID_TOP << 6 < 1 << 48
