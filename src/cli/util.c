/*
 * util.c - helpers shared by the subcommands (see cli.h).
 */
#include "cli.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bssim/output.h"

atomic_int bs_cli_stop;
int bs_cli_mute;

void bs_cli_error(const struct bs_error *e)
{
	char buf[2048];

	if (bs_cli_mute)
		return;
	fprintf(stderr, "bssim: %s\n", bs_error_format(e, buf, sizeof(buf)));
}

/* "bssim CMD: message" on stderr, unless muted */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void vsay(const char *cmd, const char *fmt, va_list ap)
{
	if (bs_cli_mute)
		return;
	fprintf(stderr, "bssim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
}

int bs_cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(cmd, fmt, ap);
	va_end(ap);
	return BS_EXIT_USAGE;
}

int bs_cli_nomem(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(cmd, fmt, ap);
	va_end(ap);
	return BS_EXIT_FAIL;
}

int bs_cli_exit(int rc)
{
	switch (rc) {
	case 0:
		return BS_EXIT_OK;
	case BS_E_INPUT:
	case BS_E_LIMIT:
		return BS_EXIT_USAGE;
	default:
		return BS_EXIT_FAIL;
	}
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

int bs_cli_override(char *arg, struct bs_override *o)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return -1;
	*eq = '\0';
	o->key = arg;
	o->value = eq + 1;
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&bs_cli_stop, 1);
}

void bs_cli_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

double bs_cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bs_progress_init(struct bs_progress *p, const char *label, int quiet)
{
	p->on = !quiet && isatty(STDERR_FILENO);
	p->t0 = bs_cli_now();
	p->last = 0.0;
	p->label = label;
}

void bs_progress_update(struct bs_progress *p, uint32_t done,
			uint32_t total, double frac)
{
	double now, el;
	int bar, i;
	char line[160];

	if (!p->on)
		return;
	now = bs_cli_now();
	if (now - p->last < 0.2 && done < total)
		return;
	p->last = now;
	el = now - p->t0;
	bar = (int)(frac * 20.0 + 0.5);
	if (bar > 20)
		bar = 20;
	for (i = 0; i < 20; i++)
		line[i] = i < bar ? '=' : ' ';
	line[20] = '\0';
	if (frac > 0.02)
		fprintf(stderr, "\r%s: %u/%u done [%s] %3.0f%%  %.0fs elapsed, ~%.0fs left \033[K",
			p->label, done, total, line, frac * 100.0, el,
			el / frac - el);
	else
		fprintf(stderr, "\r%s: %u/%u done [%s] %3.0f%%  %.0fs elapsed \033[K",
			p->label, done, total, line, frac * 100.0, el);
	fflush(stderr);
}

void bs_progress_end(struct bs_progress *p)
{
	if (p->on) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
}

/* Warnings of an input: the first few verbatim, then a count. */
void bs_cli_warnings(const struct bs_warnings *w)
{
	long i;

	for (i = 0; i < w->count && i < BS_WARN_KEEP; i++)
		fprintf(stderr, "bssim: warning: %s\n", w->first[i]);
	if (w->count > BS_WARN_KEEP)
		fprintf(stderr, "bssim: warning: ... and %ld more (%ld warnings in all)\n",
			w->count - BS_WARN_KEEP, w->count);
}

/* Write through fn into path, all or nothing. */
int bs_cli_write_file(const char *path, void (*fn)(const void *, FILE *),
		      const void *ud, struct bs_error *err)
{
	struct bs_staged st;
	const char *slash = strrchr(path, '/');
	char dir[4096];
	FILE *fp;
	int rc;

	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		bs_strlcpy(dir, ".", sizeof(dir));
	if (slash == path)
		bs_strlcpy(dir, "/", sizeof(dir));
	if ((rc = bs_staged_init(&st, dir, err)))
		goto out;
	if (!(fp = bs_staged_open(&st, slash ? slash + 1 : path, err))) {
		rc = BS_E_IO;
		goto out;
	}
	fn(ud, fp);
	if ((rc = bs_staged_close(&st, fp, slash ? slash + 1 : path, err)))
		goto out;
	rc = bs_staged_commit(&st, err);
out:
	bs_staged_release(&st);
	return rc;
}
