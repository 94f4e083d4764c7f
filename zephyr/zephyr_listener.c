/* Heap listeners: a registered list, walked on each notification. */
#include <pthread.h>

#include "zephyr_internal.h"

static sys_snode_t *head;
static int active; /* listeners registered: read without the lock on the hot path */
static pthread_mutex_t listeners_lock = PTHREAD_MUTEX_INITIALIZER;

bool zh_listeners_active(void)
{
	return __atomic_load_n(&active, __ATOMIC_ACQUIRE) != 0;
}

static struct heap_listener *listener_of(sys_snode_t *n)
{
	return CONTAINER_OF(n, struct heap_listener, node);
}

void heap_listener_register(struct heap_listener *listener)
{
	sys_snode_t **link;

	if (!listener)
		return;
	pthread_mutex_lock(&listeners_lock);
	for (link = &head; *link; link = &(*link)->next)
		if (*link == &listener->node)
			goto out; /* already registered */
	listener->node.next = NULL;
	*link = &listener->node; /* appended: notified in registration order */
	__atomic_add_fetch(&active, 1, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&listeners_lock);
}

void heap_listener_unregister(struct heap_listener *listener)
{
	pthread_mutex_lock(&listeners_lock);
	for (sys_snode_t **link = &head; listener && *link; link = &(*link)->next) {
		if (*link == &listener->node) {
			*link = listener->node.next;
			listener->node.next = NULL;
			__atomic_sub_fetch(&active, 1, __ATOMIC_RELEASE);
			break;
		}
	}
	pthread_mutex_unlock(&listeners_lock);
}

/* Callbacks run with the list locked: they must not (un)register listeners. */
static void notify(uintptr_t heap_id, enum heap_event_types event, void *a, void *b, size_t bytes)
{
	pthread_mutex_lock(&listeners_lock);
	for (sys_snode_t *n = head; n; n = n->next) {
		struct heap_listener *l = listener_of(n);

		if (l->heap_id != heap_id || l->event != event || !l->callback)
			continue;
		if (event == HEAP_ALLOC)
			l->alloc_cb(heap_id, a, bytes);
		else if (event == HEAP_FREE)
			l->free_cb(heap_id, a, bytes);
		else if (event == HEAP_RESIZE)
			l->resize_cb(heap_id, a, b);
	}
	pthread_mutex_unlock(&listeners_lock);
}

void heap_listener_notify_alloc(uintptr_t heap_id, void *mem, size_t bytes)
{
	notify(heap_id, HEAP_ALLOC, mem, NULL, bytes);
}

void heap_listener_notify_free(uintptr_t heap_id, void *mem, size_t bytes)
{
	notify(heap_id, HEAP_FREE, mem, NULL, bytes);
}

void heap_listener_notify_resize(uintptr_t heap_id, void *old_heap_end, void *new_heap_end)
{
	notify(heap_id, HEAP_RESIZE, old_heap_end, new_heap_end, 0);
}
