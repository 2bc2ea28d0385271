/*
 * textdec.c - UTF-8 checked, CP932 converted with glibc's iconv (see
 * textdec.h for the rule that tells them apart, and its cost).
 */
#include "input/textdec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void bs_textdec_init(struct bs_textdec *d, const char *file, size_t chunk,
		     struct bs_warnings *notes)
{
	memset(d, 0, sizeof(*d));
	d->cd = (iconv_t)-1;
	d->chunk = chunk;
	d->file = file;
	d->notes = notes;
}

void bs_textdec_bom(struct bs_textdec *d)
{
	d->off = 3;
	d->mode = BS_ENC_UTF8;
}

/* Check p[from..n) as UTF-8 going on from d's state (p is the chunk at
 * d->off): the index in p of the first byte not to parse (the start of an
 * invalid sequence, 0 when it began in an earlier chunk), n when all are
 * valid so far (a sequence may go on in the next chunk); d->bad says
 * where the bad one starts. */
static size_t utf8_scan(struct bs_textdec *d, const unsigned char *p,
			size_t from, size_t n)
{
	size_t i;

	for (i = from; i < n; i++) {
		unsigned c = p[i];
		if (d->need) {
			if ((c & 0xC0) != 0x80)
				goto bad;
			d->cp = (d->cp << 6) | (c & 0x3F);
			if (--d->need == 0 &&
			    (d->cp < d->min || d->cp > 0x10FFFF ||
			     (d->cp >= 0xD800 && d->cp <= 0xDFFF)))
				goto bad;
			continue;
		}
		if (c < 0x80)
			continue;
		d->seq_off = d->off + i;
		if ((c & 0xE0) == 0xC0) {
			d->need = 1, d->cp = c & 0x1F, d->min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			d->need = 2, d->cp = c & 0x0F, d->min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			d->need = 3, d->cp = c & 0x07, d->min = 0x10000;
		} else {
			goto bad;
		}
	}
	return n;
bad:
	d->bad = d->seq_off;
	return d->seq_off >= d->off ? (size_t)(d->seq_off - d->off) : 0;
}

/* Convert CP932 bytes (d->carry of an earlier chunk, then s[len]) into
 * d->out: *outn bytes. 0, 1 on a byte that is not CP932 (d->bad set),
 * BS_E_NOMEM. A character cut by the chunk's end waits for the next. */
static int cp932_conv(struct bs_textdec *d, const char *s, size_t len,
		      size_t *outn)
{
	char *ip, *op;
	size_t il, ol, k;

	if (!d->in && (!(d->in = malloc(d->chunk + sizeof(d->cbuf))) ||
		       !(d->out = malloc(3 * (d->chunk + sizeof(d->cbuf)) +
					 16))))
		return BS_E_NOMEM;
	memcpy(d->in, d->cbuf, d->carry);
	memcpy(d->in + d->carry, s, len);
	ip = d->in;
	il = d->carry + len;
	op = d->out;
	/* a CP932 character takes at most 3 bytes of UTF-8 per byte */
	ol = 3 * il + 16;
	k = iconv(d->cd, &ip, &il, &op, &ol);
	*outn = (size_t)(op - d->out);
	if (k == (size_t)-1 && errno == EINVAL && il < sizeof(d->cbuf)) {
		memcpy(d->cbuf, ip, il); /* cut: the rest comes next */
		d->carry = il;
		return 0;
	}
	if (k == (size_t)-1) { /* EILSEQ (or, never, E2BIG) */
		d->bad = d->off + (uint64_t)(ip - d->in) - d->carry;
		return 1;
	}
	d->carry = 0;
	return 0;
}

/* The first bytes that are not ASCII, at s[i]: decide the encoding from
 * s[i..len): UTF-8 when they are valid UTF-8, else CP932 for a trial
 * (bs_textdec_feed converts the chunk and settles it). 0, or 1 when this libc
 * has no CP932 (d->bad set: the first byte that is not UTF-8). */
static int decide(struct bs_textdec *d, const char *s, size_t i, size_t len)
{
	struct bs_textdec t = *d;

	t.need = 0;
	if (utf8_scan(&t, (const unsigned char *)s, i, len) == len) {
		d->mode = BS_ENC_UTF8;
		return 0;
	}
	d->bad = t.bad;
	if ((d->cd = iconv_open("UTF-8", "CP932")) == (iconv_t)-1)
		return 1;
	d->mode = BS_ENC_CP932;
	d->trial = 1;
	return 0;
}

/*
 * The bytes of s[len] to parse as UTF-8: *out, *outn (s itself, or the
 * conversion). 0; 1 when a byte is not valid text, with the bytes before
 * it in *out (parse them, then report d->bad); BS_E_NOMEM.
 */
int bs_textdec_feed(struct bs_textdec *d, const char *s, size_t len,
		    const char **out, size_t *outn)
{
	size_t i = 0, k;
	uint64_t utf8_bad;
	int rc;

	*out = s;
	*outn = len;
	if (d->mode == BS_ENC_ASCII) {
		while (i < len && !((unsigned char)s[i] & 0x80))
			i++;
		if (i < len && decide(d, s, i, len)) {
			*outn = (size_t)(d->bad - d->off);
			return 1;
		}
	}
	if (d->mode == BS_ENC_UTF8) {
		k = utf8_scan(d, (const unsigned char *)s, i, len);
		if (k < len) {
			*outn = k;
			return 1;
		}
	} else if (d->mode == BS_ENC_CP932) {
		/* the whole chunk: ASCII is the same in CP932 */
		utf8_bad = d->bad;
		rc = cp932_conv(d, s, len, outn);
		if (rc == BS_E_NOMEM)
			return rc;
		if (rc && d->trial && utf8_bad > d->bad) {
			/* neither, and UTF-8 reads further: name where the
			 * likelier reading breaks, parsing the valid UTF-8
			 * before it (the CP932 reading's prefix otherwise) */
			d->bad = utf8_bad;
			*outn = (size_t)(d->bad - d->off);
			return 1;
		}
		*out = d->out;
		if (rc)
			return 1; /* *outn: the bytes before the bad one */
		if (d->trial) {
			d->trial = 0;
			bs_warn(d->notes,
				"%s: not UTF-8 but CP932 (Shift-JIS, as Japanese Excel saves CSV): converted to UTF-8 with iconv",
				d->file);
		}
	}
	d->off += len;
	return 0;
}

/* At the end: a character cut short is not text. 0 or 1 (d->bad). */
int bs_textdec_end(struct bs_textdec *d)
{
	if (d->mode == BS_ENC_UTF8 && d->need) {
		d->bad = d->seq_off;
		return 1;
	}
	if (d->mode == BS_ENC_CP932 && d->carry) {
		d->bad = d->off - d->carry;
		return 1;
	}
	return 0;
}

void bs_textdec_release(struct bs_textdec *d)
{
	if (d->cd != (iconv_t)-1)
		iconv_close(d->cd);
	free(d->in);
	free(d->out);
}
