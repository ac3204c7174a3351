"""Draw a run's plots in other processes while this one simulates and writes its tables.

Importing matplotlib and drawing a small run's two figures take most of its wall time when its
plots are on (about 0.35 s and 0.3 s, against about 0.3 s for everything the run does after
Hydra has composed its config). :func:`start` forks a child early; the child imports matplotlib
while the parent goes on, on the other core; the parent sends it the tables the plots are drawn
from (:meth:`PlotProcess.submit`) and receives the PNG files' bytes (:meth:`PlotProcess.pngs`):
the bytes :func:`sim.reports.plots.run_pngs` gives in-process, which the PNG files and the HTML
report share as before. With matplotlib imported, the child forks a helper (a :class:`PlotProcess`
of its own) that draws the second figure while the child draws the first: the parent only waits
by then, so both cores draw.

Nothing depends on the child succeeding. Without ``os.fork`` (Windows) :func:`start` returns
None and the plots are drawn in-process; if the child fails (an exception, or it dies), the
parent says so in one line on stderr and draws them in-process, where an error in the plotting
code is raised as it always was. Every process reaps the one it forked (an orphan may never be
reaped where the first process of the system does not reap orphans, as in some containers):
:meth:`PlotProcess.close` sends the child SIGTERM, on which the child ends its helper, reaps it
and exits. The children ignore Ctrl-C (the parent's to handle: it then closes its child); they
end by ``os._exit``, never running the parent's exit handlers nor flushing its buffers, and as
soon as the pipe from their parent closes, however the parent ended.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
import warnings
from types import SimpleNamespace
from typing import Dict, List, Optional, Sequence

from sim import forking


class PlotProcess:
    """The parent's handle on a child: send the tables, receive the PNGs, end the child."""

    def __init__(self, pid: int, to_child, from_child):
        self.pid, self._to_child, self._from_child = pid, to_child, from_child
        self._submitted = False
        self.failure: Optional[str] = None  # why the child gave no PNGs (then drawn here)
        self._reaped = False

    def submit(self, results, names: Optional[Sequence[str]] = None) -> None:
        """Send the child what the plots (``names`` of them: default all) are drawn from; it
        starts drawing at once."""
        try:
            pickle.dump((plot_inputs(results), names), self._to_child, protocol=pickle.HIGHEST_PROTOCOL)
            self._to_child.flush()
        except (OSError, pickle.PicklingError) as error:  # the child has ended: pngs() draws here
            self.failure = f"{type(error).__name__}: {error}"
        self._submitted = True

    def pngs(self, results, names: Optional[Sequence[str]] = None) -> Dict[str, bytes]:
        """The plots as {name: PNG bytes}: the child's, or drawn here if the child failed."""
        if not self._submitted:
            self.submit(results, names)
        if self.failure is None:
            try:
                reply = pickle.load(self._from_child)
            except (EOFError, OSError, pickle.UnpicklingError) as error:
                reply = ("failed", f"it ended without an answer ({type(error).__name__})")
            if reply[0] == "pngs":
                return reply[1]
            self.failure = reply[1]
        print(f"callsim: the plot process failed ({self.failure}); drawing the plots in this process instead",
              file=sys.stderr)
        from sim.reports import plots

        return plots.run_pngs(results, names)

    def close(self, grace: float = 5.0) -> None:
        """End the child (SIGTERM: it ends its helper and reaps it first) and reap it; SIGKILL if
        it has not ended within ``grace`` seconds."""
        if self._reaped:
            return
        for stream in (self._to_child, self._from_child):
            try:
                stream.close()
            except OSError:
                pass
        self._reaped = True
        os.kill(self.pid, signal.SIGTERM)  # (harmless if it is ending anyway: it is ours to reap)
        deadline = time.monotonic() + grace
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                return
            time.sleep(0.002)


def second_core_free() -> bool:
    """Whether drawing in a child can gain anything now: fewer runnable tasks on the machine (this
    process included: /proc/loadavg, Linux) than CPUs this process may use. On a busy machine the
    child only adds hand-offs to the run's wait (measured: slower medians at load 6-15 on 2 cores).
    ``CALLSIM_PLOT_PROCESS=1`` (or ``0``) decides instead; True where it cannot be known."""
    forced = os.environ.get("CALLSIM_PLOT_PROCESS")
    if forced in ("0", "1"):
        return forced == "1"
    try:
        cpus = len(os.sched_getaffinity(0))
        with open("/proc/loadavg") as loadavg:
            running = int(loadavg.read().split()[3].split("/")[0])
    except (AttributeError, OSError, ValueError, IndexError):
        return True
    return running < cpus


