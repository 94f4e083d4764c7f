/*
 * heapsim's Zephyr drop-in: <zephyr/sys/heap_listener.h>. Listeners hear of
 * allocations and frees on the heap whose id they name, as upstream's
 * CONFIG_SYS_HEAP_LISTENER does: alloc with the block's usable bytes, free
 * with the chunk's usable bytes; an in-place realloc that changes the chunk
 * reports the new size as an alloc, then the old one as a free. The heap id of
 * a sys_heap is HEAP_ID_FROM_POINTER(&heap) (for a k_heap, &k_heap.heap).
 */
#ifndef ZEPHYR_INCLUDE_SYS_HEAP_LISTENER_H_
#define ZEPHYR_INCLUDE_SYS_HEAP_LISTENER_H_

#include <stddef.h>
#include <stdint.h>

#include <zephyr/sys/slist.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HEAP_ID_FROM_POINTER(heap_pointer) ((uintptr_t)(heap_pointer))

enum heap_event_types {
	HEAP_EVT_UNKNOWN = 0,
	HEAP_RESIZE,
	HEAP_ALLOC,
	HEAP_FREE,
	HEAP_REALLOC,
	HEAP_MAX_EVENTS,
};

typedef void (*heap_listener_resize_cb_t)(uintptr_t heap_id, void *old_heap_end,
					  void *new_heap_end);
typedef void (*heap_listener_alloc_cb_t)(uintptr_t heap_id, void *mem, size_t bytes);
typedef void (*heap_listener_free_cb_t)(uintptr_t heap_id, void *mem, size_t bytes);

struct heap_listener {
	sys_snode_t node;
	uintptr_t heap_id;
	enum heap_event_types event;
	union {
		void *callback;
		heap_listener_resize_cb_t resize_cb;
		heap_listener_alloc_cb_t alloc_cb;
		heap_listener_free_cb_t free_cb;
	};
};

/* Registering a listener twice, or unregistering one never registered, does nothing. */
void heap_listener_register(struct heap_listener *listener);
void heap_listener_unregister(struct heap_listener *listener);

void heap_listener_notify_alloc(uintptr_t heap_id, void *mem, size_t bytes);
void heap_listener_notify_free(uintptr_t heap_id, void *mem, size_t bytes);
void heap_listener_notify_resize(uintptr_t heap_id, void *old_heap_end, void *new_heap_end);

#define HEAP_LISTENER_ALLOC_DEFINE(name, _heap_id, _alloc_cb)                            \
	struct heap_listener name = {                                                    \
		.heap_id = (_heap_id), .event = HEAP_ALLOC, .alloc_cb = (_alloc_cb),     \
	}
#define HEAP_LISTENER_FREE_DEFINE(name, _heap_id, _free_cb)                              \
	struct heap_listener name = {                                                    \
		.heap_id = (_heap_id), .event = HEAP_FREE, .free_cb = (_free_cb),        \
	}
#define HEAP_LISTENER_RESIZE_DEFINE(name, _heap_id, _resize_cb)                          \
	struct heap_listener name = {                                                    \
		.heap_id = (_heap_id), .event = HEAP_RESIZE, .resize_cb = (_resize_cb),  \
	}

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_HEAP_LISTENER_H_ */
