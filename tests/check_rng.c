/*
 * check_rng.c - stream derivation: deterministic, distinct per coordinate,
 * reproducible, GSL errors returned instead of aborting.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "engine/rng.h"
#include "testutil.h"

START_TEST(test_mix_deterministic_and_distinct)
{
	uint64_t a = bs_rng_mix(1, 1, BS_RNG_ARRIVAL, 5);

	ck_assert(a == bs_rng_mix(1, 1, BS_RNG_ARRIVAL, 5));
	ck_assert(a != bs_rng_mix(2, 1, BS_RNG_ARRIVAL, 5));
	ck_assert(a != bs_rng_mix(1, 2, BS_RNG_ARRIVAL, 5));
	ck_assert(a != bs_rng_mix(1, 1, BS_RNG_DESTINATION, 5));
	ck_assert(a != bs_rng_mix(1, 1, BS_RNG_ARRIVAL, 6));
	/* swapped coordinates do not collide */
	ck_assert(bs_rng_mix(1, 2, 3, 4) != bs_rng_mix(2, 1, 3, 4));
	ck_assert(bs_rng_mix(0, 0, 0, 1) != bs_rng_mix(0, 0, 1, 0));
}
END_TEST

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return (x > y) - (x < y);
}

/* No two of the 3 x 5,000 station streams of 4 replications share a seed
 * (the birthday bound says ~0.8% chance for 60,000 32-bit seeds; this
 * pins the actual seeds used by these coordinates). */
START_TEST(test_no_seed_collisions_in_a_run)
{
	enum { N = 60000 };
	unsigned long *s = malloc(N * sizeof(unsigned long));
	size_t k = 0, i;
	uint32_t rep, purpose, st;

	for (rep = 1; rep <= 4; rep++)
		for (purpose = BS_RNG_ARRIVAL; purpose <= BS_RNG_DURATION; purpose++)
			for (st = 0; st < 5000; st++)
				s[k++] = bs_rng_seed_of(20160201, rep, purpose, st);
	for (i = 0; i < k; i++)
		ck_assert_uint_ne(s[i], 0);
	/* sort and look for neighbours */
	qsort(s, k, sizeof(unsigned long), cmp_ul);
	for (i = 1; i < k; i++)
		ck_assert_msg(s[i] != s[i - 1], "seed collision %lu", s[i]);
	free(s);
}
END_TEST

START_TEST(test_streams_reproduce)
{
	gsl_rng *a = bs_rng_alloc(), *b = bs_rng_alloc();
	int i;

	ck_assert_ptr_nonnull(a);
	bs_rng_seed(a, 7, 3, BS_RNG_BEHAVIOUR, 0);
	bs_rng_seed(b, 7, 3, BS_RNG_BEHAVIOUR, 0);
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
	bs_rng_seed(b, 7, 4, BS_RNG_BEHAVIOUR, 0);
	bs_rng_seed(a, 7, 3, BS_RNG_BEHAVIOUR, 0);
	ck_assert_uint_ne(gsl_rng_get(a), gsl_rng_get(b));
	ck_assert_str_eq(gsl_rng_name(a), "taus2");
	gsl_rng_free(a);
	gsl_rng_free(b);
}
END_TEST

/* bs_rng_taus32 (the per-station streams, 12 bytes of state) is GSL's
 * taus2 word for word: over 100,000 seeds (0, which GSL maps to 1, the
 * small ones, seeds above 2^32 and multiples of it, which GSL reduces,
 * the largest 32-bit ones and derived stream seeds) and 10 words each;
 * the seeds whose LCG steps fall below each minimum (2, 8, 16), which
 * only the inverse-multiplier loop reaches; then 10,000 words of a few
 * seeds, as integers and as doubles; and a block's states start as
 * gsl_rng_set(r, 0) leaves one. Fails if a shift, a mask, a minimum or
 * the warm-up differs (each tried). */
