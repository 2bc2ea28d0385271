/*
 * sha256.c - SHA-256 as FIPS 180-4 section 6.2 gives it (see sha256.h).
 */
#include "base/sha256.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/file.h"

/* FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the
 * cube roots of the first 64 primes */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* 6.2.2: one 512-bit block into the hash value */
static void block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
	int t;

	for (t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
		       (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
	for (t = 16; t < 64; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^
			      (w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^
			      (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3];
	e = h[4], f = h[5], g = h[6], hh = h[7];
	for (t = 0; t < 64; t++) {
		t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
		     ((e & f) ^ (~e & g)) + K[t] + w[t];
		t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		hh = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void bs_sha256_init(struct bs_sha256 *c)
{
	/* 5.3.3: the square roots of the first 8 primes */
	static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
				       0xa54ff53a, 0x510e527f, 0x9b05688c,
				       0x1f83d9ab, 0x5be0cd19};

	memcpy(c->h, H0, sizeof(H0));
	c->bytes = 0;
	c->nbuf = 0;
}

void bs_sha256_update(struct bs_sha256 *c, const void *data, size_t n)
{
	const unsigned char *p = data;

	c->bytes += n;
	if (c->nbuf) {
		size_t k = 64 - c->nbuf < n ? 64 - c->nbuf : n;
		memcpy(c->buf + c->nbuf, p, k);
		c->nbuf += k;
		p += k;
		n -= k;
		if (c->nbuf < 64)
			return;
		block(c->h, c->buf);
		c->nbuf = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		block(c->h, p);
	memcpy(c->buf, p, n);
	c->nbuf = n;
}

void bs_sha256_final(struct bs_sha256 *c, unsigned char out[BS_SHA256_LEN])
{
	/* 5.1.1: a 1 bit, zeros to 448 bits mod 512, the length in bits */
	uint64_t bits = c->bytes * 8;
	int i;

	c->buf[c->nbuf++] = 0x80;
	if (c->nbuf > 56) {
		memset(c->buf + c->nbuf, 0, 64 - c->nbuf);
		block(c->h, c->buf);
		c->nbuf = 0;
	}
	memset(c->buf + c->nbuf, 0, 56 - c->nbuf);
	for (i = 0; i < 8; i++)
		c->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	block(c->h, c->buf);
	for (i = 0; i < 32; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

static void to_hex(const unsigned char d[BS_SHA256_LEN],
		   char out[BS_SHA256_HEX])
{
	static const char X[] = "0123456789abcdef";

	for (int i = 0; i < BS_SHA256_LEN; i++) {
		out[2 * i] = X[d[i] >> 4];
		out[2 * i + 1] = X[d[i] & 15];
	}
	out[2 * BS_SHA256_LEN] = '\0';
}

void bs_sha256_hex(const void *data, size_t n, char out[BS_SHA256_HEX])
{
	struct bs_sha256 c;
	unsigned char d[BS_SHA256_LEN];

	bs_sha256_init(&c);
	bs_sha256_update(&c, data, n);
	bs_sha256_final(&c, d);
	to_hex(d, out);
}

int bs_sha256_file(const char *path, char out[BS_SHA256_HEX],
		   uint64_t *bytes, struct bs_error *err)
{
	unsigned char buf[65536], d[BS_SHA256_LEN];
	struct bs_sha256 c;
	int fd = bs_input_open(path, "a file", err);
	ssize_t got;

	if (fd < 0)
		return fd;
	bs_sha256_init(&c);
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			close(fd);
			bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
				     "cannot read: %s", strerror(e));
			return BS_E_INPUT;
		}
		bs_sha256_update(&c, buf, (size_t)got);
	}
	close(fd);
	bs_sha256_final(&c, d);
	to_hex(d, out);
	if (bytes)
		*bytes = c.bytes;
	return 0;
}
