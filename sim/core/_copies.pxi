# Copies between numpy arrays and C memory (included by _loop.pyx): the scenario's tables into
# malloc'ed arrays at setup, the results out into numpy arrays at the end.

cdef int *_ints(const int[::1] values) except NULL:
    """A malloc'ed copy of an int array (setup only; the caller frees it)."""
    cdef int *copy = <int *>grow(NULL, values.shape[0], sizeof(int))
    if values.shape[0] > 0:
        memcpy(copy, &values[0], <size_t>values.shape[0] * sizeof(int))
    return copy


cdef double *_doubles(const double[::1] values) except NULL:
    """A malloc'ed copy of a double array (setup only; the caller frees it)."""
    cdef double *copy = <double *>grow(NULL, values.shape[0], sizeof(double))
    if values.shape[0] > 0:
        memcpy(copy, &values[0], <size_t>values.shape[0] * sizeof(double))
    return copy


cdef object _array(const void *data, i64 n, dtype):
    """A numpy copy of n items of C memory."""
    out = np.empty(n, dtype=dtype)
    if n > 0:
        _copy_into(out, data, n * out.itemsize)
    return out


cdef void _copy_into(object out, const void *data, i64 nbytes):
    cdef unsigned char[::1] view = out.view(np.uint8)
    memcpy(&view[0], data, <size_t>nbytes)
