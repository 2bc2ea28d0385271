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
 * period 2^88, 24 bytes of state in GSL; the per-station streams keep the
 * same three 32-bit words in 12, bs_rng_taus32 below). Chosen over mt19937 because the model
 * holds three streams per station: 20,000 stations of mt19937 would take
 * 300 MB of state. Cost of the choice: GSL seeds taus2 from 32 bits, so the
 * 64-bit hash is folded to 32 bits; among k streams the chance that two
 * coincide is about k^2/2^33 (0.02% for the 1,400 streams of the Tokyo
 * network, ~40% for one pair among the 60,000 of a 20,000-port network).
 * A coincidence makes two stations' streams equal, not wrong; to remove it,
 * plug in a generator with 64-bit seeding through a gsl_rng_type.
 *
 * Layout: a station's generators are touched together on every arrival.
 * bs_rng_block_alloc lays out their states as one block per station,
 * 64-byte aligned, in bs_rng_taus32's 12 bytes each (the same numbers as
 * GSL's taus2, whose state takes 24): the three of an arrival, up to five,
 * share one cache line. The block holds states only, no gsl_rng handles:
 * a handle is {type, state pointer}, and reaching a state through a
 * handle in the block made two dependent cache misses of every arrival
 * on a large network (the handle's line, then the state's). The caller
 * keeps one handle per stream kind in its own hot memory and points it
 * at the state (bs_rng_block_point), whose address follows from the
 * station alone.
 *
 * Ownership: bs_rng_alloc returns a gsl_rng the caller frees with
 * gsl_rng_free; bs_rng_block_alloc a block set freed with
 * bs_rng_block_free (never gsl_rng_free on a handle pointed into it).
 */
#ifndef BSSIM_RNG_H
#define BSSIM_RNG_H

#include <math.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>
#include <Random123/philox.h>

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

/* taus2's state on 32-bit words: the state of bs_rng_taus32, a gsl_rng
 * type whose every output equals gsl_rng_taus2's for the same seed. */
struct bs_taus32 {
	uint32_t s1, s2, s3;
};
extern const gsl_rng_type *const bs_rng_taus32;

/* The next word of a bs_rng_taus32 state, inline: what gsl_rng_get
 * returns through the type's get (rng.c calls this too), without the
 * indirect call; bs_taus32_u01 is gsl_rng_uniform's word / 2^32. */
static inline uint32_t bs__t32_step(uint32_t s, unsigned a, unsigned b,
				    uint32_t c, unsigned d)
{
	return ((s & c) << d) ^ (((s << a) ^ s) >> b);
}

static inline uint32_t bs_taus32_next(struct bs_taus32 *t)
{
	t->s1 = bs__t32_step(t->s1, 13, 19, 0xfffffffeu, 12);
	t->s2 = bs__t32_step(t->s2, 2, 25, 0xfffffff8u, 4);
	t->s3 = bs__t32_step(t->s3, 3, 11, 0xfffffff0u, 17);
	return t->s1 ^ t->s2 ^ t->s3;
}

static inline double bs_taus32_u01(struct bs_taus32 *t)
{
	return (double)bs_taus32_next(t) / 4294967296.0;
}

/* nblocks blocks of k bs_rng_taus32 states each, contiguous per block. */
struct bs_rng_block {
	unsigned char *mem; /* 64-byte aligned */
	size_t stride;      /* bytes per block */
	size_t k;
};

/* 0, or -1 when out of memory (or nblocks x k overflows). Every state
 * is seeded as gsl_rng_set(r, 0) would seed it. */
int bs_rng_block_alloc(struct bs_rng_block *b, size_t nblocks, size_t k);
void bs_rng_block_free(struct bs_rng_block *b);

/* A handle for the block's states: type bs_rng_taus32, no state yet. */
static inline gsl_rng bs_rng_block_handle(void)
{
	gsl_rng h = {bs_rng_taus32, NULL};
	return h;
}

/* State j of block i (borrowed), for the inline bs_taus32_next. */
static inline struct bs_taus32 *bs_rng_block_state(const struct bs_rng_block *b,
						   size_t i, size_t j)
{
	return (struct bs_taus32 *)(void *)(b->mem + i * b->stride +
					    j * sizeof(struct bs_taus32));
}

/* Point handle h at state j of block i and return it (borrowed: h is
 * the caller's, the state the block's; h is valid until pointed again). */
static inline gsl_rng *bs_rng_block_point(const struct bs_rng_block *b,
					  gsl_rng *h, size_t i, size_t j)
{
	h->state = bs_rng_block_state(b, i, j);
	return h;
}

