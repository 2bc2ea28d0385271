/*
 * error.c - the error record and warnings (see error.h and bssim.h).
 */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"

const char *bs_strerror(int code)
{
	switch (code) {
	case BS_OK:
		return "success";
#define BS__ERR_STR(name, c, text)                                         \
	case c:                                                            \
		return text;
		BS_ERRNO_MAP(BS__ERR_STR)
#undef BS__ERR_STR
	default:
		return "unknown error";
	}
}

void bs_error_clear(struct bs_error *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

static void verror(struct bs_error *e, int code, const char *file, long line,
		   long column, long row, const char *key, const char *fmt,
		   va_list ap)
{
	e->code = code;
	bs_strlcpy(e->file, file ? file : "", sizeof(e->file));
	e->line = line;
	e->column = column;
	e->row = row;
	bs_strlcpy(e->key, key ? key : "", sizeof(e->key));
	if (fmt)
		vsnprintf(e->text, sizeof(e->text), fmt, ap);
	else
		e->text[0] = '\0';
}

void bs_error_set(struct bs_error *e, int code, const char *file, long line,
		  long column, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	verror(e, code, file, line, column, 0, key, fmt, ap);
	va_end(ap);
}

void bs_error_row(struct bs_error *e, const char *file, long row,
		  const char *key, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	verror(e, BS_E_INPUT, file, 0, 0, row, key, fmt, ap);
	va_end(ap);
}

void bs_warnings_clear(struct bs_warnings *w)
{
	if (w)
		memset(w, 0, sizeof(*w));
}

void bs_warn(struct bs_warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (!w)
		return;
	if (w->count < BS_WARN_KEEP) {
		va_start(ap, fmt);
		vsnprintf(w->first[w->count], sizeof(w->first[0]), fmt, ap);
		va_end(ap);
	}
	w->count++;
}

char *bs_error_format(const struct bs_error *e, char *buf, size_t size)
{
	size_t n = 0;
	int w;

	if (size == 0)
		return buf;
	buf[0] = '\0';
#define BS__APPEND(...)                                                    \
	do {                                                               \
		w = snprintf(buf + n, size - n, __VA_ARGS__);              \
		if (w < 0)                                                 \
			return buf;                                        \
		n += (size_t)w;                                            \
		if (n >= size)                                             \
			return buf;                                        \
	} while (0)
	if (e->file[0]) {
		BS__APPEND("%s", e->file);
		if (e->line > 0 && e->column > 0)
			BS__APPEND(":%ld:%ld", e->line, e->column);
		else if (e->line > 0)
			BS__APPEND(":%ld", e->line);
		else if (e->row > 0)
			BS__APPEND(": row %ld", e->row);
		BS__APPEND(": ");
	}
	if (e->key[0])
		BS__APPEND("%s: ", e->key);
	BS__APPEND("%s", e->text[0] ? e->text : bs_strerror(e->code));
#undef BS__APPEND
	return buf;
}

int bs_exit_status(int code)
{
	switch (code) {
	case 0:
		return 0;
	case BS_E_INPUT:
	case BS_E_LIMIT:
		return 2;
	default:
		return 1;
	}
}

/* text into out (sz bytes, NUL-terminated) with control characters
 * escaped; truncated when long, before the first character (plain or
 * escaped) that does not fit whole, so a text that fits is never cut.
 * Cost: linear in the text. */
char *bs_escape(const char *text, char *out, size_t sz)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t o = 0, need;

	for (; *p; p++) {
		unsigned char c = *p;
		if (c >= 0x20 && c != 0x7f)
			need = 1;
		else if (c == '\n' || c == '\t' || c == '\r')
			need = 2;
		else
			need = 4; /* \xHH */
		if (o + need >= sz)
			break;
		if (need == 1) {
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
	if (sz)
		out[o] = '\0';
	return out;
}