START_TEST(test_taus32_is_gsl_taus2)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_taus2);
	gsl_rng *w = gsl_rng_alloc(bs_rng_taus32);
	struct bs_rng_block blk;
	gsl_rng h = bs_rng_block_handle();
	unsigned long seed;
	size_t i, j;
	int k;

	ck_assert_ptr_nonnull(g);
	ck_assert_ptr_nonnull(w);
	ck_assert_uint_eq(gsl_rng_max(w), gsl_rng_max(g));
	ck_assert_uint_eq(gsl_rng_min(w), gsl_rng_min(g));
	for (i = 0; i < 100000; i++) {
		seed = i < 40000   ? (unsigned long)i
		       : i < 40010 ? (unsigned long)(UINT64_C(1) << 32) * (i - 39999)
		       : i < 41000 ? (unsigned long)(UINT64_C(1) << 32) + i
		       : i < 42000 ? 0xffffffffUL - (i - 41000)
				   : bs_rng_seed_of(9, i, BS_RNG_ARRIVAL, i);
		gsl_rng_set(g, seed);
		gsl_rng_set(w, seed);
		for (k = 0; k < 10; k++)
			ck_assert_uint_eq(gsl_rng_get(w), gsl_rng_get(g));
	}
	/* seeds whose LCG steps land below the minima: v / 69069^p mod 2^32
	 * makes word p (1, 2, 3) of the seeding equal to v */
	for (k = 1; k <= 3; k++)
		for (i = 0; i < 40; i++) {
			uint32_t v = (uint32_t)i;
			int p;
			for (p = 0; p < k; p++)
				v *= 0xa5e2a705u; /* 1 / 69069 mod 2^32 */
			gsl_rng_set(g, v);
			gsl_rng_set(w, v);
			for (j = 0; j < 10; j++)
				ck_assert_uint_eq(gsl_rng_get(w), gsl_rng_get(g));
		}
	for (seed = 1; seed < 5; seed++) {
		gsl_rng_set(g, seed * 2654435761UL);
		gsl_rng_set(w, seed * 2654435761UL);
		for (k = 0; k < 10000; k++) {
			ck_assert_uint_eq(gsl_rng_get(w), gsl_rng_get(g));
			ck_assert(gsl_rng_uniform(w) == gsl_rng_uniform(g));
		}
	}
	ck_assert_int_eq(bs_rng_block_alloc(&blk, 7, 3), 0);
	ck_assert_uint_eq(blk.stride % 64, 0);
	ck_assert_uint_le(blk.stride, 64); /* three streams: one line */
	gsl_rng_set(g, 0);
	for (i = 0; i < 7; i++)
		for (j = 0; j < 3; j++) {
			gsl_rng *r = bs_rng_block_point(&blk, &h, i, j);
			gsl_rng_set(g, 0);
			for (k = 0; k < 5; k++)
				ck_assert_uint_eq(gsl_rng_get(r),
						  gsl_rng_get(g));
		}
	bs_rng_block_free(&blk);
	gsl_rng_free(g);
	gsl_rng_free(w);
}
END_TEST

/* Uniform draws of a derived stream: mean 1/2 within 4 standard errors
 * (a sanity check of the seeding, not of taus2 itself). */
START_TEST(test_stream_uniform_mean)
{
	gsl_rng *r = bs_rng_alloc();
	double s = 0.0;
	int i, n = 100000;

	bs_rng_seed(r, 1, 1, BS_RNG_ARRIVAL, 123);
	for (i = 0; i < n; i++)
		s += gsl_rng_uniform(r);
	s /= n;
	ck_assert_double_le(fabs(s - 0.5), 4.0 * sqrt(1.0 / 12.0 / n));
	gsl_rng_free(r);
}
END_TEST

START_TEST(test_gsl_errors_return)
{
	double p[2] = {-1.0, 1.0};

	bs_rng_setup();
	/* with the abort handler on, this would abort the process */
	ck_assert_ptr_null(gsl_ran_discrete_preproc(2, p));
}
END_TEST

