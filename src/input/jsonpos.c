/*
 * jsonpos.c - a forgiving JSON scanner that tracks the dotted path of each
 * key and value (see jsonpos.h). It never allocates: the current path lives
 * in a fixed buffer, and nesting deeper than MAX_DEPTH simply stops the
 * scan (the text was already accepted by jansson, whose own limit is lower
 * than what a scenario needs).
 */
#include "input/jsonpos.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 256
#define PATH_MAX_LEN 1024

struct scan {
	const char *s;
	size_t len, i;
	long line, col;
	const char *target;
	char path[PATH_MAX_LEN];
	size_t best_len; /* longest matched prefix so far */
	long best_line, best_col;
	int found;
};

static void adv(struct scan *c)
{
	unsigned char ch = (unsigned char)c->s[c->i++];

	if (ch == '\n') {
		c->line++;
		c->col = 1;
	} else if ((ch & 0xC0) != 0x80) {
		c->col++;
	}
}

static void ws(struct scan *c)
{
	while (c->i < c->len && (c->s[c->i] == ' ' || c->s[c->i] == '\t' ||
				 c->s[c->i] == '\n' || c->s[c->i] == '\r'))
		adv(c);
}

/* Note the current position if the path matches the target or a prefix
 * of it that ends at a component boundary. */
static void mark(struct scan *c, size_t plen, long line, long col)
{
	size_t tl = strlen(c->target);

	if (plen > tl || memcmp(c->path, c->target, plen) != 0)
		return;
	if (plen == tl) {
		if (!c->found) {
			c->found = 1;
			c->best_len = plen;
			c->best_line = line;
			c->best_col = col;
		}
		return;
	}
	if ((c->target[plen] == '.' || c->target[plen] == '[') &&
	    plen > c->best_len && !c->found) {
		c->best_len = plen;
		c->best_line = line;
		c->best_col = col;
	}
}

static int value(struct scan *c, size_t plen, int depth);

/* Copy a JSON string (at the opening quote) into out, unescaping only the
 * simple escapes; enough to compare keys. */
static void string(struct scan *c, char *out, size_t outsz)
{
	size_t o = 0;

	adv(c); /* opening quote */
	while (c->i < c->len && c->s[c->i] != '"') {
		char ch = c->s[c->i];
		if (ch == '\\' && c->i + 1 < c->len) {
			adv(c);
			ch = c->s[c->i];
			if (ch == 'n')
				ch = '\n';
			else if (ch == 't')
				ch = '\t';
		}
		if (out && o + 1 < outsz)
			out[o++] = ch;
		adv(c);
	}
	if (c->i < c->len)
		adv(c);
	if (out)
		out[o] = '\0';
}

static int object(struct scan *c, size_t plen, int depth)
{
	char key[256];

	adv(c); /* { */
	for (;;) {
		long kl, kc;
		size_t np;
		ws(c);
		if (c->i >= c->len)
			return -1;
		if (c->s[c->i] == '}') {
			adv(c);
			return 0;
		}
		if (c->s[c->i] == ',') {
			adv(c);
			continue;
		}
		if (c->s[c->i] != '"')
			return -1;
		kl = c->line;
		kc = c->col;
		string(c, key, sizeof(key));
		np = plen;
		if (plen)
			np += (size_t)snprintf(c->path + plen,
					       PATH_MAX_LEN - plen, ".%s", key);
		else
			np += (size_t)snprintf(c->path, PATH_MAX_LEN, "%s", key);
		if (np >= PATH_MAX_LEN)
			return -1;
		mark(c, np, kl, kc);
		ws(c);
		if (c->i < c->len && c->s[c->i] == ':')
			adv(c);
		if (value(c, np, depth + 1))
			return -1;
		c->path[plen] = '\0';
	}
}

