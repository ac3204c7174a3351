# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""CSV fields of number columns in C (the twin of :mod:`sim.reports._csv_py`, which tests compare
it with on many values), without a Python call per field. A float is formatted as Python's
``"%.6g" % v`` does: in fixed notation, when double arithmetic decides its rounding for certain,
by scaling it to a whole number of significant digits (the KPI tables' values nearly all); else
by ``PyOS_double_to_string``, the very function behind ``%``. A whole number is written in
decimal digits, as ``str`` writes it. Loaded through :mod:`sim.reports.csv_tables`.
"""

from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.mem cimport PyMem_Free
from cpython.ref cimport Py_INCREF
from cpython.unicode cimport PyUnicode_DecodeASCII
from libc.math cimport fabs, floor, signbit
from libc.stdint cimport int64_t, uint64_t
from libc.string cimport memcpy, strlen


cdef extern from "Python.h":
    char *PyOS_double_to_string(double val, char format_code, int precision, int flags, int *ptype) except NULL
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    void *PyUnicode_DATA(object text)


cdef inline object _ascii(const char *text, Py_ssize_t length):
    """A str of ASCII characters (not checked: they are digits, signs and points)."""
    cdef object made = PyUnicode_New(length, 127)
    memcpy(PyUnicode_DATA(made), text, length)
    return made


cdef object _EMPTY = "", _ZERO = "0", _NEGATIVE_ZERO = "-0"


cdef double _POWERS[23]  # 10**0 .. 10**22: the powers of ten a double holds exactly
for _k in range(23):
    _POWERS[_k] = float(f"1e{_k}")
MAX_FIXED_PRECISION = 15  # (below 10**15 a double holds d.5 exactly, and its error is under 1/20)


cdef Py_ssize_t _fixed_general(double value, int precision, char *out) noexcept:
    """Write ``"%.<precision>g" % value`` to ``out`` and return its length, when the text has no
    exponent and its rounding is certain; else -1. The value is scaled by an exact power of ten to
    ``precision`` digits before the point, with one rounding: the scaled double s and the exact
    product P are on the same side of every double (rounding is monotonic), so P rounds to the
    same whole number as s unless s is the very tie d.5 (then Python decides). (When s rounds up
    to the lowest ``precision``-digit number, P, just below it, rounds to the same number a power
    of ten further: below 10**15 the error of s is under 1/20.)"""
    cdef double magnitude = fabs(value), scaled, fraction
    cdef int k, point, n, i, tries
    cdef uint64_t rounded, lowest = 0, highest = 0
    cdef char digits[16]
    cdef Py_ssize_t length = 0
    if not 1 <= precision <= MAX_FIXED_PRECISION or not 0.0 < magnitude < _POWERS[precision]:
        return -1  # (zero, infinities, NaN, exponent notation)
    lowest, highest = <uint64_t>_POWERS[precision - 1], <uint64_t>_POWERS[precision]
    k = precision - 1  # (for 1 <= magnitude < 10: corrected below, a power of ten at a time)
    for tries in range(30):  # the scale giving `precision` digits before the point
        if not 0 <= k <= 22:
            return -1
        scaled = magnitude * _POWERS[k]
        if scaled < lowest:
            k += 1
        elif scaled >= highest:
            k -= 1
        else:
            break
    else:
        return -1
    fraction = scaled - floor(scaled)
    if fraction == 0.5:
        return -1  # (P a tie, or either side of one)
    rounded = <uint64_t>floor(scaled) + (1 if fraction > 0.5 else 0)
    if rounded == highest:
        return -1  # (rounded up to the next power of ten)
    point = precision - k  # digits before the decimal point (the exponent + 1)
    if point < -3:
        return -1  # (exponent notation below 1e-4)
    for i in range(precision - 1, -1, -1):
        digits[i] = <char>(48 + rounded % 10)
        rounded //= 10
    n = precision
    while n > point and digits[n - 1] == b"0":  # (no trailing zeros after the point)
        n -= 1
    if value < 0:
        out[length] = b"-"
        length += 1
    if point <= 0:  # 0.000ddd
        out[length] = b"0"
        out[length + 1] = b"."
        length += 2
        for i in range(-point):
            out[length] = b"0"
            length += 1
    for i in range(n):
        if i == point and point > 0:
            out[length] = b"."
            length += 1
        out[length] = digits[i]
        length += 1
    return length


cdef object _general(double value, int precision):
    """``"%.<precision>g" % value``."""
    cdef char fixed[32]
    cdef Py_ssize_t length = _fixed_general(value, precision, fixed)
    if length >= 0:
        return _ascii(fixed, length)
    cdef char *text = PyOS_double_to_string(value, b"g", precision, 0, NULL)
    try:
        return PyUnicode_DecodeASCII(text, strlen(text), NULL)
    finally:
        PyMem_Free(text)


def general_fields(list columns, int precision):
    """Each of ``columns`` (float64 arrays) as a list of its fields: ``"%.<precision>g" % v``,
    NaN as the empty field."""
    cdef Py_ssize_t i
    cdef const double[:] values
    cdef double value
    cdef list out = [], fields
    cdef object field
    for column in columns:
        values = column
        fields = PyList_New(values.shape[0])
        for i in range(values.shape[0]):
            value = values[i]
            if value != value:
                field = _EMPTY
            elif value == 0.0:  # (frequent in KPI tables: one text object for all)
                field = _NEGATIVE_ZERO if signbit(value) else _ZERO
            else:
                field = _general(value, precision)
            Py_INCREF(field)  # (PyList_SET_ITEM steals a reference)
            PyList_SET_ITEM(fields, i, field)
        out.append(fields)
    return out


cdef object _decimal(int64_t value):
    """``str(value)``."""
    cdef char digits[24]
    cdef Py_ssize_t start = 23
    cdef uint64_t magnitude = (<uint64_t>0 - <uint64_t>value) if value < 0 else <uint64_t>value
    while True:  # (the last digit first)
        start -= 1
        digits[start] = <char>(48 + magnitude % 10)
        magnitude //= 10
        if magnitude == 0:
            break
    if value < 0:
        start -= 1
        digits[start] = b"-"
    return _ascii(digits + start, 23 - start)


def decimal_fields(list columns):
    """Each of ``columns`` (int64 arrays) as a list of its fields, ``str(v)``."""
    cdef Py_ssize_t i
    cdef const int64_t[:] values
    cdef list out = [], fields
    cdef object field
    for column in columns:
        values = column
        fields = PyList_New(values.shape[0])
        for i in range(values.shape[0]):
            field = _decimal(values[i])
            Py_INCREF(field)  # (PyList_SET_ITEM steals a reference)
            PyList_SET_ITEM(fields, i, field)
        out.append(fields)
    return out