/* ---- counter-based streams (rng philox) ----------------------------- */

/* Philox4x32-10 against the known-answer vectors that ship with Random123
 * (kat_vectors: zero, all ones, and the digits of pi), so a wrong header,
 * round count or word order is caught. */
START_TEST(test_philox_known_answers)
{
	static const uint32_t in[3][6] = {
		{0, 0, 0, 0, 0, 0},
		{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
		 0xffffffffu},
		{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u,
		 0x299f31d0u}};
	static const uint32_t want[3][4] = {
		{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u},
		{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu},
		{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}};
	uint32_t out[4];
	int i, j;

	for (i = 0; i < 3; i++) {
		bs_philox(in[i], in[i] + 4, out);
		for (j = 0; j < 4; j++)
			ck_assert_uint_eq(out[j], want[i][j]);
	}
}
END_TEST

/* A stream as a gsl_rng is the words of blocks 0, 1, ... of its counter;
 * its first uniform is bs_ctr_u01 (the inline path of arrivals); the
 * same coordinates give the same stream, any other coordinate another. */
START_TEST(test_ctr_stream_layout)
{
	struct bs_ctr st;
	gsl_rng r = {bs_rng_philox, &st};
	uint32_t key[2], c[4], w[4];
	uint32_t coord[4][3] = {{7, 9, BS_RNG_DESTINATION},
				{8, 9, BS_RNG_DESTINATION},
				{7, 10, BS_RNG_DESTINATION},
				{7, 9, BS_RNG_DURATION}};
	double first[4];
	int b, j, i;

	bs_ctr_key(key, 20160201, 3);
	bs_ctr_start(&r, key, 7, 9, BS_RNG_DESTINATION);
	for (b = 0; b < 3; b++) {
		c[0] = 7;
		c[1] = 9;
		c[2] = BS_RNG_DESTINATION;
		c[3] = (uint32_t)b;
		bs_philox(c, key, w);
		for (j = 0; j < 4; j++)
			ck_assert_uint_eq(gsl_rng_get(&r), w[j]);
	}
	for (i = 0; i < 4; i++) {
		bs_ctr_start(&r, key, coord[i][0], coord[i][1], coord[i][2]);
		first[i] = gsl_rng_uniform(&r);
		ck_assert(first[i] >= 0.0 && first[i] < 1.0);
		ck_assert(first[i] == bs_ctr_u01(key, coord[i][0], coord[i][1],
						 coord[i][2]));
	}
	for (i = 1; i < 4; i++)
		ck_assert(first[i] != first[0]);
	/* another replication, another key */
	{
		uint32_t k2[2];
		bs_ctr_key(k2, 20160201, 4);
		ck_assert(k2[0] != key[0] || k2[1] != key[1]);
		ck_assert(bs_ctr_u01(k2, 7, 9, BS_RNG_DESTINATION) != first[0]);
	}
	ck_assert_str_eq(gsl_rng_name(&r), "bs-philox4x32-10");
}
END_TEST

/* Pearson's chi-square of counts o[0..k) against expected e[0..k),
 * and whether it is below the 0.9999 quantile of chi2(k - 1 - fitted):
 * a sound stream fails one run in 10,000. */
static int chisq_ok(const double *o, const double *e, int k, int fitted,
		    double *x2)
{
	int i;

	*x2 = 0.0;
	for (i = 0; i < k; i++)
		*x2 += (o[i] - e[i]) * (o[i] - e[i]) / e[i];
	return *x2 < gsl_cdf_chisq_Pinv(0.9999, (double)(k - 1 - fitted));
}

/* The first uniform of each Philox4x32 stream over stations x request
 * numbers (how a station's first gap and the feature-gated purposes
 * draw; the request block is tested below), in
 * 100 equal bins, and pairs of neighbouring request numbers in a 10 x 10
 * grid (serial correlation along a station's requests). */
