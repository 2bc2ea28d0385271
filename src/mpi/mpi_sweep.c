/*
 * mpi_sweep.c - `bssim-mpi sweep` on several MPI ranks (built only by
 * `make mpi`, with -DBS_MPI and Open MPI's mpicc).
 *
 * Rank 0 coordinates: it checks every point, opens the output folder's
 * task log and plan exactly as the threaded sweep does (sweep_prepare),
 * then hands out tasks one at a time to whichever rank asks (dynamic
 * assignment: a slow point never holds up the others), appends each
 * result to the log as it arrives, and writes the outputs at the end from
 * the log (sweep_finish) - so the bytes are those of `bssim sweep --jobs
 * 1`. Every other rank loads the sweep file (no worlds until it runs a
 * task of a point) and loops: ask, run, send the record line back.
 *
 * Rank 0 does not sit idle: a helper thread on it runs tasks from the same
 * dispenser while the main thread, the only one that calls MPI (thread
 * level MPI_THREAD_FUNNELED), polls for messages with MPI_Iprobe and
 * sleeps a millisecond between polls instead of spinning in MPI_Recv. So
 * `mpirun -np N` keeps N cores busy.
 *
 * Protocol (tags): a worker sends READY, RESULT (a record line), FAIL (an
 * error message) or STOPPED (interrupted); rank 0 answers every message
 * with TASK (a task number) or STOP. A worker leaves once it has read
 * STOP, so rank 0 knows when every rank is done. Signals: mpirun turns
 * Ctrl-C into SIGTERM for every rank; each stops its task in flight, and
 * the tasks recorded so far stay in the log for --resume.
 */
#include <mpi.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/pool.h"
#include "exp/runner.h"
#include "sweep_cli.h"

enum { TAG_READY = 1, TAG_RESULT, TAG_FAIL, TAG_STOPPED, TAG_TASK, TAG_STOP };

/* Set once by bs_mpi_init, before any thread; read-only afterwards. */
static int mpi_rank, mpi_size = 1, mpi_threads_ok;

int bs_mpi_init(int *argc, char ***argv)
{
	int provided = 0;

	if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) !=
	    MPI_SUCCESS) {
		fprintf(stderr, "bssim: cannot start MPI\n");
		return -1;
	}
	mpi_threads_ok = provided >= MPI_THREAD_FUNNELED;
	MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
	MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
	return 0;
}

int bs_mpi_finalize(int status)
{
	MPI_Finalize();
	return status;
}

int bs_mpi_size(void)
{
	return mpi_size;
}

int bs_mpi_rank(void)
{
	return mpi_rank;
}

static void nap(void)
{
	struct timespec ts = {0, 1000000}; /* 1 ms */

	nanosleep(&ts, NULL);
}

/* ---- rank 0 --------------------------------------------------------------- */

struct coord {
	struct sweep_ctx *x;
	pthread_mutex_t mu;
	uint64_t next;        /* index into x->todo */
	int no_more;          /* stop handing out tasks */
	atomic_ullong recorded;
	int rc;               /* first failure */
	struct bs_error err;
	int helper_rc;
	struct bs_error helper_err;
};

/* Take the next task for anyone (helper thread or a rank). */
static int dispense(struct coord *C, uint64_t *task)
{
	int rc = -1;

	pthread_mutex_lock(&C->mu);
	if (!C->no_more && !atomic_load(&bs_cli_stop) && C->next < C->x->ntodo) {
		*task = C->x->todo[C->next++];
		rc = 0;
	}
	pthread_mutex_unlock(&C->mu);
	return rc;
}

static void halt(struct coord *C)
{
	pthread_mutex_lock(&C->mu);
	C->no_more = 1;
	pthread_mutex_unlock(&C->mu);
}

static int helper_next(void *ud, uint64_t *task)
{
	return dispense(ud, task);
}

static void *helper_worker_new(void *ud)
{
	return bs_exec_worker_new(((struct coord *)ud)->x->exec);
}

static void helper_worker_free(void *ud, void *ws)
{
	(void)ud;
	bs_exec_worker_free(ws);
}

static int helper_run(void *ud, void *ws, uint64_t t,
		      const struct bs_pool_ctl *ctl, struct bs_error *err)
{
	struct bs_run_hooks hooks_, *hooks = &hooks_;
	struct coord *C = ud;
	char *line;
	int rc;

	bs_hooks_from_ctl(hooks, ctl);
	rc = sweep_task(C->x, ws, t, hooks, &line, err);
	if (!rc) {
		rc = bs_tasklog_append(C->x->log, line, err);
		free(line);
	}
	if (rc)
		halt(C);
	else
		atomic_fetch_add(&C->recorded, 1);
	return rc;
}

