/*
 * Private to zephyr/: what the drop-in's files share — the per-heap Kconfig
 * settings, the fatal-error path, the host lock around k_heaps, and the
 * listener check.
 */
#ifndef HEAPSIM_ZEPHYR_INTERNAL_H
#define HEAPSIM_ZEPHYR_INTERNAL_H

/* ZH_ASAN: built with AddressSanitizer (gcc or clang), whose fiber-switch
 * annotations the thread and user-access code need. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZH_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ZH_ASAN 1
#endif

#include <stdbool.h>

#include <zephyr/kernel.h>
#include <zephyr/sys/heap_listener.h>
#include <zephyr/internal/syscall_handler.h>

/* The settings a heap was initialised with (asserts on for an unknown heap). */
struct heapsim_kconfig zh_kconfig_of(const struct sys_heap *heap);

/* Installs the drop-in's sys_heap check handler unless another one (the
 * simulator's, a test's) is already in place. */
void zh_install_check_handler(void);

/* Failed checks raised on this thread so far: a call that raised one did not
 * complete, so it must not be reported to listeners. */
unsigned long zh_thread_failures(void);

/* An __ASSERT inside the library, honouring the heap's CONFIG_ASSERT.
 * Returns true if the assertion holds (or asserts are off). */
bool zh_assert(bool ok, bool asserts, const char *what, const char *where);

/* A fault on the target (NULL or unusable heap): always fatal. */
void zh_fault(const char *fmt, ...) __printf_like(1, 2);

/* The one host lock of all k_heaps. zh_unlock_if_held() is what the fatal
 * path calls so that a handler that longjmps out leaves the lock free. */
void zh_lock(void);
void zh_unlock(void);
void zh_unlock_if_held(void);

/* Monotonic host time, host sleeps, ticks in nanoseconds. */
int64_t zh_now_ns(void);
void zh_sleep_ns(int64_t ns);
int64_t zh_ticks_to_ns(k_ticks_t ticks);

/* A k_heap wait of the current thread (deadline -1: none), the heap lock
 * released: 1 when a free on this host thread woke it, 0 at the deadline,
 * -1 when no other thread of this host thread can run (wait on the host). */
int zh_sched_heap_wait(const void *heap, int64_t deadline_ns);
/* Wakes the threads of this host thread waiting on `heap`. */
void zh_sched_heap_freed(const void *heap);

/* After a fatal error whose handler returned: ends the current thread when
 * it is one that k_thread_create made (no return); false for a host
 * thread's own thread, which cannot be ended. */
bool zh_thread_end_after_fatal(void);
/* zh_thread_end_after_fatal(), and for a host thread's own thread a report
 * and abort(). */
FUNC_NORETURN void zh_end_thread_after_fatal(unsigned int reason);
/* The host stack the thread's code runs on. */
bool zh_thread_host_stack(const struct k_thread *t, uintptr_t *lo, size_t *bytes);

/* Kernel-object bookkeeping of threads: a created thread is an initialised
 * object with access to itself (and its creator's permissions with
 * inherit); its stack object is in use until it ends. */
void zh_kobj_thread_created(struct k_thread *t, struct k_thread *parent, bool inherit);
void zh_kobj_thread_exited(struct k_thread *t);

bool zh_listeners_active(void);
/* Usable bytes of the chunk that holds `mem` (the gap of an aligned pointer
 * in a small heap included), what upstream reports to free listeners. */
size_t zh_chunk_bytes(struct sys_heap *heap, void *mem);

#endif
