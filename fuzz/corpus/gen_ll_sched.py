#!/usr/bin/env python3
"""Writes the fuzz_ll_sched seed corpus (fuzz/corpus/fuzz_ll_sched/).

Input format (fuzz/lib_ll_sched.c): [layout][hardening], then ops: one byte
(bits 0-2 kind, bits 3-5 task) and operands. Every seed is a benign pipeline
and must run clean on every layout.
"""
import os

def create(t, prio, complete_after=0, size_step=4):   # prio -2..5
    return bytes([0 | t << 3, prio + 2, complete_after | size_step << 3])
def schedule(t): return bytes([2 | t << 3])
def cancel(t):   return bytes([3 | t << 3])
def free(t):     return bytes([4 | t << 3])
def ticks(k):    return bytes([5 | (k - 1) << 3])      # 1..3 ticks

seeds = {
    'priorities': bytes([0, 2]) + create(0, 3) + create(1, -1) + create(2, 3) + create(3, 0) + ticks(3)
        + cancel(1) + ticks(1) + schedule(1) + ticks(2) + free(0) + free(1) + free(2) + free(3),
    'complete-and-requeue': bytes([1, 3]) + create(0, 0, complete_after=2) + create(1, 1) + ticks(3)
        + schedule(0) + ticks(3) + cancel(1) + schedule(1) + ticks(1),
    'free-running': bytes([2, 0]) + create(4, 2) + create(5, 2) + ticks(2) + free(4) + ticks(1)
        + create(4, -2, size_step=20) + ticks(3),
    'cancel-revive': bytes([3, 4]) + create(6, 1) + ticks(1) + cancel(6) + schedule(6) + ticks(2)
        + cancel(6) + ticks(1) + schedule(6) + ticks(1),
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fuzz_ll_sched')
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
