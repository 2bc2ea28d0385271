/*
 * flat.c - a JSON document as (dotted path, text) pairs, for the report's
 * table of the resolved scenario (see flat.h). Apart from report.c, which
 * had grown to the house limit of a file's length.
 */
#include "output/flat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/error.h"


int bs_flat_add(struct bs_flat *f, const char *path, json_t *v)
{
	char *t;

	if (f->n == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 64;
		char **p = realloc(f->path, nc * sizeof(char *)), **q;
		if (!p)
			return BS_E_NOMEM;
		f->path = p;
		if (!(q = realloc(f->text, nc * sizeof(char *))))
			return BS_E_NOMEM;
		f->text = q;
		f->cap = nc;
	}
	t = json_is_string(v) ? bs_strdup(json_string_value(v))
			      : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
						      JSON_REAL_PRECISION(12));
	if (!t)
		return BS_E_NOMEM;
	if (!(f->path[f->n] = bs_strdup(path))) {
		free(t);
		return BS_E_NOMEM;
	}
	f->text[f->n++] = t;
	return 0;
}

int bs_flatten(struct bs_flat *f, const char *prefix, json_t *v,
	       const char *skip)
{
	const char *k;
	json_t *c;

	if (!json_is_object(v) || json_object_size(v) == 0)
		return bs_flat_add(f, prefix, v);
	json_object_foreach(v, k, c) {
		char path[512];
		int rc;
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
			 k);
		if (skip && strcmp(path, skip) == 0)
			continue;
		if ((rc = bs_flatten(f, path, c, skip)))
			return rc;
	}
	return 0;
}

void bs_flat_release(struct bs_flat *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->path[i]);
		free(f->text[i]);
	}
	free(f->path);
	free(f->text);
}

const char *bs_flat_get(const struct bs_flat *f, const char *path)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->path[i], path) == 0)
			return f->text[i];
	return NULL;
}
