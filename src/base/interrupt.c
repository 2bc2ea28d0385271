/*
 * interrupt.c - the process's stop request (see interrupt.h).
 *
 * A lock-free atomic int: storing to it is async-signal-safe, so
 * bs_interrupt may be called from a signal handler.
 */
#include "base/interrupt.h"

#include "bssim.h"

static atomic_int flag;

_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
	       "bs_interrupt must be callable from a signal handler");

atomic_int *bs__interrupt_flag(void)
{
	return &flag;
}

void bs_interrupt(void)
{
	atomic_fetch_add(&flag, 1);
}

int bs_interrupted(void)
{
	return atomic_load(&flag) != 0;
}

void bs_interrupt_clear(void)
{
	atomic_store(&flag, 0);
}
