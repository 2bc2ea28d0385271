/*
 * interrupt.h - the process's stop request (bs_interrupt in bssim.h): one
 * flag that every running simulation, sweep and write watches. The front
 * end sets it from its signal handler; long work passes its address to
 * the worker pool as the stop flag.
 */
#ifndef BS_BASE_INTERRUPT_H
#define BS_BASE_INTERRUPT_H

#include <stdatomic.h>

/* The flag itself (for struct bs_pool_opts.stop and the hooks). */
atomic_int *bs__interrupt_flag(void);

#endif
