/*
 * str.c - bounded strings, paths and checked sizes (see str.h).
 */
#include "base/str.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bssim.h"

size_t bs_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t c = len < size - 1 ? len : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return len;
}

char *bs_path_join(const char *dir, size_t dirlen, const char *name)
{
	size_t b = strlen(name);
	char *p = malloc(dirlen + b + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, dirlen);
	p[dirlen] = '/';
	memcpy(p + dirlen + 1, name, b + 1);
	return p;
}

char *bs_strdup(const char *s)
{
	size_t n;
	char *d;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

int bs_size_mul(size_t a, size_t b, size_t *out)
{
	if (a && b > SIZE_MAX / a)
		return BS_E_LIMIT;
	*out = a * b;
	return 0;
}

int bs_size_add(size_t a, size_t b, size_t *out)
{
	if (b > SIZE_MAX - a)
		return BS_E_LIMIT;
	*out = a + b;
	return 0;
}

char *bs_name_of_file(const char *path, const char *fallback, char *buf,
		      size_t sz)
{
	const char *base = strrchr(path, '/');
	size_t l;

	bs_strlcpy(buf, base ? base + 1 : path, sz);
	l = strlen(buf);
	if (l > 5 && strcmp(buf + l - 5, ".json") == 0)
		buf[l - 5] = '\0';
	for (l = 0; buf[l]; l++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    buf[l]))
			buf[l] = '_';
	if (!buf[0] || buf[0] == '.')
		bs_strlcpy(buf, fallback, sz);
	return buf;
}

char *bs_path_beside(const char *file, const char *rel)
{
	const char *slash = strrchr(file, '/');

	if (rel[0] == '/' || !slash)
		return bs_strdup(rel);
	return bs_path_join(file, (size_t)(slash - file), rel);
}