START_TEST(test_ctr_uniform_chisq)
{
	enum { ST = 200, DR = 1000, B = 100 };
	double o1[B] = {0}, o2[B] = {0}, e[B], x2;
	uint32_t key[2], s, k;
	int i;

	bs_ctr_key(key, 1, 1);
	for (s = 0; s < ST; s++) {
		double prev = bs_ctr_u01(key, s, 0, BS_RNG_ARRIVAL);
		for (k = 1; k <= DR; k++) {
			double u = bs_ctr_u01(key, s, k, BS_RNG_ARRIVAL);
			o1[(int)(u * B)] += 1.0;
			o2[(int)(prev * 10) * 10 + (int)(u * 10)] += 1.0;
			prev = u;
		}
	}
	for (i = 0; i < B; i++)
		e[i] = (double)ST * DR / B;
	ck_assert_msg(chisq_ok(o1, e, B, 0, &x2), "uniform bins: chi2 %.1f", x2);
	ck_assert_msg(chisq_ok(o2, e, B, 0, &x2), "serial pairs: chi2 %.1f", x2);
}
END_TEST

/* Poisson arrivals: a station's requests from Exp(1) gaps drawn as the
 * simulator draws them (the first from the first uniform of (s, 0,
 * arrival), the gap after request k from word 0 of request k's block),
 * counted in windows of mean 4; the counts' distribution against
 * Poisson(4) (bins 0 .. 11 and 12 or more). */
static double gap_after(const uint32_t key[2], uint32_t s, uint32_t k)
{
	uint64_t x[2];

	bs_ctr_request(key, s, k, 0, x);
	return -log1p(-bs_ctr_u53(x[0]));
}

START_TEST(test_ctr_poisson_counts_chisq)
{
	enum { ST = 100, WIN = 2000, K = 13 };
	const double mu = 4.0;
	double o[K] = {0}, e[K], x2, tail = 1.0;
	uint32_t key[2], s;
	int i;

	bs_ctr_key(key, 20160201, 1);
	for (s = 0; s < ST; s++) {
		uint32_t k = 0;
		double t = -log1p(-bs_ctr_u01(key, s, 0, BS_RNG_ARRIVAL)) / mu;
		int win;
		for (win = 0; win < WIN; win++) {
			int c = 0;
			while (t < win + 1.0) {
				c++;
				t += gap_after(key, s, k) / mu;
				k++;
			}
			o[c < K - 1 ? c : K - 1] += 1.0;
		}
	}
	for (i = 0; i < K - 1; i++) {
		e[i] = (double)ST * WIN * gsl_ran_poisson_pdf((unsigned)i, mu);
		tail -= gsl_ran_poisson_pdf((unsigned)i, mu);
	}
	e[K - 1] = (double)ST * WIN * tail;
	ck_assert_msg(chisq_ok(o, e, K, 0, &x2), "Poisson counts: chi2 %.1f", x2);
}
END_TEST

/* Philox2x64-10 (the request block) against Random123's known-answer
 * vectors (kat_vectors: zero, all ones, the digits of pi). */
START_TEST(test_philox2x64_known_answers)
{
	static const uint64_t in[3][3] = {
		{0, 0, 0},
		{UINT64_MAX, UINT64_MAX, UINT64_MAX},
		{UINT64_C(0x243f6a8885a308d3), UINT64_C(0x13198a2e03707344),
		 UINT64_C(0xa4093822299f31d0)}};
	static const uint64_t want[3][2] = {
		{UINT64_C(0xca00a0459843d731), UINT64_C(0x66c24222c9a845b5)},
		{UINT64_C(0x65b021d60cd8310f), UINT64_C(0x4d02f3222f86df20)},
		{UINT64_C(0x0a5e742c2997341c), UINT64_C(0xb0f883d38000de5d)}};
	uint64_t out[2];
	int i;

	for (i = 0; i < 3; i++) {
		bs_philox2x64(in[i], in[i][2], out);
		ck_assert(out[0] == want[i][0]);
		ck_assert(out[1] == want[i][1]);
	}
}
END_TEST

