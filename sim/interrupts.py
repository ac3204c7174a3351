"""How the callsim command turns Ctrl-C and SIGTERM into a KeyboardInterrupt that is never lost,
even when it arrives while Python runs a finaliser (where an exception cannot be raised)."""

import signal
import sys

in_interrupt_hook = False  # True while interrupt_again runs


def interrupt(signum, frame) -> None:
    """Ctrl-C (SIGINT, raised as Python's own handler does) or SIGTERM: a KeyboardInterrupt. One
    that lands inside :func:`interrupt_again` (its redelivery came early, the machine being busy)
    could not be raised there either: delivered once more."""
    if in_interrupt_hook:
        deliver_later(signum)
        return
    raise KeyboardInterrupt() if signum == signal.SIGINT else KeyboardInterrupt(signum)


def interrupt_again(unraisable, default=sys.unraisablehook) -> None:
    """An interrupt that arrived while Python ran a finaliser (a weak reference's callback during a
    garbage collection) cannot be raised there: Python would print "Exception ignored" and go on
    as if nothing had happened. Deliver the signal again a moment later, once the finaliser has
    returned (raised at once it would land in the finaliser again); should it land in another
    one, this comes round again."""
    global in_interrupt_hook
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        default(unraisable)
        return
    in_interrupt_hook = True
    try:
        args = unraisable.exc_value.args
        deliver_later(args[0] if args and isinstance(args[0], int) else signal.SIGINT)
    finally:
        in_interrupt_hook = False


def deliver_later(signum) -> None:
    """Simulate the signal again in 1 ms, from another thread (it is handled by the main one)."""
    import _thread
    import threading

    threading.Timer(0.001, _thread.interrupt_main, args=(signum,)).start()
