"""Exact traces of scheduled callbacks (sim.model.callbacks, mode ``scheduled``) on both engines: the
accepted caller leaves its queue at once (the predicted-wait rule no longer counts it, a later call
is answered before it), it is due ``delay`` after the acceptance, then dialled by an idle agent or
rejoins its queue at the back, its dial not reached retries at the head as keep_place callbacks do;
one due at the horizon's end is never dialled (pending); a failed one is an abandon followed by a
redial, as a keep_place one. The queue length counts it only from its
due time (records and streamed tallies alike), and its wait runs from its first queue entry.

Calls and their decisions are given explicitly; every expected time is worked out by hand.
"""

import math

import numpy as np

from sim import simulate
from sim.core.engines import ENGINES
from sim.core.protocol import CALLBACK_OUTCOME_NAMES, OUTCOMES
from sim.model.random_inputs import given_calls

from conftest import day_scenario, deterministic

NAN = math.nan
OUTCOME = {code: name.lower() for name, code in OUTCOMES.items()}
CALLBACK = {"offer_above": 15.0, "accept": 0.5, "mode": "scheduled", "delay": deterministic(60),
            "ring": deterministic(5), "reach": 0.5, "retries": 1, "retry_delay": deterministic(30)}


def scenario():
    """One type a (talk time mean 10 s: the rule's mean handle time) routed to group g of one
    agent, over one hour (the horizon ends at 3600)."""
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}], "callback": CALLBACK}
    return day_scenario({"a": a}, {"g": {"headcount": 1}}, kpi={"short_abandon": 0.0, "sl_threshold": 20.0})


# One agent; predicted wait = (calls waiting + 1) x 10 s, offered above 15 s.
# 0 at 0 (talk 100): answered at once, busy until 100.
# 1 at 10: 0 ahead, 10 s: not offered; waits, abandons at 10 + 15 = 25.
# 2 at 20: 1 ahead, 20 s: offered, accepts; leaves the queue, due at 20 + 100 = 120.
# 3 at 30: 0 ahead (1 gone, 2 out of the queue), 10 s: not offered; waits (a keep_place 2 would
#   be ahead of it: 20 s, offered). 100: the agent takes 3 (not 2), until 110.
# 120: 2 is due, the idle agent dials it: not reached at 125, retry due at 125 + 30 = 155.
# 4 at 121: 0 ahead: not offered, waits; taken at 125 (until 135).
# 155: 2's retry: the idle agent dials, reached at 160, talks until 170 (wait 160 - 20 = 140).
# 5 at 200 (talk 100): answered at once, until 300. 6 at 210: not offered, waits.
# 7 at 220: 1 ahead: offered, accepts, due at 220 + 30 = 250. 8 at 240: 1 ahead (6): offered,
#   refuses, waits. 250: 7 rejoins at the back: queue 6, 8, 7. 9 at 260: 3 ahead: offered, refuses.
# 300: 6 (until 310); 310: 8 (until 320); 320: 7 dialled, reached at 325, until 335; 335: 9 (until 345).
# 10 at 400 (talk 100): answered at once, until 500. 11 at 410: waits; taken at 500 (until 510).
# 12 at 420: 1 ahead: offered, accepts, due at 420 + 3180 = 3600, the horizon's end: never dialled.
ARRIVAL = [0, 10, 20, 30, 121, 200, 210, 220, 240, 260, 400, 410, 420]
TALK = [100, 10, 10, 10, 10, 100, 10, 10, 10, 10, 100, 10, 10]
PATIENCE = [math.inf, 15] + [math.inf] * 11
ACCEPT = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1]
REACH = [[1, 1], [1, 1], [0, 1]] + [[1, 1]] * 10
SCHEDULE = [0, 0, 100, 0, 0, 0, 0, 30, 0, 0, 0, 0, 3180]


def calls(s):
    n = len(ARRIVAL)
    return given_calls(s, ARRIVAL, ["a"] * n, TALK, patience=PATIENCE, decisions={
        "callback_accept": np.array(ACCEPT, np.int8), "callback_ring": np.full((n, 2), 5.0),
        "callback_reach": np.array(REACH, float), "callback_delay": np.array([[0, 30.0]] * n),
        "callback_schedule": np.array(SCHEDULE, float)})


def same(actual, expected):
    return np.array_equal(np.array(actual, float), np.array(expected, float), equal_nan=True)


