/*
 * Private to zephyr/: what the drop-in's files share — the per-heap Kconfig
 * settings, the fatal-error path, the host lock around k_heaps, and the
 * listener check.
 */
#ifndef HEAPSIM_ZEPHYR_INTERNAL_H
#define HEAPSIM_ZEPHYR_INTERNAL_H

#include <stdbool.h>

#include <zephyr/kernel.h>
#include <zephyr/sys/heap_listener.h>

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

bool zh_listeners_active(void);
/* Usable bytes of the chunk that holds `mem` (the gap of an aligned pointer
 * in a small heap included), what upstream reports to free listeners. */
size_t zh_chunk_bytes(struct sys_heap *heap, void *mem);

#endif
