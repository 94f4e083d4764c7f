/*
 * Target setjmp/longjmp for the call0 ABI (port/xtensa/rt/setjmp.S): the
 * callee-saved state is a0 (return address), a1 (stack pointer) and a12–a15.
 */
#ifndef HEAPSIM_XRT_SETJMP_H
#define HEAPSIM_XRT_SETJMP_H

typedef unsigned long jmp_buf[6];

int setjmp(jmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void longjmp(jmp_buf env, int val);

#endif