static void *helper_main(void *arg)
{
	struct coord *C = arg;
	struct bs_pool_opts po;

	memset(&po, 0, sizeof(po));
	po.jobs = 1;
	po.next = helper_next;
	po.worker_new = helper_worker_new;
	po.worker_free = helper_worker_free;
	po.run = helper_run;
	po.ud = C;
	po.stop = &bs_cli_stop;
	bs_error_clear(&C->helper_err);
	C->helper_rc = bs_pool_run(&po, NULL, &C->helper_err);
	return NULL;
}

/* Receive a message of chars (NUL-terminated copy). NULL: no memory. */
static char *recv_text(MPI_Status *st)
{
	int n = 0;
	char *buf;

	MPI_Get_count(st, MPI_CHAR, &n);
	buf = malloc((size_t)n + 1);
	MPI_Recv(buf ? buf : NULL, buf ? n : 0, MPI_CHAR, st->MPI_SOURCE,
		 st->MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	if (buf)
		buf[n] = '\0';
	return buf;
}

static void fail_once(struct coord *C, int rc, const struct bs_error *e)
{
	if (!C->rc) {
		C->rc = rc;
		C->err = *e;
	}
	halt(C);
}

static int coordinate(struct sweep_ctx *x)
{
	struct coord C;
	pthread_t helper;
	int have_helper = 0, active = mpi_size - 1, rc;
	uint64_t before = x->nmine - x->ntodo;

	memset(&C, 0, sizeof(C));
	C.x = x;
	atomic_init(&C.recorded, 0);
	if (pthread_mutex_init(&C.mu, NULL)) {
		bs_cli_usage("sweep", "out of memory");
		return BS_E_NOMEM;
	}
	if (mpi_threads_ok && pthread_create(&helper, NULL, helper_main, &C) == 0)
		have_helper = 1;
	while (active > 0) {
		MPI_Status st;
		int flag = 0, src;
		uint64_t task;

		MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
		if (!flag) {
			uint64_t done = before + atomic_load(&C.recorded);
			bs_progress_update(&x->pr, (uint32_t)done,
					   (uint32_t)x->nmine,
					   x->nmine ? (double)done / (double)x->nmine
						    : 1.0);
			if (atomic_load(&bs_cli_stop))
				halt(&C);
			nap();
			continue;
		}
		src = st.MPI_SOURCE;
		if (st.MPI_TAG == TAG_READY) {
			MPI_Recv(NULL, 0, MPI_CHAR, src, TAG_READY,
				 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		} else {
			char *text = recv_text(&st);
			struct bs_error e;
			bs_error_clear(&e);
			if (!text) {
				bs_error_set(&e, BS_E_NOMEM, NULL, 0, 0, NULL,
					     "out of memory receiving from rank %d",
					     src);
				fail_once(&C, BS_E_NOMEM, &e);
			} else if (st.MPI_TAG == TAG_RESULT) {
				if ((rc = bs_tasklog_append(x->log, text, &e)))
					fail_once(&C, rc, &e);
				else
					atomic_fetch_add(&C.recorded, 1);
			} else if (st.MPI_TAG == TAG_FAIL) {
				bs_error_set(&e, BS_E_RUN, NULL, 0, 0, NULL,
					     "rank %d: %s", src, text);
				fail_once(&C, BS_E_RUN, &e);
			} else { /* TAG_STOPPED: interrupted there */
				halt(&C);
			}
			free(text);
		}
		if (dispense(&C, &task) == 0) {
			MPI_Send(&task, 1, MPI_UINT64_T, src, TAG_TASK,
				 MPI_COMM_WORLD);
		} else {
			MPI_Send(NULL, 0, MPI_CHAR, src, TAG_STOP, MPI_COMM_WORLD);
			active--;
		}
	}
	if (have_helper)
		pthread_join(helper, NULL);
	else
		halt(&C);
	pthread_mutex_destroy(&C.mu);
	if (!C.rc && have_helper && C.helper_rc &&
	    C.helper_rc != BS_E_INTERRUPTED) {
		C.rc = C.helper_rc;
		C.err = C.helper_err;
	}
	if (C.rc)
		return sweep_finish(x, C.rc, &C.err);
	/* a stop leaves tasks undone */
	if (before + atomic_load(&C.recorded) < x->nmine)
		return sweep_finish(x, BS_E_INTERRUPTED, &C.err);
	return sweep_finish(x, 0, &C.err);
}

/* ---- ranks 1.. ------------------------------------------------------------ */

struct wrk {
	struct sweep_ctx *x;
	char *outbox;  /* the last record, sent with the next request */
};

/* Send what we have, wait for the answer. 0 with a task, -1 on STOP. */
static int exchange(struct wrk *W, int tag, const char *text, uint64_t *task)
{
	MPI_Status st;

	if (text)
		MPI_Send(text, (int)strlen(text), MPI_CHAR, 0, tag,
			 MPI_COMM_WORLD);
	else
		MPI_Send(NULL, 0, MPI_CHAR, 0, tag, MPI_COMM_WORLD);
	(void)W;
	MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
	if (st.MPI_TAG == TAG_TASK) {
		MPI_Recv(task, 1, MPI_UINT64_T, 0, TAG_TASK, MPI_COMM_WORLD,
			 MPI_STATUS_IGNORE);
		return 0;
	}
	MPI_Recv(NULL, 0, MPI_CHAR, 0, TAG_STOP, MPI_COMM_WORLD,
		 MPI_STATUS_IGNORE);
	return -1;
}

static int wrk_next(void *ud, uint64_t *task)
{
	struct wrk *W = ud;
	int rc;

	if (W->outbox) {
		rc = exchange(W, TAG_RESULT, W->outbox, task);
		free(W->outbox);
		W->outbox = NULL;
	} else {
		rc = exchange(W, TAG_READY, NULL, task);
	}
	return rc;
}

static void *wrk_worker_new(void *ud)
{
	return bs_exec_worker_new(((struct wrk *)ud)->x->exec);
}

static void wrk_worker_free(void *ud, void *ws)
{
	(void)ud;
	bs_exec_worker_free(ws);
}

static int wrk_run(void *ud, void *ws, uint64_t t,
		   const struct bs_pool_ctl *ctl, struct bs_error *err)
{
	struct bs_run_hooks hooks_, *hooks = &hooks_;
	struct wrk *W = ud;

	bs_hooks_from_ctl(hooks, ctl);

	return sweep_task(W->x, ws, t, hooks, &W->outbox, err);
}

static void work(struct sweep_ctx *x)
{
	struct wrk W;
	struct bs_pool_opts po;
	struct bs_exec_source src;
	struct bs_error err;
	uint64_t ignored;
	int rc, stopped = 0;

	memset(&W, 0, sizeof(W));
	W.x = x;
	memset(&src, 0, sizeof(src));
	src.npoints = x->sw->npoints;
	src.reps = x->sw->reps;
	src.scenario = sweep_scenario;
	src.ud = x;
	src.paranoid = x->c.paranoid;
	x->exec = bs_exec_new(&src);
	bs_error_clear(&err);
	if (x->exec) {
		memset(&po, 0, sizeof(po));
		po.jobs = 1;
		po.next = wrk_next;
		po.worker_new = wrk_worker_new;
		po.worker_free = wrk_worker_free;
		po.run = wrk_run;
		po.ud = &W;
		po.stop = &bs_cli_stop;
		rc = bs_pool_run(&po, NULL, &err);
		if (rc == 0)
			stopped = 1; /* STOP read in wrk_next */
	} else {
		rc = BS_E_NOMEM;
		bs_error_set(&err, rc, NULL, 0, 0, NULL, "out of memory");
	}
	/* a record finished but not yet sent (stopped right after it) */
	if (!stopped && W.outbox)
		stopped = exchange(&W, TAG_RESULT, W.outbox, &ignored) != 0;
	free(W.outbox);
	/* tell rank 0 why we stop; it answers STOP to these */
	while (!stopped) {
		char buf[2048];
		if (rc == BS_E_INTERRUPTED)
			stopped = exchange(&W, TAG_STOPPED, NULL, &ignored) != 0;
		else
			stopped = exchange(&W, TAG_FAIL,
					   bs_error_format(&err, buf, sizeof(buf)),
					   &ignored) != 0;
	}
}

/* ---- the command ------------------------------------------------------------ */

int bs_mpi_sweep(struct sweep_ctx *x)
{
	struct bs_error err;
	int st, r0, worst, status = BS_EXIT_OK;

	if (x->c.jobs_given && x->c.jobs > 1) {
		bs_cli_usage("sweep",
			     "--jobs does not apply under MPI: run one rank per core (mpirun -np N)");
		return BS_EXIT_USAGE;
	}
	bs_cli_signals();
	/* every rank reads the sweep file; rank 0 speaks for the common
	 * case, a rank that alone fails (a file missing on its node) for
	 * itself */
	bs_error_clear(&err);
	st = sweep_load(x, &err);
	r0 = st;
	MPI_Bcast(&r0, 1, MPI_INT, 0, MPI_COMM_WORLD);
	MPI_Allreduce(&st, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	if (r0 || worst) {
		if (mpi_rank == 0 || (!r0 && st)) {
			/* rank 0 speaks for all; another rank only for a
			 * fault of its own (a file missing on its node) */
			char buf[2048];
			if (mpi_rank) {
				/* still one thread here: unmute this rank to
				 * say it, escaped like every message */
				bs_cli_mute = 0;
				bs_cli_say("MPI rank %d: %s", mpi_rank,
					   bs_error_format(&err, buf, sizeof(buf)));
				bs_cli_mute = 1;
			} else {
				bs_cli_error(&err);
			}
		}
		return r0 ? r0 : worst;
	}
	if (mpi_rank == 0) {
		status = sweep_prepare(x);
		x->info.mode = "mpi";
		x->info.workers = (unsigned)mpi_size;
	}
	MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (status)
		return status;
	if (mpi_rank == 0)
		status = coordinate(x);
	else
		work(x);
	MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
	return status;
}
