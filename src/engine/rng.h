/*
 * rng.h - random streams for the simulation, one per purpose (and per
 * station where it matters), derived from (seed, replication, purpose,
 * index) by a mixing hash and never from the thread, rank or order of work.
 *
 * Why per purpose and per station: common random numbers. Replication r of
 * two scenarios draws the same arrivals, destinations and ride times at a
 * station wherever the two models agree there, whatever happens elsewhere,
 * so paired differences between agreements are tight.
 *
 * Generator: GSL's taus2 (L'Ecuyer 1996 maximally equidistributed Tausworthe,
 * period 2^88, 24 bytes of state). Chosen over mt19937 because the model
 * holds three streams per station: 20,000 stations of mt19937 would take
 * 300 MB of state. Cost of the choice: GSL seeds taus2 from 32 bits, so the
 * 64-bit hash is folded to 32 bits; among k streams the chance that two
 * coincide is about k^2/2^33 (0.02% for the 1,400 streams of the Tokyo
 * network, ~40% for one pair among the 60,000 of a 20,000-port network).
 * A coincidence makes two stations' streams equal, not wrong; to remove it,
 * plug in a generator with 64-bit seeding through a gsl_rng_type.
 *
 * Layout: a station's three generators are touched together on every
 * arrival. bs_rng_block_alloc lays them out as one block per station (the
 * gsl_rng handles, then their states), 128 bytes for three taus2, instead
 * of six separate allocations scattered over the heap: an arrival touches
 * two cache lines of generator state instead of six.
 *
 * Ownership: bs_rng_alloc returns a gsl_rng the caller frees with
 * gsl_rng_free; bs_rng_block_alloc a block set freed with
 * bs_rng_block_free (never gsl_rng_free on its members).
 */
#ifndef BSSIM_RNG_H
#define BSSIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

enum bs_rng_purpose {
	BS_RNG_ARRIVAL = 1,   /* inter-arrival times, per station */
	BS_RNG_DESTINATION,   /* destination choice, per origin station */
	BS_RNG_DURATION,      /* ride-time noise, per origin station */
	BS_RNG_BEHAVIOUR,     /* diversions and retries, global */
	BS_RNG_OPERATIONS,    /* trucks and crews, global */
	BS_RNG_BATTERY,       /* battery use, global */
	BS_RNG_NETWORK,       /* synthetic network layout */
	BS_RNG_USER,          /* user type of each request, per origin station */
	BS_RNG_CHOICE,        /* riders' walk tolerance and price, per station */
	BS_RNG_ROUND,         /* round trip or not, per origin station */
	BS_RNG_PURPOSES
};

/* 64-bit mixing hash of the four coordinates (splitmix64 finaliser). */
uint64_t bs_rng_mix(uint64_t seed, uint64_t replication, uint32_t purpose,
		    uint64_t index);

/* The 32-bit non-zero GSL seed of a stream. */
unsigned long bs_rng_seed_of(uint64_t seed, uint64_t replication,
			     uint32_t purpose, uint64_t index);

/* A new taus2 generator, or NULL when out of memory. */
gsl_rng *bs_rng_alloc(void);

/* nblocks blocks of k taus2 generators each, contiguous per block. */
struct bs_rng_block {
	unsigned char *mem; /* 64-byte aligned */
	size_t stride;      /* bytes per block */
	size_t k;
};

int bs_rng_block_alloc(struct bs_rng_block *b, size_t nblocks, size_t k);
void bs_rng_block_free(struct bs_rng_block *b);

/* Generator j of block i (borrowed). */
static inline gsl_rng *bs_rng_block_get(const struct bs_rng_block *b,
					size_t i, size_t j)
{
	return (gsl_rng *)(void *)(b->mem + i * b->stride) + j;
}

/* Seed r as stream (seed, replication, purpose, index). */
void bs_rng_seed(gsl_rng *r, uint64_t seed, uint64_t replication,
		 uint32_t purpose, uint64_t index);

/*
 * Process-wide set-up: turn GSL's abort-on-error handler off so that GSL
 * errors come back as return codes. Call once from main before threads.
 */
void bs_rng_setup(void);

#endif