/* The request block is Philox2x64-10 of (station, request number) under
 * the replication's 64-bit key; any other coordinate, another block; its
 * uniforms in [0, 1); its 22 destination bits the low 11 of each word. */
START_TEST(test_ctr_request_layout)
{
	uint32_t key[2];
	uint64_t x[2], y[2], c[2] = {7, 9};
	double u;

	bs_ctr_key(key, 20160201, 3);
	bs_ctr_request(key, 7, 9, 0, x);
	bs_philox2x64(c, (uint64_t)key[1] << 32 | key[0], y);
	ck_assert(x[0] == y[0] && x[1] == y[1]);
	bs_ctr_request(key, 8, 9, 0, y);
	ck_assert(x[0] != y[0] && x[1] != y[1]);
	bs_ctr_request(key, 7, 10, 0, y);
	ck_assert(x[0] != y[0] && x[1] != y[1]);
	bs_ctr_key(key, 20160201, 4);
	bs_ctr_request(key, 7, 9, 0, y);
	ck_assert(x[0] != y[0] && x[1] != y[1]);
	/* block 1: the counter (7, 2^32 + 9), not block 0 */
	bs_ctr_key(key, 20160201, 3);
	bs_ctr_request(key, 7, 9, 1, y);
	c[1] = (uint64_t)1 << 32 | 9;
	{
		uint64_t z[2];
		bs_philox2x64(c, (uint64_t)key[1] << 32 | key[0], z);
		ck_assert(y[0] == z[0] && y[1] == z[1]);
		ck_assert(y[0] != x[0] && y[1] != x[1]);
	}
	ck_assert_uint_eq(bs_ctr_bits22(x),
			  (uint32_t)((x[0] & 2047) << 11 | (x[1] & 2047)));
	ck_assert(bs_ctr_u53(0) == 0.0);
	u = bs_ctr_u53(UINT64_MAX);
	ck_assert(u < 1.0 && u == 1.0 - 1.0 / 9007199254740992.0);
	/* the low 11 bits (the destination's) do not touch the uniform */
	ck_assert(bs_ctr_u53(x[0]) == bs_ctr_u53(x[0] | 2047));
}
END_TEST

/* Lemire's method is exact: over all 2^22 words, every outcome in
 * [0, n) is given by exactly floor(2^22 / n) of them and the other
 * 2^22 mod n are refused; n above 2^22 is always refused. */
START_TEST(test_ctr_lemire_exact)
{
	static const uint32_t ns[] = {1, 2, 3, 7, 1999, 19999, 65535, 1000003,
				      4194304};
	uint32_t *cnt = malloc(4194304 * sizeof(*cnt));
	size_t i;

	ck_assert_ptr_nonnull(cnt);
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		uint32_t n = ns[i], w, k, refused = 0, out = 0;
		uint32_t want = 4194304u / n;
		/* no ck_assert in the loop: each one costs a write to Check */
		for (k = 0; k < n; k++)
			cnt[k] = 0;
		for (w = 0; w < 4194304u; w++) {
			if (!bs_ctr_lemire22(w, n, &k))
				refused++;
			else if (k < n)
				cnt[k]++;
			else
				out++;
		}
		ck_assert_uint_eq(out, 0);
		ck_assert_uint_eq(refused, 4194304u % n);
		for (k = 0; k < n; k++)
			if (cnt[k] != want)
				ck_abort_msg("n %u: outcome %u drawn %u times, not %u",
					     n, k, cnt[k], want);
	}
	free(cnt);
	{
		uint32_t k = 0;
		ck_assert(!bs_ctr_lemire22(5, 4194305, &k));
		ck_assert(!bs_ctr_lemire(5, 32, 0, &k));
		ck_assert(bs_ctr_lemire(UINT32_MAX, 32, UINT32_MAX, &k));
		ck_assert_uint_eq(k, UINT32_MAX - 1);
	}
}
END_TEST

