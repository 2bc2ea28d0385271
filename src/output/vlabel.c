/*
 * vlabel.c - readable labels of sweep values (see plotdata.h): what a plot
 * legend, an axis tick or a report cell shows for a varied key's value,
 * when the sweep file gave no label of its own.
 *
 * A value is shown as sweep.csv holds it when it is a number or a string.
 * true/false become "pooled: yes"/"pooled: no" (the key's last part, so
 * that a legend says what is on), null "pooled: default" (null removes the
 * key: the default applies). An object reads as its "type" followed by its
 * other members: {"type": "bilateral", "pairs": [["Minato", "Koto"]]} is
 * "bilateral Minato–Koto"; pairs of names are joined by an en dash, other
 * members as "name: value". Cost: linear in the value's text.
 *
 * In Japanese (bs_value_label_lang with ja, output.language "ja"), ward
 * ids become their names from the run's names table (港区), and the enum
 * words and yes/no of JA_WORDS their Japanese: "二区間相互利用 港区–江東区",
 * "トラック共同運用：あり". Other text is shown as it is.
 */
#include "output/plotdata.h"

#include <string.h>

#include <jansson.h>

#include "base/str.h"

struct lbuf {
	char *s;
	size_t sz, n; /* n: bytes written (capped) */
	json_t *names; /* Japanese labels: the run's names table, or NULL */
	int ja;
};

/* Japanese words of the values a sweep most often varies (the enum
 * values of agreement.type and rebalancing.policy) and of the last parts
 * of boolean keys; a word not here stays as it is. */
static const char *const JA_WORDS[][2] = {
	{"isolated", "各区単独"},	  {"full", "全区相互利用"},
	{"bilateral", "二区間相互利用"}, {"matrix", "個別協定"},
	{"none", "なし"},		  {"threshold", "しきい値再配置"},
	{"repatriate", "所属区への返送"}, {"pooled", "トラック共同運用"},
	{"yes", "あり"},		  {"no", "なし"},
	{"default", "既定"},		  {"enabled", "有効"},
};

/* The text to show of a name or word t: in Japanese a ward's display
 * name or a known word's, else t. */
static const char *word(const struct lbuf *b, const char *t)
{
	const char *ja;
	size_t i;

	if (!b->ja)
		return t;
	ja = json_string_value(json_object_get(
		json_object_get(json_object_get(b->names, "wards"), t), "ja"));
	if (ja && *ja)
		return ja;
	for (i = 0; i < sizeof(JA_WORDS) / sizeof(JA_WORDS[0]); i++)
		if (!strcmp(JA_WORDS[i][0], t))
			return JA_WORDS[i][1];
	return t;
}

static void put(struct lbuf *b, const char *t)
{
	size_t l = strlen(t);

	if (b->n + 1 >= b->sz)
		return;
	if (b->n + l >= b->sz)
		l = b->sz - 1 - b->n;
	memcpy(b->s + b->n, t, l);
	b->n += l;
	b->s[b->n] = '\0';
}

/* The last part of a dotted key ("rebalancing.pooled" -> "pooled"). */
static const char *last_part(const char *key)
{
	const char *dot = key ? strrchr(key, '.') : NULL;

	return dot ? dot + 1 : key ? key : "";
}

static void put_value(struct lbuf *b, const json_t *v, const char *name,
		      int depth);

/* ["Minato", "Koto"]: two or three names, joined by an en dash. */
static int is_name_pair(const json_t *v)
{
	size_t i, n = json_array_size(v);

	if (!json_is_array(v) || n < 2 || n > 3)
		return 0;
	for (i = 0; i < n; i++)
		if (!json_is_string(json_array_get(v, i)))
			return 0;
	return 1;
}

static void put_array(struct lbuf *b, const json_t *v, int depth)
{
	size_t i;

	if (is_name_pair(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				put(b, "\xe2\x80\x93"); /* an en dash */
			put(b, word(b, json_string_value(json_array_get(v, i))));
		}
		return;
	}
	for (i = 0; i < json_array_size(v); i++) {
		if (i)
			put(b, ", ");
		put_value(b, json_array_get(v, i), NULL, depth + 1);
	}
}

