/*
 * check_pool.c - the task pool: every task runs exactly once whatever the
 * number of threads, a failure reports the lowest-numbered failed task and
 * stops the rest, a stop request interrupts, and a caller's task source
 * is drained.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/pool.h"
#include "testutil.h"

#define N 200

struct ctx {
	atomic_int runs[N];
	atomic_int workers;
	int fail_from;       /* tasks >= this fail (N: none) */
	atomic_int *stop;
	int stop_at;         /* raise *stop when this task runs (-1: never) */
	uint64_t next;       /* for the next() source */
	uint64_t last_done;
	int progress_ok;
};

static void *wnew(void *ud)
{
	struct ctx *c = ud;

	atomic_fetch_add(&c->workers, 1);
	return malloc(16); /* a state object of its own */
}

static void wfree(void *ud, void *ws)
{
	(void)ud;
	free(ws);
}

static int run(void *ud, void *ws, uint64_t t, const struct bs_pool_ctl *hooks,
	       struct bs_error *err)
{
	struct ctx *c = ud;

	ck_assert_ptr_nonnull(ws);
	ck_assert_ptr_nonnull(hooks->stop);
	ck_assert(hooks->progress != NULL);
	atomic_fetch_add(&c->runs[t], 1);
	hooks->progress(hooks->progress_ud, 1, 0.5);
	if ((int)t == c->stop_at)
		atomic_store(c->stop, 1);
	if ((int)t >= c->fail_from) {
		bs_error_set(err, BS_E_RUN, NULL, 0, 0, NULL, "task %d failed",
			     (int)t);
		return BS_E_RUN;
	}
	return 0;
}

static void progress(void *ud, uint64_t done, double in_flight)
{
	struct ctx *c = ud;

	/* serialised by the pool: done never goes back */
	if (done < c->last_done || in_flight < 0.0)
		c->progress_ok = 0;
	c->last_done = done;
}

static void init(struct ctx *c, atomic_int *stop)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < N; i++)
		atomic_init(&c->runs[i], 0);
	atomic_init(&c->workers, 0);
	c->fail_from = N;
	c->stop = stop;
	c->stop_at = -1;
	c->progress_ok = 1;
}

static void opts(struct bs_pool_opts *o, struct ctx *c, unsigned jobs)
{
	memset(o, 0, sizeof(*o));
	o->jobs = jobs;
	o->ntasks = N;
	o->worker_new = wnew;
	o->worker_free = wfree;
	o->run = run;
	o->progress = progress;
	o->ud = c;
	o->stop = c->stop;
}

START_TEST(test_each_task_once)
{
	static const unsigned jobs[] = {1, 3, 8};
	size_t k;

	for (k = 0; k < sizeof(jobs) / sizeof(jobs[0]); k++) {
		struct ctx c;
		struct bs_pool_opts o;
		struct bs_error err;
		atomic_int stop;
		uint64_t done = 0;
		int i;

		atomic_init(&stop, 0);
		init(&c, &stop);
		opts(&o, &c, jobs[k]);
		ck_assert_int_eq(bs_pool_run(&o, &done, &err), 0);
		ck_assert_uint_eq(done, N);
		for (i = 0; i < N; i++)
			ck_assert_int_eq(atomic_load(&c.runs[i]), 1);
		ck_assert_int_eq(atomic_load(&c.workers), (int)jobs[k]);
		ck_assert(c.progress_ok);
		ck_assert_uint_eq(c.last_done, N);
	}
}
END_TEST

START_TEST(test_failure_lowest_task)
{
	struct ctx c;
	struct bs_pool_opts o;
	struct bs_error err;
	atomic_int stop;
	uint64_t done = 0;
	int i;

	atomic_init(&stop, 0);
	init(&c, &stop);
	c.fail_from = 37;
	opts(&o, &c, 3);
	ck_assert_int_eq(bs_pool_run(&o, &done, &err), BS_E_RUN);
	ck_assert_str_eq(err.text, "task 37 failed");
	ck_assert_uint_ge(done, 37);
	/* the rest stopped: far fewer than all tasks ran */
	for (i = 0; i < 37; i++)
		ck_assert_int_eq(atomic_load(&c.runs[i]), 1);
	ck_assert_int_eq(atomic_load(&c.runs[N - 1]), 0);
}
END_TEST

START_TEST(test_stop_interrupts)
{
	struct ctx c;
	struct bs_pool_opts o;
	struct bs_error err;
	atomic_int stop;
	uint64_t done = 0;

	atomic_init(&stop, 0);
	init(&c, &stop);
	c.stop_at = 10;
	opts(&o, &c, 2);
	ck_assert_int_eq(bs_pool_run(&o, &done, &err), BS_E_INTERRUPTED);
	ck_assert_uint_lt(done, N);
	ck_assert_int_eq(atomic_load(&c.runs[N - 1]), 0);
}
END_TEST

static int next_even(void *ud, uint64_t *task)
{
	struct ctx *c = ud;

	if (c->next >= N)
		return -1;
	*task = c->next;
	c->next += 2;
	return 0;
}

START_TEST(test_next_source)
{
	struct ctx c;
	struct bs_pool_opts o;
	struct bs_error err;
	atomic_int stop;
	uint64_t done = 0;
	int i;

	atomic_init(&stop, 0);
	init(&c, &stop);
	opts(&o, &c, 3);
	o.next = next_even;
	o.ntasks = 0; /* ignored with next() */
	ck_assert_int_eq(bs_pool_run(&o, &done, &err), 0);
	ck_assert_uint_eq(done, N / 2);
	for (i = 0; i < N; i++)
		ck_assert_int_eq(atomic_load(&c.runs[i]), i % 2 == 0);
}
END_TEST

START_TEST(test_no_tasks)
{
	struct ctx c;
	struct bs_pool_opts o;
	struct bs_error err;
	atomic_int stop;
	uint64_t done = 7;

	atomic_init(&stop, 0);
	init(&c, &stop);
	opts(&o, &c, 4);
	o.ntasks = 0;
	ck_assert_int_eq(bs_pool_run(&o, &done, &err), 0);
	ck_assert_uint_eq(done, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");

	tcase_add_test(tc, test_each_task_once);
	tcase_add_test(tc, test_failure_lowest_task);
	tcase_add_test(tc, test_stop_interrupts);
	tcase_add_test(tc, test_next_source);
	tcase_add_test(tc, test_no_tasks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
