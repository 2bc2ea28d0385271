/*
 * testpng.h - looking inside PNG files for the plot and report tests
 * (libpng's simplified API): is it a real, decodable PNG, how large, and
 * does it show something (more than one colour, not all background)?
 */
#ifndef BSSIM_TESTPNG_H
#define BSSIM_TESTPNG_H

#include <stddef.h>

struct tp_png {
	unsigned width, height;
	size_t colours;      /* distinct RGBA values */
	double background;   /* share of pixels in the most common colour */
};

/* Decode path; 0, or -1 with why filled (not a PNG, cannot decode...). */
int tp_png_inspect(const char *path, struct tp_png *info, char *why,
		   size_t whysz);

/*
 * Check-assert that path is a plot worth looking at: the PNG signature,
 * decodable, at least min_w x min_h, at least 8 colours, and at least 2%
 * of its pixels not background.
 */
void tp_assert_plot(const char *path, unsigned min_w, unsigned min_h);

/* Pixels of exactly the colour 0xRRGGBB (opaque) in path; -1 when it
 * cannot be decoded. Evidence that a line of a given colour was drawn. */
long tp_png_count_colour(const char *path, unsigned long rgb);

/* Pixels that differ between two PNGs of one size; -1 when either cannot
 * be decoded or their sizes differ. */
long tp_png_diff(const char *a, const char *b);

/* Write a small w x h test image (a gradient) to path; 0 or -1. */
int tp_png_write_test(const char *path, unsigned w, unsigned h);

#endif
