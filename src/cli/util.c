/*
 * util.c - helpers shared by the subcommands (see cli.h).
 */
#include "cli.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"

atomic_int bs_cli_stop;
int bs_cli_mute;

/* text into out (sz bytes, NUL-terminated) with control characters
 * escaped; truncated when long. Cost: linear in the text. */
static void escape(const char *text, char *out, size_t sz)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t o = 0;

	for (; *p && o + 5 < sz; p++) {
		unsigned char c = *p;
		if (c >= 0x20 && c != 0x7f) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '\\';
		if (c == '\n')
			out[o++] = 'n';
		else if (c == '\t')
			out[o++] = 't';
		else if (c == '\r')
			out[o++] = 'r';
		else
			o += (size_t)snprintf(out + o, sz - o, "x%02x", c);
	}
	out[o] = '\0';
}

/* Print prefix and text on stderr as one line. */
static void put_line(const char *prefix, const char *text)
{
	char out[8192];

	if (bs_cli_mute)
		return;
	escape(text, out, sizeof(out));
	fprintf(stderr, "%s%s\n", prefix, out);
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

/* The write phase (bs_cli_write_begin/_end): its message is made before,
 * so that the handler only calls write(2), which is async-signal-safe, as
 * are the lock-free atomics. */
static atomic_int writing, announced;
static char wmsg[512];
static size_t wmsg_len;

static void on_signal(int sig)
{
	int e = errno;

	(void)sig;
	atomic_fetch_add(&bs_cli_stop, 1);
	if (atomic_load(&writing) && !atomic_exchange(&announced, 1) &&
	    !bs_cli_mute)
		(void)!write(STDERR_FILENO, wmsg, wmsg_len);
	errno = e;
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

void bs_cli_write_begin(const char *fmt, ...)
{
	char what[300], esc[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	escape(what, esc, sizeof(esc));
	snprintf(wmsg, sizeof(wmsg),
		 "bssim: interrupt received: finishing the write of %s\n", esc);
	wmsg_len = strlen(wmsg);
	atomic_store(&announced, 0);
	bs_cli_signals();
	atomic_store(&writing, 1);
	/* an interrupt before the write began is announced now */
	if (atomic_load(&bs_cli_stop) && !atomic_exchange(&announced, 1) &&
	    !bs_cli_mute)
		(void)!write(STDERR_FILENO, wmsg, wmsg_len);
}

int bs_cli_write_end(void)
{
	struct sigaction sa;

	atomic_store(&writing, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return atomic_load(&announced) || atomic_load(&bs_cli_stop);
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
		put_line("bssim: warning: ", w->first[i]);
	if (w->count > BS_WARN_KEEP)
		fprintf(stderr, "bssim: warning: ... and %ld more (%ld warnings in all)\n",
			w->count - BS_WARN_KEEP, w->count);
}

int bs_cli_check_output(const char *opt, const char *path)
{
	struct bs_error err;
	int rc;

	bs_error_clear(&err);
	if ((rc = bs_output_check_target(path, opt, &err)) == 0)
		return 0;
	bs_cli_error(&err);
	return bs_cli_exit(rc);
}

/* Up to this many files per command (calibrate writes three). */
#define OUTS_MAX 4

int bs_cli_write_files(const struct bs_cli_out *outs, size_t n,
		       struct bs_error *err)
{
	struct bs_staged st[OUTS_MAX];
	struct bs_outdir od[OUTS_MAX];
	struct stat sb[OUTS_MAX];
	size_t set[OUTS_MAX], nsets = 0, i, k;
	int rc = 0, bad = -1;

	assert(n <= OUTS_MAX);
	for (i = 0; i < n && !rc; i++)
		if (outs[i].path &&
		    (rc = bs_output_check_target(outs[i].path, outs[i].opt, err)))
			bad = (int)i;
	/* a set of files per folder (the same folder by another path too) */
	for (i = 0; i < n && !rc; i++) {
		char dir[4096];
		const char *slash;
		struct stat here;
		if (!outs[i].path)
			continue;
		slash = strrchr(outs[i].path, '/');
		if (!slash)
			bs_strlcpy(dir, ".", sizeof(dir));
		else if (slash == outs[i].path)
			bs_strlcpy(dir, "/", sizeof(dir));
		else
			snprintf(dir, sizeof(dir), "%.*s",
				 (int)(slash - outs[i].path), outs[i].path);
		for (k = 0; k < nsets; k++)
			if (stat(dir, &here) == 0 && here.st_dev == sb[k].st_dev &&
			    here.st_ino == sb[k].st_ino)
				break;
		if (k == nsets) {
			od[k].path = NULL;
			od[k].fd = -1;
			memset(&st[k], 0, sizeof(st[k]));
			st[k].dirfd = -1;
			nsets++;
			if ((rc = bs_outdir_join(&od[k], dir, err)) ||
			    (rc = bs_staged_init(&st[k], dir, err)) ||
			    (fstat(st[k].dirfd, &sb[k]) && (rc = BS_E_IO))) {
				bad = (int)i;
				break;
			}
		}
		set[i] = k;
	}
	/* every file written, then every set committed */
	for (i = 0; i < n && !rc; i++) {
		const char *name;
		FILE *fp;
		if (!outs[i].path)
			continue;
		name = strrchr(outs[i].path, '/');
		name = name ? name + 1 : outs[i].path;
		if (!(fp = bs_staged_open(&st[set[i]], name, err))) {
			rc = err->code ? err->code : BS_E_IO;
			break;
		}
		outs[i].fn(outs[i].ud, fp);
		if ((rc = bs_staged_close(&st[set[i]], fp, name, err)))
			break;
	}
	for (k = 0; k < nsets && !rc; k++)
		if ((rc = bs_staged_commit(&st[k], err)) == BS_E_INPUT)
			for (i = 0; i < n; i++) /* the option of the refused file */
				if (outs[i].path && set[i] == k &&
				    strstr(err->file, outs[i].path))
					bad = (int)i;
	if (rc == BS_E_INPUT && bad >= 0 && outs[bad].opt && !err->key[0])
		bs_strlcpy(err->key, outs[bad].opt, sizeof(err->key));
	for (k = 0; k < nsets; k++) {
		bs_staged_release(&st[k]);
		bs_outdir_close(&od[k]);
	}
	return rc;
}
