/*
 * heapsim's Zephyr drop-in: irq_offload() runs the routine at once on the
 * calling thread, with k_is_in_isr() true while it runs (so code that must not
 * block in an ISR can be tested from a plain main()).
 */
#ifndef ZEPHYR_INCLUDE_IRQ_OFFLOAD_H_
#define ZEPHYR_INCLUDE_IRQ_OFFLOAD_H_

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*irq_offload_routine_t)(const void *parameter);

void irq_offload(irq_offload_routine_t routine, const void *parameter);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_IRQ_OFFLOAD_H_ */
