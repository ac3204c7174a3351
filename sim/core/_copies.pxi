# Copies between numpy arrays and C memory (included by _loop.pyx): the scenario's tables into
# malloc'ed arrays at setup, the results out into numpy arrays at the end; and the memory of a
# numpy array the loop writes in place (_data).

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer

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


cdef void *_data(object array) except? NULL:
    """The memory of a C-contiguous numpy array made by the caller (so its type and layout are
    known), valid while the array lives (NULL if it is empty): the plain buffer protocol, without
    a typed memoryview's checks, which cost more than a small table's whole set-up."""
    cdef Py_buffer view
    cdef void *data
    PyObject_GetBuffer(array, &view, PyBUF_SIMPLE)
    data = view.buf if view.len > 0 else NULL
    PyBuffer_Release(&view)
    return data
