"""The SimPy engine's environment: SimPy's, with timed events that fire at absolute times in
(time, class, entity) order (sim.core.protocol), and an after-event hook; and the check that the
installed SimPy is one whose private event queue it knows."""

from __future__ import annotations

from heapq import heappush

import simpy

from sim.core import protocol

# The SimPy versions supported: TimedEnvironment pushes onto SimPy's private event queue (_queue of
# (time, priority, id, event), ids from _eid), so from 4.0 to 4.1 (tested 4.0.2, 4.1.2; as setup.py).
SUPPORTED_SIMPY = ((4, 0), (4, 1))


def _check_simpy() -> None:
    version = tuple(int(part) for part in simpy.__version__.split(".")[:2])
    env = simpy.Environment()
    if version not in SUPPORTED_SIMPY or not (isinstance(getattr(env, "_queue", None), list) and hasattr(env, "_eid")):
        raise ImportError(f"callsim's SimPy engine supports SimPy 4.0 and 4.1, not {simpy.__version__} "
                          "(pip install 'simpy>=4.0,<4.2')")


_check_simpy()


class TimedEnvironment(simpy.Environment):
    """A SimPy environment whose timed events fire at absolute times in (time, class, entity) order.

    SimPy orders simultaneous events by (priority, insertion order); here the priority encodes the
    event class and entity, so the order never depends on when an event was scheduled. SimPy's own
    zero-delay events (priorities 0 and 1) always run before the next timed event.

    ``after_event`` (None: none), if set, runs once every event of the current instant has been
    handled (timed events and the zero-delay process steps they caused): before a step whose next
    event is strictly later than now, or when no event is left. Events it schedules at now are
    handled before time moves on, and then it runs again.
    """

    sequenced = 0  # events scheduled with at_sequenced so far (as the compiled loop counts them)
    after_event = None

    def step(self) -> None:
        if self.after_event is not None and (not self._queue or self._queue[0][0] > self.now):
            self.after_event()
        super().step()

    def at_sequenced(self, time: float, event_class: int, callback=None) -> simpy.Event:
        """An event keyed by insertion: among events of its class at its instant, it fires after
        those scheduled before it (its entity is the count of sequenced events so far, as in the
        compiled loop's heap_push_sequenced)."""
        self.sequenced += 1
        return self.at(time, event_class, self.sequenced - 1, callback)

    def at(self, time: float, event_class: int, entity: int, callback=None) -> simpy.Event:
        event = simpy.Event(self)
        event._ok = True
        event._value = None
        if callback is not None:
            event.callbacks.append(callback)
        heappush(self._queue, (time, (event_class << protocol.ENTITY_BITS) | entity, next(self._eid), event))
        return event