def plot_inputs(results) -> SimpleNamespace:
    """What :func:`sim.reports.plots.run_pngs` reads of a run (not its per-call records)."""
    return SimpleNamespace(scenario=results.scenario, intervals=results.intervals,
                           group_intervals=results.group_intervals,
                           **{name: getattr(results, name, None)  # the outbound figures' (campaigns) and
                              for name in ("campaigns", "campaign_intervals", "group_time_intervals",
                                           "requirements", "plan_targets")})  # staffing requirements, plans


def start() -> Optional[PlotProcess]:
    """Fork a child that will draw plots, or None where processes cannot be forked."""
    if not hasattr(os, "fork"):
        return None
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    try:
        pid = forking.fork()
    except OSError:
        for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
            os.close(fd)
        return None
    if pid == 0:  # the child: never returns into the parent's code
        status = 1
        try:
            os.close(to_child_w)
            os.close(from_child_r)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            signal.signal(signal.SIGTERM, _end)
            sys.unraisablehook = _end_again
            forking.release()
            with os.fdopen(to_child_r, "rb") as requests, os.fdopen(from_child_w, "wb") as replies:
                _serve(requests, replies)
            status = 0
        finally:
            os._exit(status)
    os.close(to_child_r)
    os.close(from_child_w)
    return PlotProcess(pid, os.fdopen(to_child_w, "wb"), os.fdopen(from_child_r, "rb"))


def _serve(requests, replies) -> None:
    """The child: import matplotlib, wait for the tables, answer with the PNGs or the failure.

    matplotlib is imported in a thread while the main thread reads the tables, so that a table
    larger than the pipe's buffer never holds the parent up until the import is done."""
    imported: Dict[str, object] = {}
    importing = threading.Thread(target=_import_plots, args=(imported,), daemon=True)
    importing.start()
    try:
        results, names = pickle.load(requests)
    except EOFError:  # the parent needs no plots after all (or has ended)
        return
    importing.join()
    if "plots" in imported:
        try:
            reply = ("pngs", _draw(imported["plots"], results, names))
        except Exception as error:
            reply = ("failed", f"{type(error).__name__}: {error}")
    else:
        reply = ("failed", imported["failure"])
    pickle.dump(reply, replies, protocol=pickle.HIGHEST_PROTOCOL)
    replies.flush()


def _end(signum, frame) -> None:
    """A child's SIGTERM: unwind (a helper is ended and reaped on the way), then ``os._exit``; a
    second SIGTERM (its parent's, after one to the whole process group) must not cut that short."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(128 + signum)


def _end_again(unraisable, default=sys.unraisablehook) -> None:
    """A child's SIGTERM that landed in a finaliser (a weak reference's callback during a garbage
    collection) cannot unwind from there: Python prints "Exception ignored" and goes on, and the
    child would wait to be killed. Arm the handler again and deliver the signal a moment later,
    once the finaliser has returned."""
    if isinstance(unraisable.exc_value, SystemExit) and unraisable.exc_value.code == 128 + signal.SIGTERM:
        import _thread

        signal.signal(signal.SIGTERM, _end)
        threading.Timer(0.001, _thread.interrupt_main, args=(signal.SIGTERM,)).start()
        return
    default(unraisable)


def _import_plots(imported: Dict[str, object]) -> None:
    try:
        with warnings.catch_warnings():
            # matplotlib registers its 3-D projection if mpl_toolkits.mplot3d imports (about a
            # seventh of its import time), else warns and goes on: no 3-D plot is drawn here
            warnings.filterwarnings("ignore", message="Unable to import Axes3D")
            sys.modules.setdefault("mpl_toolkits.mplot3d", None)
            from sim.reports import plots

        imported["plots"] = plots
    except Exception as error:  # (reported once the parent asks, so that it draws the plots itself)
        imported["failure"] = f"{type(error).__name__}: {error}"


def _draw(plots, results, names: Optional[Sequence[str]]) -> Dict[str, bytes]:
    """The figures ``names`` (default all) as PNGs, the second half drawn by a helper process."""
    names: List[str] = list(plots.run_figure_names(results) if names is None else names)
    half = len(names) // 2
    helper = start() if half else None
    if helper is None:
        return plots.run_pngs(results, names)
    try:
        helper.submit(results, names[half:])
        pngs = plots.run_pngs(results, names[:half])
        pngs.update(helper.pngs(results, names[half:]))
    finally:
        helper.close()
    return {name: pngs[name] for name in names}
