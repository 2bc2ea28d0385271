/*
 * fmt.c - CSV fields and numbers (see fmt.h).
 */
#include "base/fmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bssim.h"
#include "base/str.h"

void bs_csv_put(FILE *fp, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

size_t bs_fmt_u64(char *buf, unsigned long long v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

size_t bs_fmt_num(char *buf, double v)
{
	int n;

	if (isnan(v)) {
		memcpy(buf, "NaN", 3);
		return 3;
	}
	if (v == 0.0) {
		buf[0] = '0'; /* never "-0" */
		return 1;
	}
	/* below 10^12, %.12g writes a whole number in full, no point and
	 * no exponent: the same digits */
	if (fabs(v) < 1e12 && v == floor(v)) {
		if (v < 0.0) {
			buf[0] = '-';
			return 1 + bs_fmt_u64(buf + 1, (unsigned long long)-v);
		}
		return bs_fmt_u64(buf, (unsigned long long)v);
	}
	n = snprintf(buf, 32, "%.12g", v);
	return n > 0 && n < 32 ? (size_t)n : 0;
}

void bs_csv_num(FILE *fp, double v)
{
	char buf[32];

	fwrite(buf, 1, bs_fmt_num(buf, v), fp);
}

json_t *bs_json_num(double v)
{
	if (!isfinite(v))
		return json_null();
	if (v == 0.0)
		v = 0.0;
	return json_real(v);
}

void bs_fmt_shortest(double v, char *buf, size_t sz)
{
	int p;

	for (p = 1; p <= 17; p++) {
		snprintf(buf, sz, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

void bs_csv_stat_end(FILE *fp, double mean, double sd, double lo, double hi)
{
	const double v[4] = {mean, sd, lo, hi};

	for (int i = 0; i < 4; i++) {
		fputc(',', fp);
		bs_csv_num(fp, v[i]);
	}
	fputc('\n', fp);
}

/* ---- numbers for people (bs_fmt_human in bssim.h) ------------------------ */

/* v rounded to 10^-dec (dec < 0: to tens, hundreds, ...), with a comma
 * between thousands, a '+' before a positive value when sign is set, and
 * never "-0". */
void bs_fmt_grouped(char *buf, size_t sz, double v, int dec, int sign)
{
	char tmp[400];
	size_t i, o = 0, intlen, start;
	const char *dot;

	if (dec < 0) {
		double unit = pow(10.0, -dec);
		v = round(v / unit) * unit;
		dec = 0;
	}
	snprintf(tmp, sizeof(tmp), "%.*f", dec, v);
	if (tmp[0] == '-' && strspn(tmp + 1, "0.") == strlen(tmp + 1))
		memmove(tmp, tmp + 1, strlen(tmp)); /* never "-0" */
	if (sign && tmp[0] != '-' && strspn(tmp, "0.") != strlen(tmp) && sz > 1)
		buf[o++] = '+';
	dot = strchr(tmp, '.');
	intlen = dot ? (size_t)(dot - tmp) : strlen(tmp);
	start = tmp[0] == '-';
	for (i = 0; tmp[i] && o + 2 < sz; i++) {
		if (i > start && i < intlen && (intlen - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

/* Decimals giving v n significant digits (never negative, at most 9). */
static int sig_decimals(double v, int n)
{
	int d;

	if (v == 0.0 || !isfinite(v))
		return 0;
	d = n - 1 - (int)floor(log10(fabs(v)));
	return d < 0 ? 0 : d > 9 ? 9 : d;
}

char *bs_fmt_human(double v, double half, unsigned flags, char *buf,
		   size_t sz)
{
	int sign = (flags & BS_FMT_SIGN) != 0, dv, dh;
	int has_half = isfinite(half) && half >= 0.0;
	size_t l;

	if (!sz)
		return buf;
	if (!isfinite(v)) {
		bs_strlcpy(buf, isnan(v) ? "-" : v > 0 ? "inf" : "-inf", sz);
		return buf;
	}
	if (flags & BS_FMT_SHARE) {
		/* a share: 3 significant digits; its half-width 2 */
		dv = sig_decimals(v, 3);
		dh = sig_decimals(half, 2);
	} else if (has_half && half > 0.0) {
		/* the half-width to 2 significant digits, the value to the
		 * same place: 2,932,000 +- 16,000; 14.23 +- 0.36 */
		dv = 1 - (int)floor(log10(half));
		dv = dv > 6 ? 6 : dv;
		dh = dv;
	} else {
		/* no spread to go by: whole numbers from 100 up, else 3
		 * significant digits */
		dv = fabs(v) >= 100.0 ? 0 : sig_decimals(v, 3);
		dh = 0;
	}
	bs_fmt_grouped(buf, sz, v, dv, sign);
	if (!has_half)
		return buf;
	l = strlen(buf);
	if (l + 4 < sz) {
		memcpy(buf + l, " \xc2\xb1 ", 5); /* " ± " */
		bs_fmt_grouped(buf + l + 4, sz - l - 4, half, dh, 0);
	}
	return buf;
}

size_t bs_fmt_columns(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80; /* UTF-8 lead bytes */
	return n;
}

int bs_metric_is_share(const char *name)
{
	size_t l = strlen(name);

	return strcmp(name, "service_level") == 0 ||
	       strcmp(name, "reach_level") == 0 ||
	       (l > 5 && strcmp(name + l - 5, "_frac") == 0);
}

void bs_fmt_pad(FILE *fp, const char *s, int width)
{
	int left = width < 0, w = left ? -width : width;
	int n = (int)bs_fmt_columns(s);

	if (left)
		fputs(s, fp);
	for (; n < w; n++)
		fputc(' ', fp);
	if (!left)
		fputs(s, fp);
}
