"""C memory helpers shared by callsim's compiled modules (cimported, inlined)."""

from libc.stdlib cimport calloc, realloc

ctypedef long long i64


cdef inline void *grow(void *pointer, i64 count, size_t item) except NULL:
    """``realloc`` to ``count`` items (at least one), raising MemoryError on failure."""
    cdef void *bigger = realloc(pointer, <size_t>(count if count > 0 else 1) * item)
    if bigger == NULL:
        raise MemoryError()
    return bigger


cdef inline void *zeros(i64 count, size_t item) except NULL:
    """``calloc`` of ``count`` items (at least one), raising MemoryError on failure."""
    cdef void *block = calloc(<size_t>(count if count > 0 else 1), item)
    if block == NULL:
        raise MemoryError()
    return block
