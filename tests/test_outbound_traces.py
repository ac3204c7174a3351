"""Exact traces of outbound campaigns and blending on tiny scenarios (issue 12).

Every attempt's outcome, ring and talk time is given (sim.model.contact_draws.given_contacts) and
so are the inbound calls; every expected time below is worked out by hand from the rules in
sim/core/simpy_outbound.py (and /work/helpers/OUTBOUND_SPEC.md), on a coarse grid so events tie.

Reminders used throughout:
  * at one instant: shift starts (STAFFING, agent by agent) < agents finishing (COMPLETION) <
    abandons < overflows < dial results < nuisance drops < retries due < interval starts <
    arrivals; the dial pass runs once ALL the events of an instant have been handled (so at 0
    after every agent has logged on), and again after the events it scheduled at that instant.
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
    # 0: agents 0 and 1 log on, then the pass: 2 idle blended > 1, cap 1: record 0 dialled
    #    (progressive, 1 line per free agent).
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
    # 0: agents 0 and 1 log on, then the pass: 2 idle > 0, cap 2: records 0 and 1 dialled.
    # 5: record 1 answers: longest-idle agent 0, talks to 45. 10: record 0 answers: agent 1, to 60.
    # 20: the inbound call finds nobody idle: it waits.
    # 45: agent 0 free: no outbound answer waiting, takes the inbound call (waited 25 s), to 75.
    # 60: agent 1 free: idle, cap 1 but the list is used up: nothing more.
    assert attempts(r) == [(0, 0, 0.0, RP, 10.0, 1, 10.0, 60.0, False),
                           (1, 0, 0.0, RP, 5.0, 0, 5.0, 45.0, False)]
    assert calls(r) == [(0, 45.0, 75.0)]


def busy(ring):
    return {"result": "busy", "ring": ring}


def no_answer(ring):
    return {"result": "no_answer", "ring": ring}


def machine(ring):
    return {"result": "machine", "ring": ring}


# a dedicated outbound group "o" (listed first: its agents have the lowest indices) and an
# inbound-only group "b" (one agent) that the campaign does not use
DEDICATED = {"o": {"headcount": 1}, "b": {"headcount": 1}}


@pytest.mark.parametrize("policy, first_dial", [("threshold", 600.0), ("threshold_no_queue", 700.0)])
def test_threshold_no_queue_waits_for_the_inbound_queue_to_empty(engine, policy, first_dial):
    # two blended groups: b1 serves "a", b2 serves "x" (no calls); dialling from interval 1 (600 s)
    call_types = {"a": {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "b1"}]},
                  "x": {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "b2"}]}}
    node = dict(campaign(["b1", "b2"], list_size=1), dial_intervals=[0, 1])
    sc = scenario({"b1": {"headcount": 1}, "b2": {"headcount": 1}}, node, call_types=call_types,
                  blending={"policy": policy, "threshold": 0}, intervals=2, interval_minutes=10)
    r = run(sc, engine, [[rp(10, 50)]], calls=[(100, 600), (200, 100)])
    # 100: call 0 -> agent 0 (b1) to 700. 200: call 1 waits for b1 (agent 1 of b2 is idle).
    # 600: dialling opens. threshold: agent 1 idle (1 > 0): record 0 dialled at 600.
    #      threshold_no_queue: a call of type "a" waits: blended agents may not dial.
    # 700: agent 0 takes call 1 (to 800): the queue is empty: record 0 dialled at 700.
    # ring 10: agent 1 (the only idle one) talks 50.
    assert attempts(r) == [(0, 0, first_dial, RP, first_dial + 10, 1, first_dial + 10, first_dial + 60, False)]
    assert calls(r) == [(0, 100.0, 700.0), (0, 700.0, 800.0)]


@pytest.mark.parametrize("second_arrival, first_dial", [(110, 1200.0), (290, 600.0)])
def test_threshold_sl_floor_judges_the_last_interval(engine, second_arrival, first_dial):
    call_types = {"a": {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "b1"}]},
                  "x": {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "b2"}]}}
    node = dict(campaign(["b1", "b2"], list_size=1), dial_intervals=[0, 1, 1])
    sc = scenario({"b1": {"headcount": 1}, "b2": {"headcount": 1}}, node, call_types=call_types,
                  blending={"policy": "threshold_sl_floor", "threshold": 0, "sl_floor": 0.8},
                  intervals=3, interval_minutes=10, kpi={"sl_threshold": 20, "short_abandon": 0})
    r = run(sc, engine, [[rp(10, 50)]], calls=[(100, 200), (second_arrival, 10)])
    # interval 0: call 0 answered at once (within 20 s), agent 0 busy to 300; call 1 waits to 300.
    # arriving at 110 it waited 190 s: SL 1/2 = 0.5 < 0.8: at 600 blended agents may not dial; the
    # interval 600-1200 has no call (SL counts as met): dialled at 1200.
    # arriving at 290 it waited 10 s: SL 2/2: dialled at 600.
    # The answer takes the campaign's first listed group with an idle agent: b1's agent 0 (free
    # since 310), not the longer-idle agent 1 of b2.
    assert attempts(r) == [(0, 0, first_dial, RP, first_dial + 10, 0, first_dial + 10, first_dial + 60, False)]
    assert calls(r) == [(0, 100.0, 300.0), (0, 300.0, 310.0)]


def test_preview_agent_is_busy_while_it_rings(engine):
    sc = scenario({"b": {"headcount": 1}}, campaign(["b"], mode="preview", list_size=3))
    r = run(sc, engine, [[no_answer(25)], [rp(10, 40, wrapup=5)], [busy(5)]], calls=[(10, 20)])
    # 0: agent 0 logs on idle (1 > k=0): it dials record 0 itself, ringing to 25.
    # 10: the inbound call finds no idle agent (the agent is dialling): it waits.
    # 25: no answer (never retried): the agent is free and takes the waiting call, to 45.
    # 45: idle: dials record 1 (ring 10): answered at 55, talk to 95, wrap-up to 100.
    # 100: dials record 2: busy at 105. The list is used up.
    assert attempts(r) == [(0, 0, 0.0, "no_answer", 25.0, 0, None, 25.0, False),
                           (1, 0, 45.0, RP, 55.0, 0, 55.0, 95.0, False),
                           (2, 0, 100.0, "busy", 105.0, 0, None, 105.0, False)]
    assert calls(r) == [(0, 25.0, 45.0)]
    assert r.attempts.wrapup.tolist() == [0, 5, 0] and r.attempts.talk.tolist() == [0, 40, 0]


def test_preview_takes_the_dedicated_agent_while_the_blended_pool_is_at_the_threshold(engine):
    sc = scenario({"b": {"headcount": 1}, "o": {"headcount": 1}}, campaign(["b", "o"], mode="preview", list_size=1),
                  blending={"policy": "threshold", "threshold": 1})
    r = run(sc, engine, [[rp(10, 50)]], calls=[(20, 10)])
    # 0: agents 0 (b, blended) and 1 (o) log on, then the pass: 1 idle blended is not > 1, 1 idle
    # dedicated: cap 1. The campaign lists b first, but b is at the threshold: skipped; agent 1
    # dials record 0, answered at 10, talks to 60.
    # 20: the inbound call takes the reserved agent 0.
    assert attempts(r) == [(0, 0, 0.0, RP, 10.0, 1, 10.0, 60.0, False)]
    assert calls(r) == [(0, 20.0, 30.0)]


def test_a_live_answer_takes_a_reserved_blended_agent(engine):
    sc = scenario({"o": {"headcount": 1}, "b": {"headcount": 1}},
                  campaign(["o", "b"], calls_per_agent=2, list_size=2), blending={"policy": "threshold", "threshold": 1})
    r = run(sc, engine, [[rp(10, 50)], [rp(20, 30)]])
    # 0: agents 0 (o) and 1 (b) log on, then the pass: 1 idle blended is not > 1: cap 1 (agent 0),
    # 2 lines: records 0 and 1.
    # 10: record 0 answers: group o first: agent 0, to 60.
    # 20: record 1 answers: o has nobody idle; b's agent is at the threshold, but a live customer
    # is never refused for the reservation: agent 1 talks to 50.
    assert attempts(r) == [(0, 0, 0.0, RP, 10.0, 0, 10.0, 60.0, False),
                           (1, 0, 0.0, RP, 20.0, 1, 20.0, 50.0, False)]


@pytest.mark.parametrize("nuisance_minutes", [None, 1])
def test_progressive_two_lines_per_agent_and_a_nuisance_call(engine, nuisance_minutes):
    retry = {"max_attempts": 2, "busy_minutes": None, "no_answer_minutes": None, "machine_minutes": None,
             "nuisance_minutes": nuisance_minutes}
    sc = scenario(DEDICATED, campaign(["o"], calls_per_agent=2, list_size=4, retry=retry, nuisance_wait=2),
                  call_types={"a": {"arrival_rate": 0, "talk_time": deterministic(10), "route": [{"group": "b"}]}})
    r = run(sc, engine, [[rp(10, 30)], [rp(20, 30), no_answer(20)], [busy(5)], [machine(8)]])
    # 0: agent 0 (o) logs on: cap 1, 2 lines per agent: records 0 and 1. (Agent 1 is inbound only.)
    # 10: record 0 answers: agent 0 talks to 40.
    # 20: record 1 answers live: nobody free: it waits the nuisance wait, 2 s.
    # 22: dropped: a nuisance call. nuisance_minutes null: never re-dialled.
    # 40: agent 0 idle: 2 lines: records 2 and 3. 45: busy, 48: machine (never retried). 45: one
    # line ringing, cap 1: one more line wanted, but the list (4) is used up.
    expected = [(0, 0, 0.0, RP, 10.0, 0, 10.0, 40.0, False),
                (1, 0, 0.0, RP, 20.0, -1, None, 22.0, True),
                (2, 0, 40.0, "busy", 45.0, -1, None, 45.0, False),
                (3, 0, 40.0, "machine", 48.0, -1, None, 48.0, False)]
    if nuisance_minutes == 1:
        # record 1 due again at 22 + 60 = 82: agent 0 idle, 2 lines: record 1 (the only one left),
        # not answered at 102: its second attempt, the last (max_attempts 2).
        expected.append((1, 1, 82.0, "no_answer", 102.0, -1, None, 102.0, False))
    assert attempts(r) == expected


def test_a_free_agent_takes_a_waiting_live_answer_before_inbound_and_in_the_nuisance_wait(engine):
    sc = scenario({"b": {"headcount": 1}}, campaign(["b"], calls_per_agent=2, list_size=2, nuisance_wait=10))
    r = run(sc, engine, [[rp(10, 30)], [rp(35, 15)]], calls=[(20, 10)])
    # 0: agent 0 logs on (blended, k=0): cap 1, 2 lines: records 0 and 1.
    # 10: record 0 answers: agent 0, to 40. 20: the inbound call waits.
    # 35: record 1 answers: nobody free: waits up to 45.
    # 40: agent 0 free: the waiting live answer comes first: talks 15, to 55 (no drop at 45).
    # 55: then the inbound call (waited 35 s), to 65.
    assert attempts(r) == [(0, 0, 0.0, RP, 10.0, 0, 10.0, 40.0, False),
                           (1, 0, 0.0, RP, 35.0, 0, 40.0, 55.0, False)]
    assert calls(r) == [(0, 55.0, 65.0)]


# -- predictive dialling and the nuisance cap -------------------------------------------------

def predictive(list_size, **extra):
    return campaign(["o"], mode="predictive", list_size=list_size, initial_contact_rate=0.5, target_connect=0.7,
                    estimate_window=100, max_calls_per_agent=4, nuisance_wait=2, **extra)


def test_predictive_dials_more_lines_than_free_agents(engine):
    sc = scenario({"o": {"headcount": 2}, "b": {"headcount": 1}}, predictive(5))
    r = run(sc, engine, [[rp(10, 100)], [rp(10, 100)], [rp(10, 100)], [no_answer(30)], [busy(5)]])
    # share(N, c) = E[min(X, c)] / E[X], X ~ Binomial(N, p = 0.5, the prior: nothing resolved yet):
    #   c = 1: share(2) = P(X >= 1) / (2p) = (1 - 1/4) / 1 = 0.75 >= 0.7; share(3) = (7/8) / 1.5 = 0.583
    #          -> 2 lines;
    #   c = 2: E[min(X, 2)] = 2 - 2 P(X=0) - P(X=1): share(5) = (2 - 2/32 - 5/32) / 2.5 = 0.7125 >= 0.7,
    #          share(6) = (2 - 2/64 - 6/64) / 3 = 0.625 -> 5 lines.
    # 0: agents 0 and 1 log on, then the pass: 2 free agents: 5 lines (records 0-4).
    #    (Agent 2 is inbound only.) The list (5) is used up.
    # 5: record 4 busy. 10: records 0, 1, 2 answer in attempt order: agents 0 and 1 (longest idle
    # first), then nobody: record 2 waits 2 s and is dropped at 12. 30: record 3 not answered.
    assert attempts(r) == [(0, 0, 0.0, RP, 10.0, 0, 10.0, 110.0, False),
                           (1, 0, 0.0, RP, 10.0, 1, 10.0, 110.0, False),
                           (2, 0, 0.0, RP, 10.0, -1, None, 12.0, True),
                           (3, 0, 0.0, "no_answer", 30.0, -1, None, 30.0, False),
                           (4, 0, 0.0, "busy", 5.0, -1, None, 5.0, False)]


@pytest.mark.parametrize("cap, third_dial", [(0.3, 50.0), (0.6, 30.0)])
def test_nuisance_cap_throttles_predictive_to_one_line_per_agent(engine, cap, third_dial):
    sc = scenario(DEDICATED, predictive(4, nuisance_cap=cap, nuisance_window=100))
    r = run(sc, engine, [[rp(10, 20)], [rp(10, 20)], [no_answer(20)], [no_answer(20)]])
    # 0: agent 0 (o) logs on: p = 0.5, 1 free agent: 2 lines (share(2) = 0.75, see above).
    # 10: record 0 -> agent 0 (to 30); record 1 finds nobody: dropped at 12. Nuisance window: one
    # connect (0), one drop (1): rate 1/2.
    # 30: agent 0 idle. Estimate p = (2 live + 0.5 x 98 prior) / 100 = 0.51;
    #   share(2, 1) = (1 - 0.49^2) / 1.02 = 0.745 >= 0.7, share(3) = (1 - 0.49^3) / 1.53 = 0.578.
    #   cap 0.3: 1/2 > 0.3: throttled, one line per free agent: record 2 at 30 (not answered at 50),
    #            then record 3 at 50.
    #   cap 0.6: 1/2 <= 0.6: 2 lines: records 2 and 3 at 30.
    assert attempts(r) == [(0, 0, 0.0, RP, 10.0, 0, 10.0, 30.0, False),
                           (1, 0, 0.0, RP, 10.0, -1, None, 12.0, True),
                           (2, 0, 30.0, "no_answer", 50.0, -1, None, 50.0, False),
                           (3, 0, third_dial, "no_answer", third_dial + 20, -1, None, third_dial + 20, False)]


# -- retries -------------------------------------------------------------------------------

def test_retry_delays_ready_records_first_max_attempts_and_the_horizon(engine):
    retry = {"max_attempts": 3, "busy_minutes": 1, "no_answer_minutes": 5, "machine_minutes": 3}
    sc = scenario(DEDICATED, campaign(["o"], list_size=3, retry=retry), intervals=1, interval_minutes=10)
    r = run(sc, engine, [[busy(5), no_answer(20), busy(5)], [rp(5, 100)], [machine(10), no_answer(20)]])
    # one dedicated agent, one line at a time; horizon 600 s.
    #   0: record 0 (busy at 5: due again at 5 + 60 = 65). 5: record 1 (answered at 10, talk to 110).
    #  65: record 0 is due, but agent 0 is busy. 110: agent 0 free: the due record 0 goes before the
    #      fresh record 2: no answer at 130 (due at 130 + 300 = 430).
    # 130: record 2 (machine at 140: due at 140 + 180 = 320). 140: nothing due, list used up.
    # 320: record 2 again: no answer at 340: due at 640, after the horizon (600): stays open.
    # 430: record 0, third attempt: busy at 435; due at 495 < 600 but 3 = max_attempts: closed.
    assert attempts(r) == [(0, 0, 0.0, "busy", 5.0, -1, None, 5.0, False),
                           (1, 0, 5.0, RP, 10.0, 0, 10.0, 110.0, False),
                           (0, 1, 110.0, "no_answer", 130.0, -1, None, 130.0, False),
                           (2, 0, 130.0, "machine", 140.0, -1, None, 140.0, False),
                           (2, 1, 320.0, "no_answer", 340.0, -1, None, 340.0, False),
                           (0, 2, 430.0, "busy", 435.0, -1, None, 435.0, False)]


# -- shifts and dialling hours ----------------------------------------------------------------

ONE_SPELL = {"o": {"headcount_per_interval": [1, 0]}, "b": {"headcount": 1}}  # agent 0 on duty 0-600


def test_shift_end_during_an_outbound_call(engine):
    sc = scenario(ONE_SPELL, campaign(["o"]), intervals=2, interval_minutes=10)
    r = run(sc, engine, [[no_answer(550)], [rp(30, 100, wrapup=10)]])
    # 0: record 0, no answer at 550. 550: record 1, answered at 580: talk to 680, wrap-up to 690.
    # The spell ends at 600 during the call: agent 0 finishes it and goes home at 690; nobody
    # dials for the campaign after that (an unlimited list, but no agent).
    assert attempts(r) == [(0, 0, 0.0, "no_answer", 550.0, -1, None, 550.0, False),
                           (1, 0, 550.0, RP, 580.0, 0, 580.0, 680.0, False)]
    log = r.agents.set_index("agent")
    assert (log.loc[0, "start"], log.loc[0, "scheduled_end"], log.loc[0, "end"]) == (0, 600, 690)


@pytest.mark.parametrize("second, home", [(rp(70, 100), 720.0), (busy(70), 620.0)])
def test_shift_end_during_preview_ringing(engine, second, home):
    sc = scenario(ONE_SPELL, campaign(["o"], mode="preview"), intervals=2, interval_minutes=10)
    r = run(sc, engine, [[no_answer(550)], [second]])
    # 0: agent 0 dials record 0 itself (no answer at 550), then record 1 at 550, ringing to 620.
    # The spell ends at 600 while it rings: the agent stays for the work in hand. Answered: it
    # talks to 720 and goes home; busy: it goes home at 620 and dials nothing more.
    answered = second["result"] == RP
    assert attempts(r) == [(0, 0, 0.0, "no_answer", 550.0, 0, None, 550.0, False),
                           (1, 0, 550.0, second["result"], 620.0, 0, 620.0 if answered else None, home, False)]
    log = r.agents.set_index("agent")
    assert (log.loc[0, "start"], log.loc[0, "scheduled_end"], log.loc[0, "end"]) == (0, 600, home)


def test_dialling_hours_by_interval(engine):
    node = dict(campaign(["o"]), dial_intervals=[1, 0, 1])
    sc = scenario(DEDICATED, node, intervals=3, interval_minutes=10)
    r = run(sc, engine, [[no_answer(250)] for _ in range(6)])
    # one line at a time, each not answered after 250 s: dials at 0, 250, 500 (interval 0); the
    # one ringing at 600 finishes at 750, but interval 1 (600-1200) does not dial; at 1200
    # (interval 2 opens) 1200, 1450, 1700; the last ends at 1950, after the horizon (1800):
    # no more dials.
    dials = [0.0, 250.0, 500.0, 1200.0, 1450.0, 1700.0]
    assert attempts(r) == [(i, 0, t, "no_answer", t + 250, -1, None, t + 250, False) for i, t in enumerate(dials)]


def test_predictive_follows_its_rolling_contact_estimate(engine):
    sc = scenario(DEDICATED, campaign(["o"], mode="predictive", list_size=6, initial_contact_rate=0.5,
                                      target_connect=0.7, estimate_window=2, max_calls_per_agent=4))
    r = run(sc, engine, [[no_answer(10)]] * 2 + [[no_answer(100)]] * 4)
    # one free agent throughout (nothing is answered).
    # 0: p = 0.5 (prior): 2 lines (share(2) = 0.75, share(3) = 0.583): records 0, 1.
    # 10: record 0 not answered: p = (0 + 0.5 x 1 missing) / 2 = 0.25:
    #     share(3) = (1 - 0.75^3) / 0.75 = 0.771 >= 0.7, share(4) = (1 - 0.75^4) / 1 = 0.684: 3 lines,
    #     1 ringing: records 2, 3.
    #     record 1 not answered: p = 0 / 2 = 0: no answer can be missed, up to max 4 lines per
    #     agent, 2 ringing: records 4, 5.
    dials = [0.0, 0.0, 10.0, 10.0, 10.0, 10.0]
    assert [(rec, dial) for rec, _, dial, *_ in attempts(r)] == list(enumerate(dials))


# -- the dial pass runs once the instant's events are all handled ------------------------------

def test_an_agent_whose_shift_ends_now_is_not_dialled_for(engine):
    # group o: agents 0-2 on duty in interval 0, only agent 0 in interval 1 (agents 1 and 2 end at
    # 600); the campaign dials from interval 1 (600 s) only.
    node = dict(campaign(["o"], mode="preview", list_size=2), dial_intervals=[0, 1])
    sc = scenario({"o": {"headcount_per_interval": [3, 1]}, "b": {"headcount": 1}}, node,
                  intervals=2, interval_minutes=10)
    r = run(sc, engine, [[busy(5)], [busy(5)]])
    # 600: agent 1's shift ends, then agent 2's, then interval 1 opens; only then the dial pass:
    # agent 0 is the only idle agent: it dials record 0 (busy at 605), then record 1 (busy at 610).
    # (Were the pass run after agent 1's shift end, agent 2 would still be idle and dial record 1
    # at 600, working past its shift to 605.)
    assert attempts(r) == [(0, 0, 600.0, "busy", 605.0, 0, None, 605.0, False),
                           (1, 0, 605.0, "busy", 610.0, 0, None, 610.0, False)]
    log = r.agents.set_index("agent")
    assert (log.loc[2, "scheduled_end"], log.loc[2, "end"]) == (600, 600)


def test_an_inbound_call_arriving_as_the_blended_agent_frees_takes_it(engine):
    # one blended agent (threshold 0), preview; the campaign dials from interval 1 (600 s) only.
    node = dict(campaign(["b"], mode="preview", list_size=1), dial_intervals=[0, 1])
    sc = scenario({"b": {"headcount": 1}}, node, intervals=2, interval_minutes=10)
    r = run(sc, engine, [[rp(10, 40)]], calls=[(500, 100), (600, 50)])
    # 500: call 0 -> agent 0, to 600. 600: the agent frees (nothing waits: idle), interval 1
    # opens, call 1 arrives and finds it idle: answered at once, to 650. Only then the dial
    # pass: nobody idle. 650: the agent frees: it dials record 0 (answered at 660, talk to 700).
    # (Were the pass run after the agent's completion, it would dial at 600 and call 1 would wait.)
    assert calls(r) == [(0, 500.0, 600.0), (0, 600.0, 650.0)]
    assert attempts(r) == [(0, 0, 650.0, RP, 660.0, 0, 660.0, 700.0, False)]


def test_the_pass_runs_again_after_the_events_it_scheduled_now(engine):
    sc = scenario(DEDICATED, campaign(["o"], list_size=2))
    r = run(sc, engine, [[no_answer(0)], [rp(10, 20)]], calls=[(100, 10)])
    # 0: agent 0 (o) logs on; the pass dials record 0, which rings 0 s: its result (no answer)
    # comes at 0 too; then the pass runs again: agent 0 is still free: record 1 at 0, not at the
    # next instant (100, the inbound call to agent 1 of b). Answered at 10: agent 0 to 30.
    assert attempts(r) == [(0, 0, 0.0, "no_answer", 0.0, -1, None, 0.0, False),
                           (1, 0, 0.0, RP, 10.0, 0, 10.0, 30.0, False)]
    assert calls(r) == [(1, 100.0, 110.0)]
