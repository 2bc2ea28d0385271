/*
 * main.c - bssim-mpi, the sweep on MPI ranks (built only by `make mpi`
 * with Open MPI's mpicc): `mpirun -np N bssim-mpi sweep SWEEP.json [-o
 * DIR] [--resume] [--shard I/N] [--quiet] [--force] [--paranoid]`. A
 * front end of its own, on bssim.h alone: every other command is the
 * bssim executable's.
 *
 * Rank 0 coordinates: it opens the sweep's job (every point checked, the
 * folder claimed and locked, the task log opened, the plan written)
 * exactly as `bssim sweep` does, then hands out the job's tasks one at a
 * time to whichever rank asks (dynamic assignment: a slow point never
 * holds up the others), records each result line as it arrives, and
 * finishes the job (the outputs, from the log), so the bytes are those
 * of `bssim sweep --jobs 1`. Every other rank loads the sweep file (no
 * worlds until it runs a task of a point) and runs the library's task
 * loop with a task source that asks rank 0 for the next task and sends
 * it the last record.
 *
 * Rank 0 does not sit idle: a helper thread on it runs tasks from the
 * same dispenser while the main thread, the only one that calls MPI
 * (thread level MPI_THREAD_FUNNELED), polls for messages with MPI_Iprobe
 * and sleeps a millisecond between polls instead of spinning in
 * MPI_Recv. So `mpirun -np N` keeps N cores busy.
 *
 * Protocol (tags): a worker sends READY, RESULT (a record line), FAIL (an
 * error message) or STOPPED (interrupted); rank 0 answers every message
 * with TASK (a task number) or STOP. A worker leaves once it has read
 * STOP, so rank 0 knows when every rank is done. Signals: mpirun turns
 * Ctrl-C into SIGTERM for every rank; each asks the library to stop, and
 * the tasks recorded so far stay in the log for --resume.
 */
#include <mpi.h>

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bssim.h"

enum { TAG_READY = 1, TAG_RESULT, TAG_FAIL, TAG_STOPPED, TAG_TASK, TAG_STOP };
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

static const char HELP[] =
	"usage: mpirun -np N bssim-mpi sweep SWEEP.json [-o DIR] [--resume|--fresh]\n"
	"                    [--shard I/N] [--quiet] [--force] [--paranoid]\n"
	"\n"
	"Run a sweep's tasks on N MPI ranks: rank 0 writes the output folder,\n"
	"every rank runs tasks. The outputs are byte for byte those of\n"
	"`bssim sweep` (docs/cluster.md). One rank per core; --jobs does not\n"
	"apply. As there, a folder holding this sweep's recorded tasks is\n"
	"resumed by default (--fresh discards them). Other commands: the bssim\n"
	"executable.\n"
	"\n"
	"exit status: 0 success, 1 the sweep failed or was interrupted (run it\n"
	"again with --resume), 2 bad usage or bad input.\n";

/* Set once in main, before any thread; read-only afterwards. */
static int rank, nranks = 1, threads_ok;

/* "bssim: message" on stderr, one line (rank 0, or a rank that speaks
 * for its own fault). */
