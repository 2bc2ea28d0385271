/*
 * reportpng.c - the size of a PNG plot from its header, for the report's
 * <img> tags (see report.h). Apart from report.c, which had grown past
 * the house limit of a file's length.
 */
#include "output/report.h"

#include <string.h>

int bs_report_png_size(const char *path, unsigned long *width,
		       unsigned long *height, struct bs_error *err)
{
	static const unsigned char SIG[8] = {0x89, 'P', 'N', 'G',
					     '\r', '\n', 0x1a, '\n'};
	unsigned char h[24];
	FILE *fp = bs_input_fopen(path, "a PNG image", err);
	size_t got;

	if (!fp)
		return err ? err->code : BS_E_INPUT;
	got = fread(h, 1, sizeof(h), fp);
	fclose(fp);
	if (got < sizeof(h) || memcmp(h, SIG, 8) != 0 ||
	    memcmp(h + 12, "IHDR", 4) != 0) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "not a PNG image; expected a plot drawn by plots/plots.sh");
		return BS_E_INPUT;
	}
	*width = (unsigned long)h[16] << 24 | (unsigned long)h[17] << 16 |
		 (unsigned long)h[18] << 8 | h[19];
	*height = (unsigned long)h[20] << 24 | (unsigned long)h[21] << 16 |
		  (unsigned long)h[22] << 8 | h[23];
	return 0;
}
