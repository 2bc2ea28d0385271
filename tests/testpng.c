/*
 * testpng.c - see testpng.h.
 */
#include "testpng.h"

#include <check.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole image as RGBA bytes (caller frees), or NULL. */
static unsigned char *decode(const char *path, unsigned *w, unsigned *h,
			     char *why, size_t whysz)
{
	png_image img;
	unsigned char *px;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		snprintf(why, whysz, "libpng: %s", img.message);
		return NULL;
	}
	img.format = PNG_FORMAT_RGBA;
	px = malloc((size_t)img.width * img.height * 4);
	if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		snprintf(why, whysz, "libpng: %s", px ? img.message : "out of memory");
		png_image_free(&img);
		free(px);
		return NULL;
	}
	*w = img.width;
	*h = img.height;
	return px;
}

long tp_png_count_colour(const char *path, unsigned long rgb)
{
	unsigned w, h;
	char why[256];
	unsigned char *px = decode(path, &w, &h, why, sizeof(why));
	size_t i, n;
	long k = 0;

	if (!px)
		return -1;
	n = (size_t)w * h;
	for (i = 0; i < n; i++)
		if (px[4 * i] == (rgb >> 16 & 255) &&
		    px[4 * i + 1] == (rgb >> 8 & 255) &&
		    px[4 * i + 2] == (rgb & 255) && px[4 * i + 3] == 255)
			k++;
	free(px);
	return k;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

int tp_png_inspect(const char *path, struct tp_png *info, char *why,
		   size_t whysz)
{
	static const unsigned char SIG[8] = {0x89, 'P', 'N', 'G',
					     '\r', '\n', 0x1a, '\n'};
	unsigned char sig[8];
	uint32_t *px = NULL;
	size_t n, i, run = 1, best = 1;
	FILE *fp = fopen(path, "rb");

	memset(info, 0, sizeof(*info));
	if (!fp) {
		snprintf(why, whysz, "cannot open");
		return -1;
	}
	n = fread(sig, 1, sizeof(sig), fp);
	fclose(fp);
	if (n != sizeof(sig) || memcmp(sig, SIG, sizeof(sig)) != 0) {
		snprintf(why, whysz, "no PNG signature");
		return -1;
	}
	px = (uint32_t *)(void *)decode(path, &info->width, &info->height,
					why, whysz);
	if (!px)
		return -1;
	n = (size_t)info->width * info->height;
	qsort(px, n, sizeof(uint32_t), cmp_u32);
	info->colours = n > 0;
	for (i = 1; i < n; i++) {
		if (px[i] != px[i - 1]) {
			info->colours++;
			run = 1;
		} else if (++run > best) {
			best = run;
		}
	}
	info->background = n ? (double)best / (double)n : 1.0;
	free(px);
	return 0;
}

void tp_assert_plot(const char *path, unsigned min_w, unsigned min_h)
{
	struct tp_png p;
	char why[256];

	ck_assert_msg(tp_png_inspect(path, &p, why, sizeof(why)) == 0,
		      "%s: %s", path, why);
	ck_assert_msg(p.width >= min_w && p.height >= min_h,
		      "%s: %ux%u, expected at least %ux%u", path, p.width,
		      p.height, min_w, min_h);
	ck_assert_msg(p.colours >= 8, "%s: only %zu colours", path, p.colours);
	ck_assert_msg(p.background <= 0.98,
		      "%s: %.1f%% of the pixels are background: blank?", path,
		      100.0 * p.background);
}

int tp_png_write_test(const char *path, unsigned w, unsigned h)
{
	png_image img;
	unsigned char *buf = malloc((size_t)w * h * 3);
	unsigned x, y;
	int ok;

	if (!buf)
		return -1;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			unsigned char *p = buf + ((size_t)y * w + x) * 3;
			p[0] = (unsigned char)(255 * x / (w ? w : 1));
			p[1] = (unsigned char)(255 * y / (h ? h : 1));
			p[2] = 128;
		}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = w;
	img.height = h;
	img.format = PNG_FORMAT_RGB;
	ok = png_image_write_to_file(&img, path, 0, buf, 0, NULL);
	free(buf);
	return ok ? 0 : -1;
}

long tp_png_diff(const char *a, const char *b)
{
	unsigned wa, ha, wb, hb;
	char why[256];
	unsigned char *pa = decode(a, &wa, &ha, why, sizeof(why));
	unsigned char *pb = pa ? decode(b, &wb, &hb, why, sizeof(why)) : NULL;
	size_t i, n;
	long k = 0;

	if (!pa || !pb || wa != wb || ha != hb) {
		free(pa);
		free(pb);
		return -1;
	}
	n = (size_t)wa * ha;
	for (i = 0; i < n; i++)
		if (memcmp(pa + 4 * i, pb + 4 * i, 4) != 0)
			k++;
	free(pa);
	free(pb);
	return k;
}
