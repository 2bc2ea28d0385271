/*
 * str.h - bounded strings, paths and checked size arithmetic.
 */
#ifndef BS_BASE_STR_H
#define BS_BASE_STR_H

#include <stddef.h>

/* Bounded string copy that always terminates; returns strlen(src). */
size_t bs_strlcpy(char *dst, const char *src, size_t size);

/* A run name made from a file's path: its base name without ".json",
 * every byte but letters, digits, '.', '_' and '-' replaced by '_',
 * fallback when that leaves nothing or starts with '.'. Into buf (sz
 * bytes, truncated), which it returns. */
char *bs_name_of_file(const char *path, const char *fallback, char *buf,
		      size_t sz);

/* strdup that returns NULL on NULL input or allocation failure. */
char *bs_strdup(const char *s);

/* "DIR/NAME" from the first dirlen bytes of dir and name; new string, or
 * NULL when out of memory. */
char *bs_path_join(const char *dir, size_t dirlen, const char *name);

/* rel resolved against the folder of file (rel itself when absolute or
 * when file has no folder): a file named by another. New string, or
 * NULL when out of memory. */
char *bs_path_beside(const char *file, const char *rel);

/*
 * Checked size arithmetic: returns 0 and stores a*b (a+b) in *out, or
 * BS_E_LIMIT when it would overflow size_t.
 */
int bs_size_mul(size_t a, size_t b, size_t *out);
int bs_size_add(size_t a, size_t b, size_t *out);

#endif