/* The refusals' continuation: bs_ctr_uniform_int on a counter stream is
 * uniform on [0, n), also where a word is refused one time in four (n =
 * 3 2^30: chi-square of k / 2^30 over its three values) and for n = 10. */
START_TEST(test_ctr_uniform_int_chisq)
{
	enum { N = 60000 };
	struct bs_ctr st;
	gsl_rng r = {bs_rng_philox, &st};
	uint32_t key[2], i, n3 = 3u << 30;
	double o3[3] = {0}, o10[10] = {0}, e3[3], e10[10], x2;

	bs_ctr_key(key, 99, 1);
	bs_ctr_start(&r, key, 1, 2, BS_RNG_DESTINATION);
	for (i = 0; i < N; i++) {
		uint32_t k = bs_ctr_uniform_int(&r, n3);
		o3[k < n3 ? k >> 30 : 0] += k < n3 ? 1.0 : 1e9;
		o10[bs_ctr_uniform_int(&r, 10)] += 1.0;
	}
	for (i = 0; i < 3; i++)
		e3[i] = N / 3.0;
	for (i = 0; i < 10; i++)
		e10[i] = N / 10.0;
	ck_assert_msg(chisq_ok(o3, e3, 3, 0, &x2), "n = 3 2^30: chi2 %.1f", x2);
	ck_assert_msg(chisq_ok(o10, e10, 10, 0, &x2), "n = 10: chi2 %.1f", x2);
	ck_assert_uint_eq(bs_ctr_uniform_int(&r, 1), 0);
}
END_TEST

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Kolmogorov-Smirnov distance of sorted x[0..n) from Exp(1). */
static double ks_exp1(double *x, size_t n)
{
	double D = 0.0;
	size_t i;

	qsort(x, n, sizeof(*x), cmp_d);
	for (i = 0; i < n; i++) {
		double F = -expm1(-x[i]);
		double a = F - (double)i / (double)n;
		double b = (double)(i + 1) / (double)n - F;
		if (a > D)
			D = a;
		if (b > D)
			D = b;
	}
	return D;
}

/* The fused draws of the request block, over 200 stations x 1,000
 * requests: the arrival gap and the ride variate are Exp(1) (KS distance
 * below the 0.999 quantile, 1.95 / sqrt(n)); the two words' uniforms in
 * a 10 x 10 grid (independent within a block) and the gaps of
 * neighbouring requests likewise (along a station); the destination of
 * n = 20 outcomes by Lemire on the 22 bits, in 20 bins. */
START_TEST(test_ctr_request_fused_draws)
{
	enum { ST = 200, DR = 1000, NN = ST * DR, B = 100, ND = 20 };
	double *g = malloc(NN * sizeof(*g)), *v = malloc(NN * sizeof(*v));
	double pair[B] = {0}, serial[B] = {0}, dest[ND] = {0}, e[B], ed[ND];
	double x2, D, crit = 1.95 / sqrt((double)NN);
	uint32_t key[2], s, k;
	size_t n = 0;
	int i;

	ck_assert_ptr_nonnull(g);
	ck_assert_ptr_nonnull(v);
	bs_ctr_key(key, 1, 1);
	for (s = 0; s < ST; s++) {
		double prev = 0.0;
		for (k = 0; k < DR; k++, n++) {
			uint64_t x[2];
			uint32_t d;
			double u0, u1;
			bs_ctr_request(key, s, k, 0, x);
			u0 = bs_ctr_u53(x[0]);
			u1 = bs_ctr_u53(x[1]);
			g[n] = -log1p(-u0);
			v[n] = -log1p(-u1);
			pair[(int)(u0 * 10) * 10 + (int)(u1 * 10)] += 1.0;
			if (k)
				serial[(int)(prev * 10) * 10 + (int)(u0 * 10)] += 1.0;
			prev = u0;
			if (bs_ctr_lemire22(bs_ctr_bits22(x), ND, &d))
				dest[d] += 1.0;
		}
	}
	for (i = 0; i < B; i++)
		e[i] = (double)NN / B;
	ck_assert_msg(chisq_ok(pair, e, B, 0, &x2), "word pairs: chi2 %.1f", x2);
	for (i = 0; i < B; i++)
		e[i] = (double)ST * (DR - 1) / B;
	ck_assert_msg(chisq_ok(serial, e, B, 0, &x2), "serial gaps: chi2 %.1f",
		      x2);
	for (i = 0; i < ND; i++)
		ed[i] = (double)NN / ND; /* refusals: 4 in 2^22, none here */
	ck_assert_msg(chisq_ok(dest, ed, ND, 0, &x2), "destinations: chi2 %.1f",
		      x2);
	D = ks_exp1(g, NN);
	ck_assert_msg(D < crit, "gaps: KS %.5f (limit %.5f)", D, crit);
	D = ks_exp1(v, NN);
	ck_assert_msg(D < crit, "ride variates: KS %.5f (limit %.5f)", D, crit);
	free(g);
	free(v);
}
END_TEST