static void put_object(struct lbuf *b, const json_t *v, int depth)
{
	const json_t *type = json_object_get(v, "type");
	const char *k;
	json_t *m;
	size_t n = 0;

	if (depth > 2) {
		put(b, "\xe2\x80\xa6"); /* deeper than a legend can say */
		return;
	}
	if (json_is_string(type))
		put(b, word(b, json_string_value(type)));
	json_object_foreach((json_t *)v, k, m) {
		if (m == type && json_is_string(type))
			continue;
		/* "bilateral Minato–Koto", "a: 1, b: 2" */
		if (n++)
			put(b, ", ");
		else if (json_is_string(type))
			put(b, " ");
		if (!json_is_boolean(m) && !json_is_null(m) &&
		    strcmp(k, "pairs") != 0) {
			put(b, word(b, k));
			put(b, b->ja ? "：" : ": ");
		}
		put_value(b, m, k, depth + 1);
	}
}

static void put_value(struct lbuf *b, const json_t *v, const char *name,
		      int depth)
{
	char num[64];

	if (json_is_boolean(v) || json_is_null(v)) {
		if (name) {
			put(b, word(b, last_part(name)));
			put(b, b->ja ? "：" : ": ");
		}
		put(b, word(b, json_is_true(v)    ? "yes"
			       : json_is_false(v) ? "no"
						  : "default"));
	} else if (json_is_string(v)) {
		put(b, word(b, json_string_value(v)));
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		put(b, num);
	} else if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%.6g", json_real_value(v));
		put(b, num);
	} else if (json_is_array(v)) {
		put_array(b, v, depth);
	} else if (json_is_object(v)) {
		put_object(b, v, depth);
	}
}

void bs_value_label(const char *key, const char *text, char *buf, size_t sz)
{
	bs_value_label_lang(key, text, NULL, 0, buf, sz);
}

void bs_value_label_lang(const char *key, const char *text, json_t *names,
			 int ja, char *buf, size_t sz)
{
	struct lbuf b = {buf, sz, 0, names, ja};
	json_t *v = NULL;

	if (!sz)
		return;
	buf[0] = '\0';
	/* only what cannot be shown as it is: objects, lists, true, false
	 * and null (a string or number is its own label) */
	if (strchr("{[", text[0]) || !strcmp(text, "true") ||
	    !strcmp(text, "false") || !strcmp(text, "null"))
		v = json_loads(text, JSON_DECODE_ANY, NULL);
	if (!v) {
		/* a string's own text; in Japanese, a ward's name, and the
		 * word of an enum key (agreement.type, rebalancing.policy),
		 * never a run's name ("full") */
		const char *last = last_part(key);
		const char *shown = word(&b, text);
		if (strcmp(last, "type") && strcmp(last, "policy") &&
		    !json_object_get(json_object_get(names, "wards"), text))
			shown = text;
		bs_strlcpy(buf, shown, sz);
		return;
	}
	put_value(&b, v, key, 0);
	json_decref(v);
	if (!buf[0])
		bs_strlcpy(buf, text, sz);
}

void bs_label_cut(char *s, size_t maxchars)
{
	size_t i, j, need, chars = 0, cut = 0;
	unsigned char lead;

	if (maxchars < 3)
		maxchars = 3;
	for (i = 0; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (chars == maxchars - 2)
				cut = i; /* the ellipsis takes two places */
			if (chars++ == maxchars) {
				/* three characters from cut on: room for the
				 * ellipsis' three bytes and the NUL */
				memcpy(s + cut, "\xe2\x80\xa6", 4);
				return;
			}
		}
	/* a last character a full buffer cut in two is dropped */
	for (j = i; j > 0 && ((unsigned char)s[j - 1] & 0xC0) == 0x80; j--)
		;
	if (j == 0 || !((unsigned char)s[j - 1] & 0x80))
		return;
	lead = (unsigned char)s[j - 1];
	need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	if (i - (j - 1) < need)
		s[j - 1] = '\0';
}