static void say(const char *fmt, ...)
{
	char text[4096], esc[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fprintf(stderr, "bssim: %s\n", bs_escape(text, esc, sizeof(esc)));
}

static void say_error(const struct bs_error *e)
{
	char buf[2048];

	say("%s", bs_error_format(e, buf, sizeof(buf)));
}

static void on_signal(int sig)
{
	(void)sig;
	bs_interrupt();
}

static void nap(void)
{
	struct timespec ts = {0, 1000000}; /* 1 ms */

	nanosleep(&ts, NULL);
}

/* ---- options ------------------------------------------------------------ */

struct opts {
	const char *file, *outdir;
	struct bs_sweep_opts so;
	int quiet;
};

/* 0, -1 after --help, or an exit status (rank 0 has said why). */
static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"output", required_argument, NULL, 'o'},
		{"jobs", required_argument, NULL, 'j'},
		{"resume", no_argument, NULL, 'r'},
		{"fresh", no_argument, NULL, 'f'},
		{"shard", required_argument, NULL, 'S'},
		{"quiet", no_argument, NULL, 'q'},
		{"force", no_argument, NULL, 'F'},
		{"paranoid", no_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int ch;

	memset(o, 0, sizeof(*o));
	bs_sweep_opts_init(&o->so);
	o->so.resume = BS_SWEEP_KEEP; /* as bssim sweep */
	if (argc < 2 || strcmp(argv[1], "sweep")) {
		if (rank == 0 && argc >= 2 &&
		    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(HELP, stdout);
			return -1;
		}
		if (rank == 0)
			say("bssim-mpi runs only `sweep` (the other commands are bssim's); see bssim-mpi --help");
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:j:qh", lo, NULL)) != -1) {
		const char *bad = NULL;
		switch (ch) {
		case 'o':
			if (!*optarg)
				bad = "-o '': expected an output folder";
			o->outdir = optarg;
			break;
		case 'j':
			bad = "--jobs does not apply under MPI: run one rank per core (mpirun -np N)";
			break;
		case 'r':
			o->so.resume = BS_SWEEP_RESUME;
			break;
		case 'f':
			o->so.resume = BS_SWEEP_FRESH;
			break;
		case 'S':
			if (bs_shard_parse(optarg, &o->so.shard_i, &o->so.shard_n)) {
				if (rank == 0)
					say("sweep: --shard '%s': expected I/N with 1 <= I <= N <= 1000000",
					    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'F':
			o->so.force = 1;
			break;
		case 'P':
			o->so.paranoid = 1;
			break;
		case 'h':
			if (rank == 0)
				fputs(HELP, stdout);
			return -1;
		default:
			bad = "unknown option or missing value; see bssim-mpi --help";
		}
		if (bad) {
			if (rank == 0)
				say("sweep: %s", bad);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || !*argv[optind]) {
		if (rank == 0)
			say("sweep: expected one sweep file: bssim-mpi sweep SWEEP.json [options]");
		return EXIT_USAGE;
	}
	o->file = argv[optind];
	return 0;
}

/* ---- rank 0 ------------------------------------------------------------- */

struct coord {
	bs_sweep *sw;
	bs_sweep_job *job;
	pthread_mutex_t mu;
	int no_more;          /* stop handing out tasks */
	int rc;               /* first failure */
	struct bs_error err;
	int helper_rc;
	struct bs_error helper_err;
};

/* Take the next task for anyone (the helper thread or a rank). */
static int dispense(struct coord *C, uint64_t *task)
{
	int rc = -1;

	pthread_mutex_lock(&C->mu);
	if (!C->no_more)
		rc = bs_sweep_job_next(C->job, task);
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

static int helper_done(void *ud, uint64_t task, const char *record,
		       struct bs_error *err)
{
	struct coord *C = ud;
	int rc = bs_sweep_job_record(C->job, record, err);

	(void)task;
	if (rc)
		halt(C);
	return rc;
}

static void *helper_main(void *arg)
{
	struct coord *C = arg;
	struct bs_task_source src = {helper_next, helper_done, C};

	bs_error_clear(&C->helper_err);
	C->helper_rc = bs_sweep_tasks_run(C->sw, 1, 0, &src, NULL, &C->helper_err);
	if (C->helper_rc)
		halt(C);
	return NULL;
}

/* Receive a message of chars (a NUL-terminated copy). NULL: no memory. */
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

/* One message from a worker: its record, failure or stop. */
static void take_message(struct coord *C, MPI_Status *st)
{
	char *text = recv_text(st);
	struct bs_error e;
	int rc;

	bs_error_clear(&e);
	if (!text) {
		e.code = BS_E_NOMEM;
		snprintf(e.text, sizeof(e.text),
			 "out of memory receiving from rank %d", st->MPI_SOURCE);
		fail_once(C, BS_E_NOMEM, &e);
	} else if (st->MPI_TAG == TAG_RESULT) {
		if ((rc = bs_sweep_job_record(C->job, text, &e)))
			fail_once(C, rc, &e);
	} else if (st->MPI_TAG == TAG_FAIL) {
		e.code = BS_E_RUN;
		snprintf(e.text, sizeof(e.text), "rank %d: %s", st->MPI_SOURCE,
			 text);
		fail_once(C, BS_E_RUN, &e);
	} else { /* TAG_STOPPED: interrupted there */
		halt(C);
	}
	free(text);
}

/* Hand out every task; 0, BS_E_INTERRUPTED, or the first failure. */
static int coordinate(struct coord *C)
{
	pthread_t helper;
	int have_helper = 0, active = nranks - 1;

	if (threads_ok && pthread_create(&helper, NULL, helper_main, C) == 0)
		have_helper = 1;
	while (active > 0) {
		MPI_Status st;
		int flag = 0, src;
		uint64_t task;

		MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
		if (!flag) {
			if (bs_interrupted())
				halt(C);
			nap();
			continue;
		}
		src = st.MPI_SOURCE;
		if (st.MPI_TAG == TAG_READY)
			MPI_Recv(NULL, 0, MPI_CHAR, src, TAG_READY,
				 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		else
			take_message(C, &st);
		if (dispense(C, &task) == 0) {
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
		halt(C);
	if (!C->rc && have_helper && C->helper_rc &&
	    C->helper_rc != BS_E_INTERRUPTED) {
		C->rc = C->helper_rc;
		C->err = C->helper_err;
	}
	if (C->rc)
		return C->rc;
	{
		/* a stop leaves tasks undone */
		struct bs_sweep_outcome o;
		bs_sweep_job_outcome(C->job, &o);
		if (o.recorded < o.mine)
			return BS_E_INTERRUPTED;
	}
	return 0;
}

static int run_root(bs_sweep *sw, const struct opts *o)
{
	struct coord C;
	struct bs_sweep_outcome out;
	struct bs_error err;
	int rc, frc;

	memset(&C, 0, sizeof(C));
	C.sw = sw;
	bs_error_clear(&err);
	if (pthread_mutex_init(&C.mu, NULL)) {
		say("out of memory");
		rc = EXIT_FAIL;
		MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
		return rc;
	}
	if (!(C.job = bs_sweep_job_open(sw, o->outdir, &o->so, &err))) {
		say_error(&err);
		pthread_mutex_destroy(&C.mu);
		/* the ranks wait for the job: tell them it failed */
		rc = bs_exit_status(err.code ? err.code : BS_E_INPUT);
		MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
		return rc;
	}
	bs_sweep_job_runner(C.job, "mpi", (unsigned)nranks);
	/* the job is open: tell the ranks to start asking */
	rc = 0;
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	rc = coordinate(&C);
	frc = bs_sweep_job_finish(C.job, rc, &out, &err);
	if (rc == BS_E_INTERRUPTED || (rc && frc == rc)) {
		if (rc != BS_E_INTERRUPTED)
			say_error(&C.err);
		say("%s: %llu of %llu tasks recorded in %s; run the same command with --resume to finish",
		    rc == BS_E_INTERRUPTED ? "interrupted" : "sweep stopped",
		    (unsigned long long)out.recorded,
		    (unsigned long long)out.tasks, bs_sweep_job_dir(C.job));
		frc = EXIT_FAIL;
	} else if (frc) {
		say_error(&err);
		frc = bs_exit_status(frc);
	} else if (!o->quiet) {
		printf("%s: %llu tasks on %d ranks (%llu from an earlier run) in %.2f s -> %s/%s\n",
		       bs_sweep_name(sw), (unsigned long long)out.tasks, nranks,
		       (unsigned long long)out.resumed, out.wall_s,
		       bs_sweep_job_dir(C.job),
		       out.complete ? "" : " (a shard: join them with bssim merge)");
	}
	bs_sweep_job_free(C.job);
	pthread_mutex_destroy(&C.mu);
	return frc;
}

/* ---- ranks 1.. -------------------------------------------------------- */

struct wrk {
	char *outbox;  /* the last record, sent with the next request */
};

/* Send what we have, wait for the answer: 0 with a task, -1 on STOP. */
static int exchange(int tag, const char *text, uint64_t *task)
{
	MPI_Status st;

	MPI_Send(text, text ? (int)strlen(text) : 0, MPI_CHAR, 0, tag,
		 MPI_COMM_WORLD);
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
		rc = exchange(TAG_RESULT, W->outbox, task);
		free(W->outbox);
		W->outbox = NULL;
	} else {
		rc = exchange(TAG_READY, NULL, task);
	}
	return rc;
}

static int wrk_done(void *ud, uint64_t task, const char *record,
		    struct bs_error *err)
{
	struct wrk *W = ud;

	(void)task;
	if (!(W->outbox = strdup(record))) {
		if (err) {
			err->code = BS_E_NOMEM;
			snprintf(err->text, sizeof(err->text), "out of memory");
		}
		return BS_E_NOMEM;
	}
	return 0;
}

static void work(bs_sweep *sw, const struct opts *o)
{
	struct wrk W = {NULL};
	struct bs_task_source src = {wrk_next, wrk_done, &W};
	struct bs_error err;
	uint64_t ignored;
	int rc, stopped = 0;

	bs_error_clear(&err);
	rc = bs_sweep_tasks_run(sw, 1, o->so.paranoid, &src, NULL, &err);
	if (rc == 0)
		stopped = 1; /* STOP read in wrk_next */
	/* a record finished but not yet sent (stopped right after it) */
	if (!stopped && W.outbox)
		stopped = exchange(TAG_RESULT, W.outbox, &ignored) != 0;
	free(W.outbox);
	/* tell rank 0 why we stop; it answers STOP to these */
	while (!stopped) {
		char buf[2048];
		if (rc == BS_E_INTERRUPTED)
			stopped = exchange(TAG_STOPPED, NULL, &ignored) != 0;
		else
			stopped = exchange(TAG_FAIL,
					   bs_error_format(&err, buf, sizeof(buf)),
					   &ignored) != 0;
	}
}

/* ---- main ------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct opts o;
	struct bs_error err;
	bs_sweep *sw = NULL;
	int provided = 0, status, st, r0, worst;

	if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) !=
	    MPI_SUCCESS) {
		fprintf(stderr, "bssim: cannot start MPI\n");
		return EXIT_FAIL;
	}
	threads_ok = provided >= MPI_THREAD_FUNNELED;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &nranks);
	bs_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if ((status = parse(argc, argv, &o)) != 0) {
		MPI_Finalize();
		return status < 0 ? EXIT_OK : status;
	}
	/* every rank reads the sweep file; rank 0 speaks for the common
	 * case, a rank that alone fails (a file missing on its node) for
	 * itself */
	bs_error_clear(&err);
	sw = bs_sweep_load(o.file, &err);
	st = sw ? 0 : bs_exit_status(err.code ? err.code : BS_E_INPUT);
	r0 = st;
	MPI_Bcast(&r0, 1, MPI_INT, 0, MPI_COMM_WORLD);
	MPI_Allreduce(&st, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	if (r0 || worst) {
		if (rank == 0 && st)
			say_error(&err);
		else if (st && !r0) {
			char buf[2048];
			say("MPI rank %d: %s", rank,
			    bs_error_format(&err, buf, sizeof(buf)));
		}
		status = r0 ? r0 : worst;
		goto out;
	}
	if (rank == 0) {
		status = run_root(sw, &o);
	} else {
		/* wait for the job to open (rank 0 sends 0), or its failure */
		int ok = 0;
		MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
		if (ok == 0)
			work(sw, &o);
		status = ok;
	}
	MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
out:
	bs_sweep_free(sw);
	MPI_Finalize();
	return status;
}
