/*
 * testpoint.c - test hooks (see testpoint.h and docs/robustness.md).
 */
#include "base/testpoint.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parsed once from the environment (pthread_once): getenv is safe here
 * because nothing in bssim calls setenv. */
#define TP_MAX 16
static struct {
	char name[32];
	unsigned long long n;
	atomic_ullong seen;
} tp[TP_MAX];
static size_t ntp;
static unsigned long long fail_at; /* 0: never */
static atomic_ullong writes;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void hooks_parse(void)
{
	const char *s = getenv("BSSIM_TEST_STOP_AT"), *f;
	char *end;

	while (s && *s && ntp < TP_MAX) {
		size_t l = strcspn(s, ":,");
		if (l > 0 && l < sizeof(tp[0].name)) {
			memcpy(tp[ntp].name, s, l);
			tp[ntp].name[l] = '\0';
			tp[ntp].n = 1;
			if (s[l] == ':') {
				tp[ntp].n = strtoull(s + l + 1, &end, 10);
				l = (size_t)(end - s);
				if (tp[ntp].n == 0)
					tp[ntp].n = 1;
			}
			atomic_init(&tp[ntp].seen, 0);
			ntp++;
		}
		s += l;
		s += strcspn(s, ",");
		if (*s == ',')
			s++;
	}
	f = getenv("BSSIM_TEST_FAIL_WRITE");
	if (f && *f)
		fail_at = strtoull(f, NULL, 10);
}

void bs_test_point(const char *point)
{
	size_t i;

	pthread_once(&hooks_once, hooks_parse);
	for (i = 0; i < ntp; i++)
		if (strcmp(tp[i].name, point) == 0 &&
		    atomic_fetch_add(&tp[i].seen, 1) + 1 == tp[i].n)
			/* the whole process stops, every thread with it */
			kill(getpid(), SIGSTOP);
}

int bs_test_write_fails(void)
{
	pthread_once(&hooks_once, hooks_parse);
	return fail_at && atomic_fetch_add(&writes, 1) + 1 == fail_at;
}
