#!/usr/bin/env python3
"""Writes the fuzz_heap_ops seed corpus (fuzz/corpus/fuzz_heap_ops/).

Input format (fuzz/lib_heap_ops.c): u16 size selector, u8 flags
(bit0 64-bit, bits1-3 hardening, bit4 stats, bits5-6 size mode, bit7 oob),
u8 misc (bits0-2 alloc loops+1, bit3 internal checks, rest buffer fill),
then ops: one byte (bits0-2 kind, bits3-6 slot) and its arguments.
"""
import os, struct

def size(n):          # fuzz_size: scale 11 keeps n < 2048 exact
    assert n < 2048
    return struct.pack('<H', (11 << 12) | n)

def A(k, j=None):      # alignment byte: 2^k, plus a rewind of 2^j (j < k)
    return k if j is None else k | 0x10 | j << 5

def alloc(slot, n):   return bytes([0 | slot << 3]) + size(n)
def aligned(slot, a, n): return bytes([2 | slot << 3, a]) + size(n)
def realloc(slot, n): return bytes([3 | slot << 3]) + size(n)
def arealloc(slot, a, n): return bytes([4 | slot << 3, a]) + size(n)
def free(slot):       return bytes([5 | slot << 3])
def usable(slot):     return bytes([7 | slot << 3])

def heap(nbytes, word64=False, hard=2, stats=True, mode=3, oob=False, loops=3, checks=True):
    flags = int(word64) | hard << 1 | int(stats) << 4 | mode << 5 | int(oob) << 7
    return struct.pack('<HBB', nbytes - 32, flags, (loops + 1) | int(checks) << 3)

seeds = {
    'basic-32-moderate': heap(4096) + alloc(0, 24) + alloc(1, 100) + alloc(2, 7) + free(1)
        + alloc(3, 60) + usable(3) + free(0) + free(2) + free(3),
    'realloc-64-full': heap(8192, word64=True, hard=3) + alloc(0, 40) + realloc(0, 400)
        + alloc(1, 16) + realloc(0, 24) + realloc(1, 1000) + free(0) + realloc(1, 0),
    'aligned-rewind-32': heap(16384, hard=1) + aligned(0, A(6, 1), 100) + aligned(1, A(10, 2), 64)
        + aligned(2, A(12, 4), 10) + arealloc(1, A(7), 300) + free(0) + free(2) + free(1),
    'extreme-many': heap(2048, hard=4) + b''.join(alloc(i, 8 * i + 1) for i in range(12))
        + b''.join(free(i) for i in range(0, 12, 2)) + b''.join(alloc(i, 20) for i in range(0, 12, 2)),
    'oob-mixed': heap(4096, oob=True) + alloc(0, 24) + aligned(1, A(8, 3), 64) + realloc(0, 200)
        + free(1) + arealloc(0, A(6), 50) + aligned(2, A(5, 2), 30) + usable(0) + free(0),
    'big-only-none': heap(1024, hard=0, mode=2, stats=False) + alloc(0, 1) + alloc(1, 500)
        + free(0) + realloc(1, 100) + alloc(2, 300) + free(1) + free(2),
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fuzz_heap_ops')
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
