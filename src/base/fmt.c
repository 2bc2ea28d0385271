/*
 * fmt.c - CSV fields and numbers (see fmt.h).
 */
#include "base/fmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void bs_csv_num(FILE *fp, double v)
{
	if (isnan(v))
		fputs("NaN", fp);
	else if (v == 0.0)
		fputc('0', fp); /* never "-0" */
	else
		fprintf(fp, "%.12g", v);
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