/* Seed r as stream (seed, replication, purpose, index). */
void bs_rng_seed(gsl_rng *r, uint64_t seed, uint64_t replication,
		 uint32_t purpose, uint64_t index);

/*
 * Counter-based streams (scenario key rng "philox"): Philox4x32-10
 * (Salmon, Moraes, Dror, Shaw, SC'11; Debian's librandom123-dev), a
 * keyed bijection of a 128-bit counter. A draw is a pure function of
 * (key, counter) with key = bs_ctr_key(seed, replication) and counter =
 * (index, draw, purpose, block): the station, the number of the request
 * at that station, the enum bs_rng_purpose, and the block of four 32-bit
 * words within that request's draws. So nothing per station is kept or
 * loaded: an arrival carries its draw number in its event and builds
 * its streams on the stack, where a per-station taus2 stream is 24 bytes
 * of state on its own cache line to load and store at every request.
 *
 * Cost: ten rounds of two 32x32->64 multiplications per four words
 * (about 60 instructions; taus2 is about 15 per word), paid to remove
 * the generator's cache misses, which dominate on large networks
 * (docs/performance.md). Streams of distinct (index, draw, purpose) never
 * overlap (distinct counters), unlike seeded taus2 streams, whose 32-bit
 * seeds may coincide (above).
 *
 * A stream as a gsl_rng (bs_ctr_rng): the 32-bit words of blocks 0, 1,
 * 2, ... in order; a uniform double takes two words, 53 bits:
 * ((w0 >> 5) 2^26 + (w1 >> 6)) / 2^53, in [0, 1). bs_ctr_u01 is the
 * first uniform of a stream, inline, without the gsl_rng.
 */
struct bs_ctr {
	uint32_t key[2];
	uint32_t ctr[4];
	uint32_t buf[4];
	uint32_t pos; /* next word of buf; 4: the block is to be made */
};

/* The GSL type of struct bs_ctr streams ("bs-philox4x32-10"). Seeding it
 * through gsl_rng_set(r, s) gives the stream of key (s, 0), counter 0. */
extern const gsl_rng_type *const bs_rng_philox;

/* The 64-bit key of replication `replication` of `seed`, as two words. */
void bs_ctr_key(uint32_t key[2], uint64_t seed, uint64_t replication);

/* Point r (a gsl_rng whose state is a struct bs_ctr, type bs_rng_philox)
 * at the stream (index, draw, purpose) under key: O(1), no draw. */
static inline void bs_ctr_start(gsl_rng *r, const uint32_t key[2],
				uint32_t index, uint32_t draw,
				uint32_t purpose)
{
	struct bs_ctr *c = (struct bs_ctr *)r->state;

	c->key[0] = key[0];
	c->key[1] = key[1];
	c->ctr[0] = index;
	c->ctr[1] = draw;
	c->ctr[2] = purpose;
	c->ctr[3] = 0;
	c->pos = 4;
}

/* Philox4x32-10 of counter c under key k, into out[4]. */
static inline void bs_philox(const uint32_t c[4], const uint32_t k[2],
			     uint32_t out[4])
{
	philox4x32_ctr_t x = {{c[0], c[1], c[2], c[3]}};
	philox4x32_key_t y = {{k[0], k[1]}};
	philox4x32_ctr_t r = philox4x32(x, y);

	out[0] = r.v[0];
	out[1] = r.v[1];
	out[2] = r.v[2];
	out[3] = r.v[3];
}

/* Two words as a uniform double in [0, 1), 53 bits. */
static inline double bs_ctr_double(uint32_t w0, uint32_t w1)
{
	return ((double)(w0 >> 5) * 67108864.0 + (double)(w1 >> 6)) *
	       (1.0 / 9007199254740992.0);
}

/* The first uniform of stream (index, draw, purpose) under key: what
 * gsl_rng_uniform gives first after bs_ctr_start, with no gsl_rng. */
static inline double bs_ctr_u01(const uint32_t key[2], uint32_t index,
				uint32_t draw, uint32_t purpose)
{
	uint32_t c[4] = {index, draw, purpose, 0}, w[4];

	bs_philox(c, key, w);
	return bs_ctr_double(w[0], w[1]);
}

