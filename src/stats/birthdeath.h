/*
 * birthdeath.h - one port as a birth-death chain: its exact expected lost
 * demand over a finite horizon, the optimiser's known optimum
 * (docs/validation.md, "The optimiser on known optima").
 *
 * A port of K docks starts with s bikes; rentals come as a Poisson
 * process of rate lambda, returns as one of rate mu, both independent of
 * the stock. A rental finding the port empty is lost, a return finding it
 * full is refused. The stock is a continuous-time Markov chain on 0..K;
 * the expected number of lost rentals and refused returns over [0, T] is
 *
 *     E_s = int_0^T sum_x p_x(t) c_x dt,   c_0 = lambda, c_K = mu,
 *
 * computed by uniformisation at rate L = lambda + mu: with P the
 * uniformised jump matrix and pi_n = e_s P^n, int_0^T p(t) dt =
 * sum_n pi_n P(N(LT) > n) / L, N a Poisson count. Raviv & Kolka (IIE
 * Transactions 45, 2013) show E_s is convex in s.
 *
 * Cost: O(K (LT + 12 sqrt(LT) + 40)) time, O(K) memory. Every rate and
 * the horizon must be finite and >= 0 (a programming error otherwise).
 */
#ifndef BSSIM_BIRTHDEATH_H
#define BSSIM_BIRTHDEATH_H

#include <stdint.h>

/*
 * Expected lost rentals and refused returns over [0, T] from s bikes
 * (s <= K), into *lost_rent and *lost_ret (either may be NULL). 0, or
 * BS_E_NOMEM.
 */
int bs_bd_expected_loss(uint32_t K, double lambda, double mu, double T,
			uint32_t s, double *lost_rent, double *lost_ret);

/*
 * E_s for every s in 0..K into loss[K + 1], and the s that minimises it
 * (the lowest, on ties) into *best. 0, or BS_E_NOMEM.
 */
int bs_bd_best_stock(uint32_t K, double lambda, double mu, double T,
		     double *loss, uint32_t *best);

#endif
