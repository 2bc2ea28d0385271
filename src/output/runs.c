/*
 * runs.c - finding and naming finished runs, for the plot tables, the
 * report and results read from folders (see output.h).
 */
#include "output/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/limits.h"
#include "input/jsonpos.h"

const char *bs_output_input_file(const char *path, const char *name, char *buf,
			      size_t sz)
{
	struct stat sb;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		size_t l;
		/* a run written with output.gzip has NAME.gz instead */
		snprintf(buf, sz, "%s/%s.gz", path, name);
		l = strlen(buf);
		if (l > 3 && stat(buf, &sb) == 0)
			return buf;
		buf[l > 3 ? l - 3 : l] = '\0';
		return buf;
	}
	return path;
}

json_t *bs_output_load_summary(const char *path, struct bs_error *err)
{
	json_t *doc = bs_json_load_file(path, BS_MAX_JSON_FILE,
					"the summary.json of a bssim run", 0,
					err);

	if (!doc)
		return NULL;
	if (!json_is_object(json_object_get(doc, "metrics"))) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, "metrics",
			     "missing; expected a bssim summary.json");
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* The last component of a path, trailing slashes dropped. New string. */
static char *base_name(const char *path)
{
	size_t end = strlen(path), start;
	char *b;

	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (!(b = malloc(end - start + 1)))
		return NULL;
	memcpy(b, path + start, end - start);
	b[end - start] = '\0';
	return b;
}

static int any_duplicate(char *const *v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(v[i], v[j]) == 0)
				return 1;
	return 0;
}

int bs_output_run_labels(char *const *dirs, json_t *const *docs, size_t n,
		      char **labels)
{
	size_t i;
	int by;

	/* 0: scenario name, 1: folder name, 2: the path as given */
	for (by = 0; by < 3; by++) {
		for (i = 0; i < n; i++) {
			const char *name = json_string_value(json_object_get(
				json_object_get(docs[i], "scenario"), "name"));
			free(labels[i]);
			labels[i] = by == 0 && name ? bs_strdup(name)
				    : by <= 1	    ? base_name(dirs[i])
						    : bs_strdup(dirs[i]);
			if (!labels[i])
				return -1;
		}
		if (!any_duplicate(labels, n))
			break;
	}
	return 0;
}