static int array(struct scan *c, size_t plen, int depth)
{
	size_t idx = 0;

	adv(c); /* [ */
	for (;;) {
		size_t np;
		ws(c);
		if (c->i >= c->len)
			return -1;
		if (c->s[c->i] == ']') {
			adv(c);
			return 0;
		}
		if (c->s[c->i] == ',') {
			adv(c);
			idx++;
			continue;
		}
		np = plen + (size_t)snprintf(c->path + plen, PATH_MAX_LEN - plen,
					     "[%zu]", idx);
		if (np >= PATH_MAX_LEN)
			return -1;
		mark(c, np, c->line, c->col);
		if (value(c, np, depth + 1))
			return -1;
		c->path[plen] = '\0';
	}
}

static int value(struct scan *c, size_t plen, int depth)
{
	if (depth > MAX_DEPTH)
		return -1;
	ws(c);
	if (c->i >= c->len)
		return -1;
	switch (c->s[c->i]) {
	case '{':
		return object(c, plen, depth);
	case '[':
		return array(c, plen, depth);
	case '"':
		string(c, NULL, 0);
		return 0;
	default:
		while (c->i < c->len && !strchr(",}] \t\r\n", c->s[c->i]))
			adv(c);
		return 0;
	}
}

int bs_json_locate(const char *text, size_t len, const char *path,
		   long *line, long *col)
{
	struct scan c;

	memset(&c, 0, sizeof(c));
	c.s = text;
	c.len = len;
	c.line = 1;
	c.col = 1;
	c.target = path;
	/* skip a UTF-8 byte-order mark, as jansson does not accept one but a
	 * located error should still point at the right column */
	if (len >= 3 && (unsigned char)text[0] == 0xEF &&
	    (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
		c.i = 3;
	(void)value(&c, 0, 0);
	*line = c.best_line;
	*col = c.best_col;
	return c.found;
}

/* A process-wide count, not per thread: under memory exhaustion any load
 * that fails meanwhile is reported as out of memory, which it then is. */
static atomic_ulong json_failures;

static void *counting_malloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		atomic_fetch_add(&json_failures, 1);
	return p;
}

void bs_json_setup(void)
{
	json_set_alloc_funcs(counting_malloc, free);
}

unsigned long bs_json_alloc_failures(void)
{
	return atomic_load(&json_failures);
}

int bs_json_nomem(const json_error_t *je, unsigned long before)
{
	return bs_json_alloc_failures() != before ||
	       json_error_code(je) == json_error_out_of_memory ||
	       je->text[0] == '\0';
}

json_t *bs_json_load_file(const char *path, size_t max, const char *what,
			  size_t flags, struct bs_error *err)
{
	char *text = NULL;
	size_t len = 0;
	json_error_t je;
	unsigned long f0;
	json_t *doc;

	if (bs_read_file(path, max, what, &text, &len, err)) {
		if (err && err->code == BS_E_INPUT &&
		    (errno == ENOENT || errno == ENOTDIR))
			bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
				     "missing; expected %s", what);
		return NULL;
	}
	f0 = bs_json_alloc_failures();
	doc = json_loadb(text, len, flags, &je);
	free(text);
	if (doc)
		return doc;
	if (bs_json_nomem(&je, f0))
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL,
			     "out of memory reading the file");
	else
		bs_error_set(err, BS_E_INPUT, path, je.line, je.column, NULL,
			     "invalid JSON: %s; expected %s", je.text, what);
	return NULL;
}

int bs_json_parse(const char *path, const char *text, size_t len,
		  const char *thing, json_t **doc, struct bs_error *err)
{
	unsigned long f0 = bs_json_alloc_failures();
	json_error_t je;

	*doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (*doc)
		return 0;
	if (bs_json_nomem(&je, f0)) {
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL,
			     "out of memory reading the %s", thing);
		return BS_E_NOMEM;
	}
	bs_error_set(err, BS_E_INPUT, path, je.line, je.column, NULL,
		     "invalid JSON: %s", je.text);
	return BS_E_INPUT;
}

int bs_json_error_at(struct bs_error *err, const char *file,
		     const char *text, size_t len, const char *path,
		     const char *msg)
{
	long line = 0, col = 0;

	if (text)
		bs_json_locate(text, len, path, &line, &col);
	bs_error_set(err, BS_E_INPUT, file, line, col, path, "%s", msg);
	return BS_E_INPUT;
}