def test_the_caller_leaves_the_queue_and_rejoins_its_back_when_due(engine):
    s = scenario()
    out = ENGINES[engine]().run(s, calls(s))
    r, cb = out.records, out.callbacks
    assert [OUTCOME[o] for o in r.outcome] == ["answered", "abandoned"] + ["answered"] * 10 + ["unfinished"]
    assert same(r.answer_time, [0, NAN, 160, 100, 125, 200, 300, 325, 310, 335, 400, 500, NAN])
    assert same(r.end_time, [100, 25, 170, 110, 135, 300, 310, 335, 320, 345, 500, 510, NAN])
    assert cb.offered.tolist() == [0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1]
    assert cb.accepted.tolist() == [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    assert same(cb.first_dial[[2, 7, 12]], [120, 320, NAN]) and same(cb.last_dial[[2, 7, 12]], [155, 320, NAN])
    assert cb.attempts[[2, 7, 12]].tolist() == [2, 1, 0] and same(cb.connect_time[[2, 7, 12]], [160, 325, NAN])
    assert [CALLBACK_OUTCOME_NAMES[o] for o in cb.outcome[[2, 7, 12]]] == ["completed", "completed", "none"]
    expected_due = np.full(len(ARRIVAL), NAN)
    expected_due[[2, 7, 12]] = [120, 250, 3600]
    assert same(out.scheduled.due_time, expected_due)


def test_kpis_count_the_wait_from_queue_entry_and_the_queue_from_the_due_time(engine):
    s = scenario()
    r = simulate(s, engine=engine, inputs=calls(s))
    row = r.summary.set_index("call_type").loc["a"]
    # answered waits: 0, 140 (2), 70 (3), 4 (4), 0, 90 (6), 105 (7), 70 (8), 75 (9), 0, 90 (11)
    assert row[["offered", "answered", "abandoned", "answered_within_T"]].tolist() == [13, 11, 1, 4]
    assert row.asa == (140 + 70 + 4 + 90 + 105 + 70 + 75 + 90) / 11
    # time in queue: 1 [10, 25), 2 [120, 160) (from its due time, through its dials and retry),
    # 3 [30, 100), 4 [121, 125), 6 [210, 300), 7 [250, 325), 8 [240, 310), 9 [260, 335),
    # 11 [410, 500); 12 never (out of the queue until the end). Longest queue: 6, 8, 7, 9 in [260, 300).
    assert math.isclose(row.avg_queue, (15 + 40 + 70 + 4 + 90 + 75 + 70 + 75 + 90) / 3600, rel_tol=1e-12)
    assert row.max_queue == 4
    cb = r.callbacks.set_index("call_type").loc["a"]
    assert cb[["offers", "accepted", "completed", "failed"]].tolist() == [5, 3, 2, 0]  # 12 still pending
    assert cb.time_to_callback == (140 + 105) / 2


def test_streamed_tables_equal_the_record_tables():
    s = scenario()
    exact = simulate(s, engine="fast", inputs=calls(s))
    streamed = simulate(s, engine="fast", inputs=calls(s), records=False)
    for name in ("summary", "intervals", "callbacks"):
        a, b = getattr(exact, name), getattr(streamed, name)
        others = [c for c in a.columns if c != "p90_wait"]
        assert a[others].equals(b[others]), name


def test_a_failed_scheduled_callback_is_an_abandon_followed_by_a_redial(engine):
    a = {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "g"}],
         "callback": {**CALLBACK, "retries": 0, "retry_delay": None},
         "redial": {"probability_abandoned": 1.0, "delay": deterministic(40), "max_attempts": 3}}
    s = day_scenario({"a": a}, {"g": {"headcount": 1}})
    # 0 at 0: answered, until 100. 1 at 10: not offered, waits. 2 at 20: 1 ahead: offered, accepts,
    # leaves the queue, due at 20 + 100 = 120. 100: the agent takes 1 (until 110). 120: 2 is due, the
    # idle agent dials: not reached at 125, no retry: failed, an abandon at 125; u 0.5 < 1: a redial
    # at 125 + 40 = 165 (row 3), linked to 2, answered at once (never queued), talk 15 until 180.
    n = 3
    out = ENGINES[engine]().run(s, given_calls(s, [0, 10, 20], ["a"] * n, [100, 10, 15], decisions={
        "callback_accept": np.ones(n, np.int8), "callback_ring": np.full((n, 1), 5.0),
        "callback_reach": np.array([[1], [1], [0]], float), "callback_delay": np.zeros((n, 1)),
        "callback_schedule": np.array([0, 0, 100.0]), "redial_u": np.full((n, 2), 0.5),
        "redial_delay": np.full((n, 2), 40.0), "redial_patience": np.full((n, 2), 1000.0)}))
    r, cb = out.records, out.callbacks
    assert [OUTCOME[o] for o in r.outcome] == ["answered", "answered", "abandoned", "answered"]
    assert same(r.answer_time, [0, 100, NAN, 165]) and r.end_time.tolist() == [100, 110, 125, 180]
    assert out.redials.first.tolist() == [0, 1, 2, 2] and out.redials.attempt.tolist() == [1, 1, 1, 2]
    assert cb.offered.tolist() == [0, 0, 1, 0] and cb.first_dial[2] == 120
    assert [CALLBACK_OUTCOME_NAMES[o] for o in cb.outcome] == ["none", "none", "failed", "none"]
    assert same(out.scheduled.due_time, [NAN, NAN, 120, NAN])