/*
 * The request blocks (rng philox): the draws of a request, in Philox2x64-10
 * blocks (Random123; 128 bits for about 80 instructions, where a
 * Philox4x32-10 block is about 140 for the same bits) of the counter
 * (index, block 2^32 + draw) under the same 64-bit key (key[1] 2^32 +
 * key[0]): the station, the request's number there and the block. Each
 * word serves a fixed purpose, so switching a feature on or off moves no
 * other purpose's draw (common random numbers). Block 0, x, made for
 * every request:
 *
 *   x[0] >> 11   53 bits: the uniform of the Exp(1) gap to the station's
 *                next request (bs_ctr_u53);
 *   x[1] >> 11   53 bits: the ride time's uniform: an Exp(1) variate, or
 *                the radius of a log-normal factor's Box-Muller Gaussian;
 *   x[0] & 2047, x[1] & 2047   22 bits (x[0]'s on top): a uniform
 *                destination by bs_ctr_lemire22, the rare refusal
 *                continuing on the destination's own stream (index,
 *                draw, BS_RNG_DESTINATION) by bs_ctr_uniform_int.
 *
 * Block 1, y, made only when a request needs it:
 *
 *   y[0] >> 11   the uniform of a destination drawn from alias tables;
 *   y[1] >> 11   the angle of the log-normal factor's Gaussian.
 *
 * The feature-gated purposes (user types, choice, round trips) take their
 * own Philox4x32-10 streams (bs_ctr_start). The Philox2x64 function is
 * not the Philox4x32 one, so no block of one is a block of the other.
 */
static inline void bs_philox2x64(const uint64_t c[2], uint64_t k,
				 uint64_t out[2])
{
	philox2x64_ctr_t x = {{c[0], c[1]}};
	philox2x64_key_t y = {{k}};
	philox2x64_ctr_t r = philox2x64(x, y);

	out[0] = r.v[0];
	out[1] = r.v[1];
}

/* Request block `block` (0 or 1) of request `draw` of station `index`
 * under key. */
static inline void bs_ctr_request(const uint32_t key[2], uint32_t index,
				  uint32_t draw, uint32_t block, uint64_t x[2])
{
	uint64_t c[2] = {index, (uint64_t)block << 32 | draw};

	bs_philox2x64(c, (uint64_t)key[1] << 32 | key[0], x);
}

/* The top 53 bits of a word as a uniform double in [0, 1). */
static inline double bs_ctr_u53(uint64_t x)
{
	return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

/* A standard Gaussian by Box-Muller from two words' top 53 bits: radius
 * sqrt(-2 ln(1 - u_r)) (1 - u_r in (0, 1]: no log of 0), angle 2 pi u_a.
 * Exact in distribution as GSL's polar method is, one Gaussian per pair
 * of words and no rejection, so a fixed number of words per request. */
static inline double bs_ctr_gauss(uint64_t r, uint64_t a)
{
	return sqrt(-2.0 * log1p(-bs_ctr_u53(r))) *
	       cos(6.283185307179586 * bs_ctr_u53(a));
}

/* The request block's 22 destination bits (see above). */
static inline uint32_t bs_ctr_bits22(const uint64_t x[2])
{
	return (uint32_t)((x[0] & 2047u) << 11 | (x[1] & 2047u));
}

/*
 * Lemire's multiply-and-reject on a `bits`-bit uniform word w (bits <=
 * 32): *k = floor(w n / 2^bits), uniform in [0, n) exactly, unless the
 * low bits of w n fall below 2^bits mod n (refused, probability below
 * n / 2^bits) or n > 2^bits (always refused): 1 if accepted, else 0 and
 * the caller draws again from fresh bits. Every k in [0, n) is the
 * answer of exactly floor(2^bits / n) of the 2^bits words
 * (test_ctr_lemire_exact enumerates them).
 */
static inline int bs_ctr_lemire(uint32_t w, int bits, uint32_t n,
				uint32_t *k)
{
	uint64_t one = (uint64_t)1 << bits, m = (uint64_t)w * n;
	uint64_t l = m & (one - 1);

	if ((uint64_t)n > one || n == 0)
		return 0;
	if (l < n && l < one % n)
		return 0;
	*k = (uint32_t)(m >> bits);
	return 1;
}

static inline int bs_ctr_lemire22(uint32_t w, uint32_t n, uint32_t *k)
{
	return bs_ctr_lemire(w, 22, n, k);
}

/* A uniform integer in [0, n), 1 <= n <= 2^32 - 1, from the 32-bit words
 * of r (a counter stream): bs_ctr_lemire on each word until one is
 * accepted (fewer than one word in 2^32 / n refused). */
static inline uint32_t bs_ctr_uniform_int(gsl_rng *r, uint32_t n)
{
	uint32_t k = 0;

	if (!n)
		return 0;
	while (!bs_ctr_lemire((uint32_t)gsl_rng_get(r), 32, n, &k))
		;
	return k;
}

/*
 * Process-wide set-up: turn GSL's abort-on-error handler off so that GSL
 * errors come back as return codes. Call once from main before threads.
 */
void bs_rng_setup(void);

#endif
