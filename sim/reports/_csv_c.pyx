# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""CSV fields of number columns in C (the twin of :mod:`sim.reports._csv_py`, which tests compare
it with on many values), without a Python call per field: each float is formatted by
``PyOS_double_to_string``, the very function behind Python's ``"%.6g" % v``, so the text is
Python's by construction; each whole number in decimal digits, as ``str`` writes it. Loaded
through :mod:`sim.reports.csv_tables`.
"""

from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.mem cimport PyMem_Free
from cpython.ref cimport Py_INCREF
from cpython.unicode cimport PyUnicode_DecodeASCII
from libc.stdint cimport int64_t, uint64_t
from libc.string cimport strlen


cdef extern from "Python.h":
    char *PyOS_double_to_string(double val, char format_code, int precision, int flags, int *ptype) except NULL


cdef object _EMPTY = ""


cdef object _general(double value, int precision):
    """``"%.<precision>g" % value``."""
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
            field = _EMPTY if value != value else _general(value, precision)
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
    return PyUnicode_DecodeASCII(digits + start, 23 - start, NULL)


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
