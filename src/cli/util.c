/*
 * util.c - helpers shared by the subcommands (see cli.h).
 */
#include "cli.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int bs_cli_mute;

/* Print prefix and text on stderr as one line. */
static void put_line(const char *prefix, const char *text)
{
	char out[8192];

	if (bs_cli_mute)
		return;
	bs_escape(text, out, sizeof(out));
	fprintf(stderr, "%s%s\n", prefix, out);
}

int bs_cli_fail(const struct bs_error *e, int rc)
{
	bs_cli_error(e);
	return bs_exit_status(rc ? rc : (e->code ? e->code : BS_E_INPUT));
}

void bs_cli_error(const struct bs_error *e)
{
	char buf[2048];

	/* a failure nobody described is still a failure: never "success" */
	if (e->code == 0 && !e->text[0] && !e->file[0])
		put_line("bssim: ", "the command failed for a reason bssim did not record (please report this)");
	else
		put_line("bssim: ", bs_error_format(e, buf, sizeof(buf)));
}


/* "bssim CMD: message", escaped, on stderr */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void vusage(const char *cmd, const char *fmt, va_list ap)
{
	char prefix[64], text[4096];

	snprintf(prefix, sizeof(prefix), "bssim%s%s: ", cmd ? " " : "",
		 cmd ? cmd : "");
	vsnprintf(text, sizeof(text), fmt, ap);
	put_line(prefix, text);
}

int bs_cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vusage(cmd, fmt, ap);
	va_end(ap);
	return BS_EXIT_USAGE;
}

int bs_cli_nomem(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vusage(cmd, fmt, ap);
	va_end(ap);
	return BS_EXIT_FAIL;
}

void bs_cli_say(const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	put_line("bssim: ", text);
}

int bs_cli_nonempty(const char *cmd, const char *opt, const char *val,
		    const char *what)
{
	if (val && *val)
		return 0;
	return bs_cli_usage(cmd, "%s '': expected %s", opt, what);
}

int bs_cli_operands(const char *cmd, char *const *v, int n, const char *what)
{
	int i;

	for (i = 0; i < n; i++)
		if (!v[i][0])
			return bs_cli_usage(cmd, "'': expected %s", what);
	return 0;
}


size_t bs_cli_metric_at(size_t pos)
{
	static const char *const after_service[] = {
		"reach_level", "trips_reached", "walk_after_m_mean"};
	const size_t na = sizeof(after_service) / sizeof(after_service[0]);
	size_t n = bs_metric_count(), m, k, at = 0;

	for (m = 0; m < n; m++) {
		const char *name = bs_metric_name(m);
		int moved = 0;
		for (k = 0; k < na; k++)
			moved |= !strcmp(name, after_service[k]);
		if (moved)
			continue;
		if (at++ == pos)
			return m;
		if (strcmp(name, "service_level"))
			continue;
		for (k = 0; k < na; k++) {
			size_t j;
			for (j = 0; j < n; j++)
				if (!strcmp(bs_metric_name(j), after_service[k]))
					break;
			if (j < n && at++ == pos)
				return j;
		}
	}
	return pos; /* not reached for pos < n */
}

int bs_cli_bad_option(const char *cmd, const char *help, int ch, char **argv)
{
	if (ch == ':')
		return bs_cli_usage(cmd, "option '%s' needs a value", argv[optind - 1]);
	return bs_cli_usage(cmd, "unknown option '%s'; see bssim %s --help",
			    argv[optind - 1], help);
}

int bs_cli_one_operand(const char *cmd, int argc, char **argv,
		       const char *missing, const char *what, const char **out)
{
	if (optind >= argc)
		return bs_cli_usage(cmd, "missing %s", missing);
	if (optind + 1 < argc)
		return bs_cli_usage(cmd, "unexpected argument '%s'; expected only %s",
				    argv[optind + 1], what);
	if (!argv[optind][0])
		return bs_cli_usage(cmd, "'': expected %s", what);
	*out = argv[optind];
	return 0;
}

