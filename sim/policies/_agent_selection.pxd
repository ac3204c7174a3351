# The Cython twin of sim/policies/agent_selection.py: whether candidate group a (route step,
# call types it serves) is chosen before candidate b (tests/test_policies.py compares them).
# route_order needs no function: the first candidate in route order wins.

cdef inline bint least_skilled_before(int step_a, int skills_a, int step_b, int skills_b) noexcept nogil:
    if skills_a != skills_b:
        return skills_a < skills_b
    return step_a < step_b


cdef inline bint route_order_before(int step_a, int skills_a, int step_b, int skills_b) noexcept nogil:
    # (the loop stops at the first candidate in route order: no later one comes before it)
    return step_a < step_b
