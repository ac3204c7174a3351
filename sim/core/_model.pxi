# The scenario's tables as the event loop reads them (included by _loop.pyx): class CoreModel,
# built once per scenario (and per set of spells) from sim.core.fast_engine.core_arguments, so
# that a run's FastCore takes them without parsing some forty arguments and acquiring a numpy
# buffer for each table again (a run of the default day is about half a millisecond: that set-up
# was a tenth of it, more in replications, where its code and data are no longer in cache).


@cython.final
cdef class CoreModel:
    """The compiled core's scenario arguments (see FastCore; read-only arrays, shared by runs)."""

    cdef const int[::1] priority, route_start, route_group, served_start, served_type, agent_group
    cdef const int[::1] spell_first, spell_count, group_skills
    cdef const double[::1] route_delay, served_delay, speed, spell_begin, spell_end, spell_rest, bucket_edges
    cdef const double[::1] head_start
    cdef i64 trunks, ivr_ports
    cdef double horizon_end, interval_length, warmup, sl_threshold, short_abandon
    cdef int n_intervals, call_selection, agent_selection, redial_width, transfer_slots, callback_width
    cdef bint talk_end_event, heap_arrivals
    cdef const signed char[::1] ivr, callback_offers, callback_scheduled
    cdef const double[::1] redial_abandoned, redial_blocked, callback_offer_above, callback_mean_handle
    cdef const int[::1] redial_max, callback_first_group, callback_attempts

    def __cinit__(self, const int[::1] priority, const int[::1] route_start, const int[::1] route_group,
                  const double[::1] route_delay, const int[::1] served_start, const int[::1] served_type,
                  const double[::1] served_delay, const double[::1] speed, const int[::1] agent_group,
                  const int[::1] spell_first, const int[::1] spell_count, const double[::1] spell_begin,
                  const double[::1] spell_end, const double[::1] spell_rest, i64 trunks, double horizon_end,
                  int n_intervals, double interval_length, double warmup, double sl_threshold, double short_abandon,
                  const double[::1] bucket_edges, const double[::1] head_start, const int[::1] group_skills,
                  int call_selection, int agent_selection, bint talk_end_event, bint heap_arrivals=False,
                  const signed char[::1] ivr=None, i64 ivr_ports=-1, const double[::1] redial_abandoned=None,
                  const double[::1] redial_blocked=None, const int[::1] redial_max=None, int redial_width=0,
                  int transfer_slots=0, const signed char[::1] callback_offers=None,
                  const double[::1] callback_offer_above=None, const double[::1] callback_mean_handle=None,
                  const int[::1] callback_first_group=None, const int[::1] callback_attempts=None,
                  int callback_width=1, const signed char[::1] callback_scheduled=None):
        self.priority, self.route_start, self.route_group, self.route_delay = priority, route_start, route_group, route_delay
        self.served_start, self.served_type, self.served_delay, self.speed = served_start, served_type, served_delay, speed
        self.agent_group, self.spell_first, self.spell_count = agent_group, spell_first, spell_count
        self.spell_begin, self.spell_end, self.spell_rest = spell_begin, spell_end, spell_rest
        self.trunks, self.horizon_end, self.n_intervals, self.interval_length = trunks, horizon_end, n_intervals, interval_length
        self.warmup, self.sl_threshold, self.short_abandon = warmup, sl_threshold, short_abandon
        self.bucket_edges, self.head_start, self.group_skills = bucket_edges, head_start, group_skills
        self.call_selection, self.agent_selection = call_selection, agent_selection
        self.talk_end_event, self.heap_arrivals = talk_end_event, heap_arrivals
        self.ivr, self.ivr_ports = ivr, ivr_ports
        self.redial_abandoned, self.redial_blocked, self.redial_max = redial_abandoned, redial_blocked, redial_max
        self.redial_width, self.transfer_slots = redial_width, transfer_slots
        self.callback_offers, self.callback_offer_above, self.callback_mean_handle = (
            callback_offers, callback_offer_above, callback_mean_handle)
        self.callback_first_group, self.callback_attempts = callback_first_group, callback_attempts
        self.callback_width, self.callback_scheduled = callback_width, callback_scheduled