int bs_cli_set_number(const char *cmd, const char *opt, const char *key,
		      const char *arg, uint64_t lo, uint64_t hi, char *buf,
		      struct bs_set *set)
{
	uint64_t v;

	if (bs_cli_uint(arg, lo, hi, &v))
		return bs_cli_usage(cmd, "%s '%s': expected an integer from %llu to %llu",
				    opt, arg, (unsigned long long)lo,
				    (unsigned long long)hi);
	snprintf(buf, BS_CLI_NUMBUF, "%llu", (unsigned long long)v);
	set->key = key;
	set->value = buf;
	return 0;
}

int bs_cli_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int bs_cli_override(char *arg, struct bs_set *o)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return -1;
	*eq = '\0';
	o->key = arg;
	o->value = eq + 1;
	return 0;
}

/* The write frame (cli.h): its message is made before, so that the
 * handler only calls bs_interrupt and write(2), which are
 * async-signal-safe, as are the lock-free atomics. */
static atomic_int writing, announced, signalled;
static char wmsg[512];
static size_t wmsg_len;

static void on_signal(int sig)
{
	int e = errno;

	(void)sig;
	bs_interrupt();
	atomic_store(&signalled, 1);
	if (atomic_load(&writing) && !atomic_exchange(&announced, 1) &&
	    !bs_cli_mute)
		(void)!write(STDERR_FILENO, wmsg, wmsg_len);
	errno = e;
}

