"""Which of the caller's-journey features (sim.model.redials, transfers, callbacks) combine in one
scenario. Each works alone, and with IVR menus, in both engines, and redials with transfers too
(sim.model.transfers, "With redials"); the pairs below are not combined by the engines yet, so a
scenario asking for one is refused with an error naming both fields rather than run wrong."""

from __future__ import annotations

from sim.errors import ConfigError

# (feature, feature): the call-type fields that may not appear together in one scenario
NOT_COMBINED = (("callback", "redial"), ("callback", "transfer"))  # (transfers with redials: combined)


def check_combinations(call_types) -> None:
    """Refuse a scenario whose call types use two features the engines do not combine yet."""
    for first, second in NOT_COMBINED:
        having = [ct.name for ct in call_types if getattr(ct, first, None) is not None]
        others = [ct.name for ct in call_types if getattr(ct, second, None) is not None]
        if having and others:
            raise ConfigError(f"call_types.{having[0]}.{first}",
                              f"{first}s cannot yet be combined with {second}s (call_types.{others[0]}.{second}) "
                              "in one scenario: remove one of them")