/* The log-normal rides' Gaussian, bs_ctr_gauss of x[1] (radius) and of
 * block 1's y[1] (angle) over 200 stations x 1,000 requests: standard
 * normal by KS (below the 0.999 quantile, 1.95 / sqrt(n)), and
 * exp(-sd^2 / 2 + sd z) of mean one within 5 standard errors (sd 0.4). */
START_TEST(test_ctr_gauss_ks)
{
	enum { ST = 200, DR = 1000, NN = ST * DR };
	double *z = malloc(NN * sizeof(*z)), D = 0.0, m = 0.0, sd = 0.4;
	double se = sqrt(expm1(sd * sd) / NN);
	uint32_t key[2], s, k;
	size_t n = 0, i;

	ck_assert_ptr_nonnull(z);
	bs_ctr_key(key, 8, 2);
	for (s = 0; s < ST; s++)
		for (k = 0; k < DR; k++, n++) {
			uint64_t x[2], y[2];
			bs_ctr_request(key, s, k, 0, x);
			bs_ctr_request(key, s, k, 1, y);
			z[n] = bs_ctr_gauss(x[1], y[1]);
			m += exp(-0.5 * sd * sd + sd * z[n]) / NN;
		}
	qsort(z, NN, sizeof(*z), cmp_d);
	for (i = 0; i < NN; i++) {
		double F = gsl_cdf_ugaussian_P(z[i]);
		D = fmax(D, fmax(F - (double)i / NN, (double)(i + 1) / NN - F));
	}
	ck_assert_msg(D < 1.95 / sqrt((double)NN), "Gaussian: KS %.5f", D);
	ck_assert_msg(fabs(m - 1.0) < 5.0 * se, "log-normal mean %.5f", m);
	free(z);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("rng");
	TCase *tc = tcase_create("streams");

	tcase_add_test(tc, test_mix_deterministic_and_distinct);
	tcase_add_test(tc, test_no_seed_collisions_in_a_run);
	tcase_add_test(tc, test_streams_reproduce);
	tcase_add_test(tc, test_taus32_is_gsl_taus2);
	tcase_add_test(tc, test_stream_uniform_mean);
	tcase_add_test(tc, test_gsl_errors_return);
	tcase_add_test(tc, test_philox_known_answers);
	tcase_add_test(tc, test_ctr_stream_layout);
	tcase_add_test(tc, test_ctr_uniform_chisq);
	tcase_add_test(tc, test_ctr_poisson_counts_chisq);
	tcase_add_test(tc, test_philox2x64_known_answers);
	tcase_add_test(tc, test_ctr_request_layout);
	tcase_add_test(tc, test_ctr_lemire_exact);
	tcase_add_test(tc, test_ctr_uniform_int_chisq);
	tcase_add_test(tc, test_ctr_request_fused_draws);
	tcase_add_test(tc, test_ctr_gauss_ks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
