/*
 * rng.c - stream derivation for common random numbers (see rng.h).
 */
#include "engine/rng.h"

#include "base/common.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

static uint64_t fmix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t bs_rng_mix(uint64_t seed, uint64_t replication, uint32_t purpose,
		    uint64_t index)
{
	/* Each coordinate is absorbed with its own odd constant and a full
	 * avalanche, so (1,2) and (2,1) give unrelated values. */
	uint64_t h = fmix(seed + UINT64_C(0x9e3779b97f4a7c15));
	h = fmix(h ^ (replication * UINT64_C(0xd1b54a32d192ed03)));
	h = fmix(h ^ ((uint64_t)purpose * UINT64_C(0xaef17502108ef2d9)));
	h = fmix(h ^ (index * UINT64_C(0xdb4f0b9175ae2165)));
	return h;
}

unsigned long bs_rng_seed_of(uint64_t seed, uint64_t replication,
			     uint32_t purpose, uint64_t index)
{
	uint64_t h = bs_rng_mix(seed, replication, purpose, index);
	unsigned long s = (unsigned long)((h ^ (h >> 32)) & 0xffffffffu);
	/* GSL maps seed 0 to its default seed; keep 0 distinct from that. */
	return s ? s : 0x2545f491ul;
}

gsl_rng *bs_rng_alloc(void)
{
	return gsl_rng_alloc(gsl_rng_taus2);
}

int bs_rng_block_alloc(struct bs_rng_block *b, size_t nblocks, size_t k)
{
	const gsl_rng_type *T = gsl_rng_taus2;
	size_t i, j, bytes;

	/* gsl_rng is a public struct {type, state}; filling it ourselves is
	 * what gsl_rng_alloc does, with our own placement of the state */
	b->k = k;
	b->stride = (k * (sizeof(gsl_rng) + T->size) + 63) / 64 * 64;
	if (nblocks && b->stride > SIZE_MAX / nblocks)
		return -1;
	bytes = b->stride * (nblocks ? nblocks : 1);
	b->mem = bs_big_calloc(1, bytes); /* 64-byte aligned at least */
	if (!b->mem)
		return -1;
	for (i = 0; i < nblocks; i++)
		for (j = 0; j < k; j++) {
			gsl_rng *r = bs_rng_block_get(b, i, j);
			r->type = T;
			r->state = b->mem + i * b->stride + k * sizeof(gsl_rng) +
				   j * T->size;
			gsl_rng_set(r, 0);
		}
	return 0;
}

void bs_rng_block_free(struct bs_rng_block *b)
{
	free(b->mem);
	b->mem = NULL;
}

void bs_rng_seed(gsl_rng *r, uint64_t seed, uint64_t replication,
		 uint32_t purpose, uint64_t index)
{
	gsl_rng_set(r, bs_rng_seed_of(seed, replication, purpose, index));
}

/* ---- counter-based streams (rng.h) ------------------------------------ */

static void ctr_set(void *state, unsigned long s)
{
	struct bs_ctr *c = state;

	memset(c, 0, sizeof(*c));
	c->key[0] = (uint32_t)(s & 0xffffffffu);
	c->pos = 4;
}

static inline uint32_t ctr_word(struct bs_ctr *c)
{
	if (c->pos == 4) {
		bs_philox(c->ctr, c->key, c->buf);
		c->ctr[3]++; /* 2^32 blocks a stream: more than any request draws */
		c->pos = 0;
	}
	return c->buf[c->pos++];
}

static unsigned long ctr_get(void *state)
{
	return ctr_word(state);
}

static double ctr_get_double(void *state)
{
	uint32_t w0 = ctr_word(state);

	return bs_ctr_double(w0, ctr_word(state));
}

static const gsl_rng_type ctr_type = {
	"bs-philox4x32-10", 0xffffffffUL, 0, sizeof(struct bs_ctr),
	ctr_set, ctr_get, ctr_get_double};
const gsl_rng_type *const bs_rng_philox = &ctr_type;

void bs_ctr_key(uint32_t key[2], uint64_t seed, uint64_t replication)
{
	/* purpose 0 is no stream's (enum bs_rng_purpose starts at 1) */
	uint64_t h = bs_rng_mix(seed, replication, 0, 0);

	key[0] = (uint32_t)(h & 0xffffffffu);
	key[1] = (uint32_t)(h >> 32);
}

void bs_rng_setup(void)
{
	gsl_set_error_handler_off();
}