static void handlers(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void bs_cli_signals(void)
{
	handlers(on_signal);
}

int bs_cli_interrupted(void)
{
	return atomic_load(&signalled) || bs_interrupted();
}

static void write_frame(const char *what, int begin)
{
	char esc[400];

	if (!begin) {
		atomic_store(&writing, 0);
		handlers(SIG_DFL);
		return;
	}
	bs_escape(what, esc, sizeof(esc));
	snprintf(wmsg, sizeof(wmsg),
		 "bssim: interrupt received: finishing the write of %s\n", esc);
	wmsg_len = strlen(wmsg);
	atomic_store(&announced, 0);
	bs_cli_signals();
	atomic_store(&writing, 1);
	/* an interrupt before the write began is announced now */
	if (bs_cli_interrupted() && !atomic_exchange(&announced, 1) &&
	    !bs_cli_mute)
		(void)!write(STDERR_FILENO, wmsg, wmsg_len);
}

static void progress_line(struct bs_cli_watch *w, uint64_t done,
			  uint64_t total, double frac)
{
	double now, el;
	int bar, i;
	char line[160];

	now = bs_cli_now();
	if (now - w->last < 0.2 && done < total)
		return;
	w->last = now;
	el = now - w->t0;
	bar = (int)(frac * 20.0 + 0.5);
	if (bar > 20)
		bar = 20;
	for (i = 0; i < 20; i++)
		line[i] = i < bar ? '=' : ' ';
	line[20] = '\0';
	if (frac > 0.02)
		fprintf(stderr, "\r%s: %llu/%llu done [%s] %3.0f%%  %.0fs elapsed, ~%.0fs left \033[K",
			w->label, (unsigned long long)done,
			(unsigned long long)total, line, frac * 100.0, el,
			el / frac - el);
	else
		fprintf(stderr, "\r%s: %llu/%llu done [%s] %3.0f%%  %.0fs elapsed \033[K",
			w->label, (unsigned long long)done,
			(unsigned long long)total, line, frac * 100.0, el);
	fflush(stderr);
}

/* One line of --progress; frac the share of all work done. */
static void say_progress(struct bs_cli_watch *w, double now)
{
	double el = now - w->t0, f = w->frac;
	char days[96] = "", left[48] = "";

	if (isfinite(w->days_total))
		snprintf(days, sizeof(days), ", %.1f of %.6g simulated days",
			 f * w->days_total, w->days_total);
	if (f > 0.0 && f < 1.0)
		snprintf(left, sizeof(left), ", about %.0f s left",
			 el / f - el);
	fprintf(stderr, "bssim: progress: %s: %llu/%llu %s done%s, %.1f s elapsed%s\n",
		w->label, (unsigned long long)w->done,
		(unsigned long long)w->total, w->unit, days, el, left);
	fflush(stderr);
}

static void on_progress(void *ud, uint64_t done, uint64_t total, double frac)
{
	struct bs_cli_watch *w = ud;
	double now;

	if (w->lines) {
		/* frac may step back a little as tasks in flight finish and
		 * others start: the line keeps the highest */
		w->done = done;
		w->total = total;
		if (frac > w->frac)
			w->frac = frac > 1.0 ? 1.0 : frac;
		if ((now = bs_cli_now()) - w->last >= w->every) {
			w->last = now;
			say_progress(w, now);
		}
		return;
	}
	if (w->progress_on)
		progress_line(w, done, total, frac);
}

static void on_writing(void *ud, const char *what, int begin)
{
	(void)ud;
	write_frame(what, begin);
}

void bs_cli_monitor(struct bs_monitor *m, struct bs_cli_watch *w,
		    const char *label, int quiet)
{
	memset(w, 0, sizeof(*w));
	w->progress_on = !quiet && !bs_cli_mute && isatty(STDERR_FILENO);
	w->t0 = bs_cli_now();
	w->last = 0.0;
	w->label = label;
	m->progress = on_progress;
	m->writing = on_writing;
	m->ud = w;
}

void bs_cli_watch_lines(struct bs_cli_watch *w, double every,
			double days_total, const char *unit, int quiet)
{
	if (quiet || bs_cli_mute || !(every > 0.0))
		return;
	w->lines = 1;
	w->progress_on = 0;
	w->every = every;
	w->days_total = days_total;
	w->unit = unit;
	w->last = w->t0;
}

int bs_cli_progress_arg(const char *optarg_, double *every)
{
	char *end;
	double v;

	if (!optarg_) {
		*every = BS_CLI_PROGRESS_S;
		return 0;
	}
	errno = 0;
	v = strtod(optarg_, &end);
	if (end == optarg_ || *end || errno || !(v > 0.0) || v > 86400.0)
		return -1;
	*every = v;
	return 0;
}

void bs_cli_watch_end(struct bs_cli_watch *w)
{
	if (w->lines) {
		/* the last line: what was done when the work ended */
		w->lines = 0;
		if (w->total && w->done == w->total)
			w->frac = 1.0;
		say_progress(w, bs_cli_now());
		return;
	}
	if (w->progress_on) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
}

void bs_cli_stdio_init(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			/* stdout read-only: writing to it fails (EBADF) as
			 * on the closed descriptor, and is reported */
			int n = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY);
			if (n >= 0 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
}

int bs_cli_stdio_finish(int status)
{
	int e;

	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	/* stdio may have dropped the failed buffer with its errno: an empty
	 * write asks again (a full device, a descriptor not open for
	 * writing say why; a full file system may not) */
	if (!(e = errno) && write(STDOUT_FILENO, "", 0) < 0)
		e = errno;
	bs_cli_say("cannot write to standard output: %s",
		   e ? strerror(e) : "write error");
	return status == BS_EXIT_OK ? BS_EXIT_FAIL : status;
}

double bs_cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The first few of w verbatim, then a count: "bssim: KIND: ...". */
static void kept_lines(const struct bs_warnings *w, const char *kind)
{
	char head[32];
	long i;

	snprintf(head, sizeof(head), "bssim: %s: ", kind);
	for (i = 0; i < w->count && i < BS_WARN_KEEP; i++)
		put_line(head, w->first[i]);
	if (w->count > BS_WARN_KEEP)
		fprintf(stderr, "%s... and %ld more (%ld %ss in all)\n", head,
			w->count - BS_WARN_KEEP, w->count, kind);
}

/* Notes on the inputs (bs_scenario_notes). */
void bs_cli_notes(const struct bs_warnings *w)
{
	kept_lines(w, "note");
}

/* Warnings of an input. */
void bs_cli_warnings(const struct bs_warnings *w)
{
	kept_lines(w, "warning");
}

