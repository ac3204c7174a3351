# The event loop's redials (included by _loop.pyx; sim.model.redials has the rule). A caller whose
# attempt may still be followed by a redial has an entry (recycled): what its redials reuse (type,
# talk, wrap-up, IVR time and way out), its attempts so far, the interval of its first attempt, and
# its pre-drawn rows (u, delay, patience: ``width`` values each). Redial attempts get record rows
# as they are created (after the rows of the blocks loaded so far); ``is_redial`` marks them, so
# that the records put the input calls first and the redials after, in creation order.

cdef struct Caller:
    double talk
    double wrapup
    double ivr_time
    i64 first  # the id of its first attempt
    i64 next_row  # the record row of its redial to come
    int type  # the type it dials
    int ivr_choice
    int attempt  # attempts made so far (created, for a redial to come)
    int interval  # of its first attempt's arrival
    char early  # its first attempt arrived before the warm-up ended


cdef struct Callers:
    Caller *items
    double *draws  # [entry * 3 * width ...]: u, then delay, then patience
    int *free
    i64 n_free
    i64 used
    i64 capacity
    int width
    # per redial (in creation order): its caller's first attempt id and its attempt number;
    # per record row: whether it is a redial's
    i64 n_redials
    i64 log_capacity
    i64 *first
    int *attempt
    i64 rows_capacity
    char *is_redial


cdef int caller_new(Callers *s) except -1:
    cdef i64 i
    if s.n_free > 0:
        s.n_free -= 1
        return s.free[s.n_free]
    if s.used == s.capacity:
        s.capacity = max(2 * s.capacity, 1024)
        s.items = <Caller *>grow(s.items, s.capacity, sizeof(Caller))
        s.draws = <double *>grow(s.draws, s.capacity * 3 * max(s.width, 1), sizeof(double))
        s.free = <int *>grow(s.free, s.capacity, sizeof(int))
    s.used += 1
    return <int>(s.used - 1)


cdef inline void caller_release(Callers *s, int entry) noexcept:
    s.free[s.n_free] = entry
    s.n_free += 1


cdef int redial_logged(Callers *s, i64 first, int attempt) except -1:
    """The next redial's link to its first attempt (its number: s.n_redials before the call)."""
    if s.n_redials == s.log_capacity:
        s.log_capacity = max(2 * s.log_capacity, 1024)
        s.first = <i64 *>grow(s.first, s.log_capacity, sizeof(i64))
        s.attempt = <int *>grow(s.attempt, s.log_capacity, sizeof(int))
    s.first[s.n_redials] = first
    s.attempt[s.n_redials] = attempt
    s.n_redials += 1
    return 0


cdef int rows_mark(Callers *s, i64 first_row, i64 n, char redial) except -1:
    """Record rows first_row .. first_row + n - 1 are redials' (redial) or input calls'."""
    cdef i64 i
    if first_row + n > s.rows_capacity:
        s.rows_capacity = max(2 * s.rows_capacity, first_row + n, 1024)
        s.is_redial = <char *>grow(s.is_redial, s.rows_capacity, sizeof(char))
    for i in range(n):
        s.is_redial[first_row + i] = redial
    return 0


cdef void callers_free(Callers *s) noexcept:
    free(s.items); free(s.draws); free(s.free); free(s.first); free(s.attempt); free(s.is_redial)
