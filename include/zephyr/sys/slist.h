/* heapsim's Zephyr drop-in: the singly linked list node Zephyr structs embed. */
#ifndef ZEPHYR_INCLUDE_SYS_SLIST_H_
#define ZEPHYR_INCLUDE_SYS_SLIST_H_

struct _snode {
	struct _snode *next;
};
typedef struct _snode sys_snode_t;

#endif /* ZEPHYR_INCLUDE_SYS_SLIST_H_ */
