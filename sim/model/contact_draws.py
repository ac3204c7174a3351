"""Random inputs of outbound campaigns: the draws of every dial attempt, keyed by contact record.

Each campaign has its own named streams (purpose, campaign index), one per quantity: the uniform
that picks what an attempt reaches, the ring time (live answer, busy signal, machine), the ringing
before the dialler gives up (no answer), the talk time of a right-party contact, of a wrong
party, and the wrap-up. Record r's attempt a takes row r, column a of each stream, drawn in
blocks of ``BLOCK_RECORDS`` records x ``max_attempts``, so a record's draws never depend on when
it is dialled, on the other records, or on the engine: staffing and blending alternatives dial
the very same records with the very same outcomes where their intervals agree (common random
numbers). Which result a uniform u gives is decided by the dial's interval probabilities
(:func:`sim.policies.dialling.dial_result`).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from sim.core import protocol
from sim.model.campaigns import RESULTS, Campaign
from sim.model.random_inputs import streams

# Stream purposes (part of every stream's key, never renumbered; inbound ones are 0-5, per-call
# decisions from 16).
OUT_RESULT, OUT_RING, OUT_NO_ANSWER, OUT_TALK, OUT_WRONG_TALK, OUT_WRAPUP = range(8, 14)
QUANTITIES = ("u", "ring", "no_answer", "talk", "wrong_talk", "wrapup")
BLOCK_RECORDS = 1024


class ContactDraws:
    """The draws of one campaign's attempts: ``attempt(record, a)`` for one attempt, or
    ``block(b)`` for records ``b * BLOCK_RECORDS`` onwards (arrays of shape
    (BLOCK_RECORDS, max_attempts), one per quantity, in QUANTITIES order). Blocks are drawn in
    order on first use and kept."""

    def __init__(self, campaign: Campaign, seed: Optional[int] = None, given: Optional[List[Dict]] = None):
        self.campaign = campaign
        self.width = campaign.max_attempts
        self.blocks: List[Tuple[np.ndarray, ...]] = []
        self.given = given  # per record: arrays per quantity (exact traces), or None: drawn
        if given is None:
            keys = [(purpose, campaign.index) for purpose in range(OUT_RESULT, OUT_WRAPUP + 1)]
            self.generators = streams(seed, keys)

    def block(self, b: int) -> Tuple[np.ndarray, ...]:
        while len(self.blocks) <= b:
            self.blocks.append(self._next_block())
        return self.blocks[b]

    def attempt(self, record: int, a: int) -> Tuple[float, ...]:
        """(u, ring, no_answer, talk, wrong_talk, wrapup) of record's attempt a (a from 0)."""
        b, row = divmod(record, BLOCK_RECORDS)
        return tuple(float(column[row, a]) for column in self.block(b))

    def _next_block(self) -> Tuple[np.ndarray, ...]:
        c, n, start = self.campaign, BLOCK_RECORDS * self.width, len(self.blocks) * BLOCK_RECORDS
        if self.given is not None:
            return self._given_block(start)
        u_gen, ring_gen, no_answer_gen, talk_gen, wrong_gen, wrapup_gen = self.generators
        shape = (BLOCK_RECORDS, self.width)
        zeros = np.zeros(n)
        columns = (
            u_gen.random(n),
            zeros if c.ring is None else c.ring.sample(ring_gen, n),
            c.no_answer.sample(no_answer_gen, n),
            c.talk.sample(talk_gen, n),
            c.wrong_party_talk.sample(wrong_gen, n),
            zeros if c.wrapup is None else c.wrapup.sample(wrapup_gen, n),
        )
        return tuple(np.ascontiguousarray(column, np.float64).reshape(shape) for column in columns)

    def _given_block(self, start: int) -> Tuple[np.ndarray, ...]:
        shape = (BLOCK_RECORDS, self.width)
        columns = tuple(np.full(shape, np.nan) for _ in QUANTITIES)
        for row, record in enumerate(self.given[start:start + BLOCK_RECORDS]):
            for q, column in enumerate(columns):
                values = record[QUANTITIES[q]]
                column[row, :len(values)] = values
        return columns


def contact_draws(scenario, seed: int) -> Tuple[ContactDraws, ...]:
    """The draws of every campaign of the scenario, for ``seed`` (empty without campaigns)."""
    return tuple(ContactDraws(c, int(seed)) for c in scenario.campaigns)


def given_contacts(scenario, campaign: str, records: Sequence[Sequence[dict]]) -> ContactDraws:
    """Attempts given explicitly, for exact traces: ``records[r][a]`` is record r's attempt a, a
    dict with ``result`` (a name of RESULTS) and, as needed, ``ring`` (the ring time of that
    attempt, whatever its result: no-answer ringing included), ``talk`` (the talk time of a
    live answer) and ``wrapup`` (default 0). The result is given through the uniform at the
    middle of its band, so the campaign's probabilities must be the same in every interval and
    the result's probability above 0. Draws past the given records are NaN: a run that dials
    more records than given fails."""
    c = next((x for x in scenario.campaigns if x.name == campaign), None)
    if c is None:
        raise ValueError(f"no campaign {campaign!r} in the scenario")
    if len(set(c.probabilities)) != 1:
        raise ValueError("given_contacts needs the same result probabilities in every interval")
    cumulative = np.cumsum((0.0,) + c.probabilities[0])
    rows = []
    for attempts in records:
        row = {q: [] for q in QUANTITIES}
        for attempt in attempts:
            o = RESULTS.index(attempt["result"])
            if c.probabilities[0][o] <= 0:
                raise ValueError(f"result {attempt['result']!r} has probability 0 in campaign {campaign!r}")
            live = protocol.DIAL_RESULTS[o] in protocol.LIVE_RESULTS
            ring = float(attempt.get("ring", 0.0))
            row["u"].append((cumulative[o] + cumulative[o + 1]) / 2)
            row["ring"].append(ring)
            row["no_answer"].append(ring)
            row["talk"].append(float(attempt.get("talk", 0.0)) if live else 0.0)
            row["wrong_talk"].append(float(attempt.get("talk", 0.0)) if live else 0.0)
            row["wrapup"].append(float(attempt.get("wrapup", 0.0)))
        rows.append(row)
    return ContactDraws(c, given=rows)
