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
	gsl_rng h = bs_rng_block_handle();
	size_t i, j, bytes;

	b->k = k;
	if (k > SIZE_MAX / 2 / sizeof(struct bs_taus32))
		return -1;
	b->stride = (k * sizeof(struct bs_taus32) + 63) / 64 * 64;
	if (nblocks && b->stride > SIZE_MAX / nblocks)
		return -1;
	bytes = b->stride * (nblocks ? nblocks : 1);
	b->mem = bs_big_calloc(1, bytes); /* 64-byte aligned at least */
	if (!b->mem)
		return -1;
	for (i = 0; i < nblocks; i++)
		for (j = 0; j < k; j++)
			gsl_rng_set(bs_rng_block_point(b, &h, i, j), 0);
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

/* ---- taus2 on 32-bit words (rng.h) ----------------------------------- */

/*
 * taus2 in 12 bytes: GSL keeps its three 32-bit words in unsigned longs
 * (24 bytes on LP64), so three streams took 72 bytes, past a cache line.
 * The same recurrence (L'Ecuyer 1996, Math. Comp. 65: 203-213, the
 * generator of GSL's taus2) and the same seeding (GSL's taus2_set: three
 * steps of the LCG x -> 69069 x mod 2^32 with the minimum of each word
 * enforced, then six steps discarded), on 32-bit words: every word equal
 * to gsl_rng_taus2's, as check_rng's test_taus32_is_gsl_taus2 holds over
 * 100,000 seeds and a million words.
 */
static unsigned long t32_get(void *state)
{
	return bs_taus32_next(state);
}

static double t32_get_double(void *state)
{
	return bs_taus32_u01(state);
}

static void t32_set(void *state, unsigned long seed)
{
	struct bs_taus32 *t = state;
	uint32_t s = (uint32_t)(seed & 0xffffffffu);
	int i;

	if (seed == 0)
		s = 1; /* GSL's default seed */
	t->s1 = 69069u * s;
	if (t->s1 < 2)
		t->s1 += 2;
	t->s2 = 69069u * t->s1;
	if (t->s2 < 8)
		t->s2 += 8;
	t->s3 = 69069u * t->s2;
	if (t->s3 < 16)
		t->s3 += 16;
	for (i = 0; i < 6; i++)
		(void)t32_get(t);
}

static const gsl_rng_type t32_type = {
	"bs-taus2-32", 0xffffffffUL, 0, sizeof(struct bs_taus32),
	t32_set, t32_get, t32_get_double};
const gsl_rng_type *const bs_rng_taus32 = &t32_type;

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
