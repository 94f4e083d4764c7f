#!/usr/bin/env python3
"""Writes the fuzz_user_syscalls seed corpus (fuzz/corpus/fuzz_user_syscalls/).

Every seed is a benign program (it allocates, uses and frees its own blocks) so
that it must run clean on every layout; the smoke tests replay each seed pinned
to each layout. Input format: fuzz/lib_user_syscalls.c.
"""
import os, struct

def size(n):               # fuzz_size with scale 11: exact below 2048
    assert n < 2048
    return struct.pack('<H', (11 << 12) | n)

def alloc(slot, n, flags=0, align=0):     # flags: index into good_flags
    return bytes([0 | slot << 3, flags]) + size(n) + bytes([align])

def free(slot):            return bytes([2 | slot << 3])

def slot_sel(slot):        # a target selector naming slot's block (UB_SLOT)
    for sel in range(256):
        if sel % 10 == 8 and (sel >> 4) & 7 == slot:
            return sel
    raise ValueError(slot)

def write(slot, off, data, view=0):
    return bytes([4 | ((len(data) - 1) | view << 3) << 3, slot_sel(slot)]) + struct.pack('<H', off) + data

def tick():                return bytes([7])

def config(hard=2, word64=False, heap=0):  # heap: 0x4000 0x2000 0x8000 0x20000
    return bytes([hard | heap << 3 | int(word64) << 7])

seeds = {
    'alloc-use-free': bytes([0]) + config() + alloc(0, 64) + alloc(1, 128) + write(0, 0, b'hello')
        + write(1, 100, b'\x01\x02\x03\x04', view=2) + free(0) + free(1),
    'coherent-aligned': bytes([1]) + config(hard=3) + alloc(0, 200, flags=1, align=8) + alloc(1, 24, flags=2)
        + free(1) + alloc(2, 300, flags=3, align=12) + free(0) + free(2),
    'ticks-churn': bytes([2]) + config(hard=0, heap=1) + alloc(0, 40) + tick() + alloc(1, 40) + free(0)
        + tick() + alloc(0, 80) + free(1) + free(0),
    'null-and-huge': bytes([3]) + config(hard=4, word64=True) + free(5) + bytes([0 | 3 << 3, 0, 0xff, 0xff, 0])
        + alloc(4, 16) + free(4),
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fuzz_user_syscalls')
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
