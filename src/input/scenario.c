/*
 * scenario.c - scenario loading: overrides, defaults, validation against
 * the key table and the rules between keys (see scenario.h; the table
 * itself is in keys.c, the checks of single values in keycheck.c, the
 * binding of values to fields in bind.c).
 */
#include "input/scenario.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "input/csvread.h"
#include "input/jsonpos.h"
#include "model/depot.h"
#include "input/keys.h"
#include "input/triplog.h"

/* ---- JSON helpers -------------------------------------------------------- */

/* Set (or with v == NULL, delete) the value at path, creating objects on
 * the way. Steals v. 0, or -1 with *bad set to the prefix that is not an
 * object. */
static int set_path(json_t *root, const char *path, json_t *v, char *bad,
		    size_t badsz)
{
	char buf[256], *dot, *cur = buf;
	json_t *o = root;

	if (bs_strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
		json_decref(v);
		bs_strlcpy(bad, path, badsz);
		return -1;
	}
	while ((dot = strchr(cur, '.')) != NULL) {
		json_t *next;
		*dot = '\0';
		next = json_object_get(o, cur);
		if (!next) {
			if (!v)
				return 0; /* deleting below a missing object */
			next = json_object();
			if (!next || json_object_set_new(o, cur, next)) {
				json_decref(v);
				return -2;
			}
		} else if (!json_is_object(next)) {
			json_decref(v);
			bs_strlcpy(bad, buf, badsz);
			return -1;
		}
		*dot = '.';
		o = next;
		cur = dot + 1;
	}
	if (!v) {
		json_object_del(o, cur);
		return 0;
	}
	return json_object_set_new(o, cur, v) ? -2 : 0;
}

/* ---- errors -------------------------------------------------------------- */

static const char *set_origin(char **keys, size_t n, const char *key)
{
	size_t i;

	/* the last --set that covers key wins, as in applying them */
	for (i = n; i-- > 0;) {
		size_t l = strlen(keys[i]);
		if (strncmp(keys[i], key, l) == 0 &&
		    (key[l] == '\0' || key[l] == '.' || key[l] == '['))
			return keys[i];
	}
	return NULL;
}

static void verr(const char *file, const char *text, size_t textlen,
		 char **setk, size_t nset, struct bs_error *err,
		 const char *key, const char *fmt, va_list ap)
{
	char msg[900];
	long line = 0, col = 0;
	const char *o;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	o = set_origin(setk, nset, key);
	if (o) {
		/* the value came from the command line: name the option and
		 * the key (the key may be below the one that was set) */
		bs_error_set(err, BS_E_INPUT, "--set", 0, 0, key, "%s", msg);
		return;
	}
	if (text)
		bs_json_locate(text, textlen, key, &line, &col);
	bs_error_set(err, BS_E_INPUT, file, line, col, key, "%s", msg);
}

int bs_scenario_error(const struct bs_scenario *sc, struct bs_error *err,
		      const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(sc->file, sc->text, sc->textlen, sc->set_keys, sc->nset, err, key,
	     fmt, ap);
	va_end(ap);
	return BS_E_INPUT;
}

static int serr(const struct bs_scenario *sc, struct bs_error *err,
		const char *key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static int serr(const struct bs_scenario *sc, struct bs_error *err,
		const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(sc->file, sc->text, sc->textlen, sc->set_keys, sc->nset, err, key,
	     fmt, ap);
	va_end(ap);
	return BS_E_INPUT;
}

/* ---- values ------------------------------------------------------------ */

/* BS_E_INPUT naming the parent of path when the key table says path is
 * required here and it is absent ("missing key 'LEAF'; NEEDS"), else 0. */
static int need(const struct bs_scenario *sc, struct bs_error *err,
		const char *path)
{
	const struct bs_key *k = bs_key_missing(sc->root, path);
	const char *leaf = strrchr(path, '.');
	char parent[128];

	if (!k)
		return 0;
	snprintf(parent, sizeof(parent), "%.*s", (int)(leaf - path), path);
	return serr(sc, err, parent, "missing key '%s'; %s", leaf + 1, k->needs);
}

static const char *str(json_t *root, const char *path)
{
	json_t *v = bs_json_path(root, path);

	return v && json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * A run name names a folder (out/<name>), so it must be safe there on
 * every system bssim writes to: ASCII letters, digits, '.', '_' and '-',
 * and any non-ASCII character above U+00A0 (valid UTF-8: 港区テスト),
 * at most 100 characters, not starting with '.'. Refused (never
 * rewritten): path separators, spaces, quotes and other ASCII punctuation
 * that shells and spreadsheets mangle, C0 and C1 control characters
 * (U+0000-U+001F, U+007F-U+009F), the no-break space U+00A0, the line
 * and paragraph separators U+2028/U+2029 and the invisible U+FEFF. O(length).
 */
static int name_ok(const char *s)
{
	size_t l = strlen(s), chars = 0;
	const unsigned char *p = (const unsigned char *)s;

	if (l == 0 || s[0] == '.' || !bs_utf8_valid(s, l))
		return 0;
	while (*p) {
		unsigned c = *p;
		if (c < 0x80) {
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
			      c == '-'))
				return 0;
			p++;
		} else {
			/* valid UTF-8: U+0080-U+00A0 is C2 80..C2 A0, U+2028
			 * and U+2029 are E2 80 A8/A9, U+FEFF is EF BB BF */
			size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			if ((c == 0xC2 && p[1] <= 0xA0) ||
			    (c == 0xE2 && p[1] == 0x80 &&
			     (p[2] == 0xA8 || p[2] == 0xA9)) ||
			    (c == 0xEF && p[1] == 0xBB && p[2] == 0xBF))
				return 0;
			p += k;
		}
		chars++;
	}
	return chars <= 100;
}

char *bs_scenario_path(const struct bs_scenario *sc, const char *rel)
{
	if (rel[0] == '/' || strcmp(sc->dir, ".") == 0)
		return bs_strdup(rel);
	return bs_path_join(sc->dir, strlen(sc->dir), rel);
}

/* ---- the rules between keys -------------------------------------------- */

/*
 * What one key alone cannot say, checked after binding in the order the
 * scenario reads (so the first problem is the one reported): names, the
 * horizon, exactly one network, the fleet, what each demand model needs,
 * the agreement's lists, shifts and bands, and the size of the series.
 * Also the few values made of several keys (the fleet's mode, profiles).
 */
static int check_demand(struct bs_scenario *sc, struct bs_error *err);

/* Shares of user types sum to 1. The tolerance 1e-6 accepts shares
 * written with six decimals (1/3 as 0.333333 three times) and a draw
 * that compares a uniform with cumulative shares never notices a gap
 * that small: the last type takes it. O(1). */
#define USER_SHARE_TOL 1e-6
static int check_users(struct bs_scenario *sc, struct bs_error *err)
{
	const struct bs_params *p = &sc->p;
	double sum = p->share_pay + p->share_monthly + p->share_day;

	if (fabs(sum - 1.0) > USER_SHARE_TOL)
		return serr(sc, err, "fees.users",
			    "user shares sum to %.9g (pay_per_ride %g + monthly %g + day_pass %g); expected a sum of 1 (within %g)",
			    sum, p->share_pay, p->share_monthly, p->share_day,
			    USER_SHARE_TOL);
	return 0;
}
static int check_operations(struct bs_scenario *sc, struct bs_error *err);

/* fleet.ownership against fleet.bikes: "given" takes {ward: n} (and only
 * it does); p->bikes is the total either way. O(wards named). */
static int check_ownership(struct bs_scenario *sc, struct bs_error *err)
{
	const struct bs_wardval *fb = &sc->fleet_bikes;
	struct bs_params *p = &sc->p;
	size_t i;

	if (p->ownership == BS_OWN_GIVEN && !fb->each)
		return serr(sc, err, "fleet.ownership",
			    "\"given\" takes each ward's bikes from fleet.bikes; expected \"bikes\": {ward: bikes} naming every ward");
	if (p->ownership != BS_OWN_GIVEN && fb->each)
		return serr(sc, err, "fleet.bikes",
			    "bikes by ward are the \"given\" ownership rule; expected one number of bikes, or \"ownership\": \"given\"");
	p->bikes = (uint64_t)fb->all; /* each count <= 1e10: exact */
	for (i = 0; fb->each && i < fb->n; i++)
		p->bikes += (uint64_t)fb->num[i];
	return 0;
}

static int cross_checks(struct bs_scenario *sc, struct bs_error *err)
{
	json_t *r = sc->root;
	struct bs_params *p = &sc->p;
	int rc;

	if (!name_ok(sc->name))
		return serr(sc, err, "name",
			    "'%s' cannot name an output folder; expected 1 to 100 letters (any script), digits, '.', '_' or '-', not starting with '.'",
			    sc->name);
	if (p->warmup_days >= p->days)
		return serr(sc, err, "horizon.warmup_days",
			    "warm-up of %g days leaves nothing of a %g-day horizon; expected less than horizon.days",
			    p->warmup_days, p->days);

	/* network */
	if (!bs_json_path(r, "network"))
		return serr(sc, err, "network",
			    "missing; expected \"network\": {\"stations\": \"stations.csv\"} or {\"synthetic\": {...}}");
	if (sc->stations_path && bs_json_path(r, "network.synthetic"))
		return serr(sc, err, "network.synthetic",
			    "both network.stations and network.synthetic are given; expected one of them");
	if (!sc->stations_path && !bs_json_path(r, "network.synthetic"))
		return serr(sc, err, "network",
			    "expected network.stations (a CSV path) or network.synthetic");
	if (!sc->stations_path) {
		if ((rc = need(sc, err, "network.synthetic.stations")) ||
		    (rc = need(sc, err, "network.synthetic.capacity")))
			return rc;
		if ((double)sc->syn_n * sc->syn_cap > (double)BS_MAX_DOCKS)
			return serr(sc, err, "network.synthetic.capacity",
				    "%zu stations of %u docks make %.0f docks; expected at most %llu in all (every dock is held in memory)",
				    sc->syn_n, sc->syn_cap,
				    (double)sc->syn_n * sc->syn_cap,
				    (unsigned long long)BS_MAX_DOCKS);
		if (sc->syn_wards > sc->syn_n)
			return serr(sc, err, "network.synthetic.wards",
				    "%zu wards for %zu stations; expected at most one ward per station",
				    sc->syn_wards, sc->syn_n);
	}

	/* fleet: bikes, or fill, or the initial stock as given */
	if (!bs_json_path(r, "fleet"))
		return serr(sc, err, "fleet",
			    "missing; expected \"fleet\": {\"bikes\": N} or {\"fill\": F}");
	if (bs_json_path(r, "fleet.bikes") && bs_json_path(r, "fleet.fill"))
		return serr(sc, err, "fleet.fill",
			    "both fleet.bikes and fleet.fill are given; expected one of them");
	if ((rc = check_ownership(sc, err)))
		return rc;
	if (bs_json_path(r, "fleet.bikes"))
		p->fleet_mode = BS_FLEET_BIKES;
	else if (bs_json_path(r, "fleet.fill"))
		p->fleet_mode = BS_FLEET_FILL;
	else if (sc->initial_path)
		p->fleet_mode = BS_FLEET_INITIAL;
	else
		return serr(sc, err, "fleet",
			    "expected fleet.bikes (a number of bikes), fleet.fill (a share of docks) or fleet.initial (a stock CSV)");

	if ((rc = check_users(sc, err)))
		return rc;
	return check_demand(sc, err);
}

/* demand.calendar: a start date gives day 0 its month, and its weekday
 * must be the horizon's (one calendar, not two); month factors need it.
 * O(1). */
static int check_calendar(struct bs_scenario *sc, struct bs_error *err)
{
	static const char *const wd[] = {"mon", "tue", "wed", "thu", "fri",
					 "sat", "sun"};
	static const char *const day[] = {"Monday", "Tuesday", "Wednesday",
					  "Thursday", "Friday", "Saturday",
					  "Sunday"};
	json_t *r = sc->root;
	const char *start = str(r, "demand.calendar.start");
	struct bs_params *p = &sc->p;
	int w;

	p->cal_day0 = -1;
	if (p->demand == BS_DEMAND_TRACE || !bs_json_path(r, "demand.calendar"))
		return 0;
	if (bs_json_path(r, "demand.calendar.month") && !start)
		return serr(sc, err, "demand.calendar",
			    "missing key 'start'; month factors need the date of day 0 (YYYY-MM-DD)");
	if (!start)
		return 0;
	if (bs_parse_date(start, &p->cal_day0) || p->cal_day0 < 0)
		return serr(sc, err, "demand.calendar.start",
			    "'%s' is not a date from 1970-01-01 on; expected YYYY-MM-DD",
			    start);
	/* 1970-01-01 was a Thursday (3, Monday 0) */
	w = (int)((p->cal_day0 + 3) % 7);
	if (w != p->start_weekday)
		return serr(sc, err, "demand.calendar.start",
			    "%s is a %s, but horizon.start_weekday is \"%s\"; expected horizon.start_weekday \"%s\"",
			    start, day[w], wd[p->start_weekday], wd[w]);
	return 0;
}

/* What each demand model needs. */
static int check_demand(struct bs_scenario *sc, struct bs_error *err)
{
	json_t *r = sc->root;
	struct bs_params *p = &sc->p;
	int rc;

	if ((rc = check_calendar(sc, err)))
		return rc;
	switch (p->demand) {
	case BS_DEMAND_UNIFORM:
		if ((rc = need(sc, err, "demand.rate_per_station_per_hour")))
			return rc;
		break;
	case BS_DEMAND_RATES:
		if ((rc = need(sc, err, "demand.rates")))
			return rc;
		break;
	case BS_DEMAND_TRACE:
		if ((rc = need(sc, err, "demand.trips")))
			return rc;
		sc->trace_day0 = -1;
		if (bs_json_path(r, "demand.trace_start") &&
		    bs_parse_date(str(r, "demand.trace_start"), &sc->trace_day0))
			return serr(sc, err, "demand.trace_start",
				    "'%s' is not a date; expected YYYY-MM-DD",
				    str(r, "demand.trace_start"));
		break;
	default: /* gravity */
		if ((rc = need(sc, err, "demand.trips_per_day")))
			return rc;
		if (bs_json_path(r, "demand.profile.weekend") &&
		    !bs_json_path(r, "demand.profile.weekday"))
			return serr(sc, err, "demand.profile",
				    "a weekend profile without a weekday one; expected demand.profile.weekday too");
		if (bs_json_path(r, "demand.profile.weekday")) {
			p->has_profile = 1;
			/* the weekend as the weekday unless given */
			if (!bs_json_path(r, "demand.profile.weekend"))
				memcpy(p->profile_weekend, p->profile_weekday,
				       sizeof(p->profile_weekend));
		}
	}

	return check_operations(sc, err);
}

/* The agreement's lists, shifts and bands, and the series' size. */
static int check_operations(struct bs_scenario *sc, struct bs_error *err)
{
	struct bs_params *p = &sc->p;

	int rc;

	if ((rc = need(sc, err, "agreement.pairs")) ||
	    (rc = need(sc, err, "agreement.matrix")))
		return rc;

	/* rebalancing */
	if (p->reb_shift_end_h <= p->reb_shift_start_h)
		return serr(sc, err, "rebalancing.shift_end_h",
			    "the shift ends at %g h, not after it starts (%g h); expected an end hour after the start, within the day",
			    p->reb_shift_end_h, p->reb_shift_start_h);
	if (p->reb_high < p->reb_low)
		return serr(sc, err, "rebalancing.high",
			    "high %g is below low %g; expected low <= target <= high",
			    p->reb_high, p->reb_low);
	if (p->reb_target < p->reb_low || p->reb_target > p->reb_high)
		return serr(sc, err, "rebalancing.target",
			    "target %g is outside [low %g, high %g]; expected low <= target <= high",
			    p->reb_target, p->reb_low, p->reb_high);

	if (p->dep_enabled && p->dep_ops == BS_DEPOT_OPS_POLICY &&
	    p->dep_shift_end_h <= p->dep_shift_start_h)
		return serr(sc, err, "depots.shift_end_h",
			    "the shift ends at %g h, not after it starts (%g h); expected an end hour after the start, within the day",
			    p->dep_shift_end_h, p->dep_shift_start_h);

	/* batteries */
	if (p->battery) {
		if (p->bat_swap_below < p->bat_min_rentable)
			return serr(sc, err, "battery.swap_below",
				    "%g is below min_rentable %g: crews would leave unrentable bikes; expected swap_below >= min_rentable",
				    p->bat_swap_below, p->bat_min_rentable);
		if (p->bat_shift_end_h <= p->bat_shift_start_h)
			return serr(sc, err, "battery.shift_end_h",
				    "the shift ends at %g h, not after it starts (%g h); expected an end hour after the start, within the day",
				    p->bat_shift_end_h, p->bat_shift_start_h);
	}

	/* output */
	if (fmod(BS_MINUTES_PER_DAY, p->ts_step_min) != 0.0)
		return serr(sc, err, "output.timeseries_step_min",
			    "%g minutes do not divide the day; expected a step that divides 1440 minutes (5, 10, 15, 30, 60, 120, ...)",
			    p->ts_step_min);
	/* long runs: days.csv and one replication's time series unless
	 * the scenario says otherwise (BS_LONG_RUN_DAYS) */
	if (!bs_json_path(sc->root, "output.days"))
		p->days_out = p->days > BS_LONG_RUN_DAYS;
	if (!bs_json_path(sc->root, "output.timeseries_replications"))
		p->ts_reps = p->days > BS_LONG_RUN_DAYS ? 1 : 0;
	if (p->days * BS_MINUTES_PER_DAY / p->ts_step_min > BS_MAX_SAMPLES)
		return serr(sc, err, "output.timeseries_step_min",
			    "%g-minute samples over %g days make more than %g samples per replication; expected a longer step",
			    p->ts_step_min, p->days, BS_MAX_SAMPLES);
	return 0;
}

static int extract(struct bs_scenario *sc, struct bs_error *err)
{
	int rc = bs__scenario_bind(sc);

	return rc ? rc : cross_checks(sc, err);
}

/* ---- loading ------------------------------------------------------------- */

/* A copy of src with its members in key-table order, so that the resolved
 * scenario reads the same whatever order the user wrote. New reference. */
static json_t *canonical(json_t *src, const char *prefix)
{
	json_t *o = json_object();
	size_t i, pl = strlen(prefix);

	if (!o)
		return NULL;
	for (i = 0; i < bs_nkeys; i++) {
		const char *k = bs_keys[i].path, *leaf;
		json_t *v, *c;
		if (pl && (strncmp(k, prefix, pl) != 0 || k[pl] != '.'))
			continue;
		leaf = pl ? k + pl + 1 : k;
		if (strchr(leaf, '.'))
			continue;
		v = json_object_get(src, leaf);
		if (!v)
			continue;
		c = bs_keys[i].type == BS_KT_OBJ && json_is_object(v)
			    ? canonical(v, k)
			    : json_incref(v);
		if (!c || json_object_set_new(o, leaf, c)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static int validate(struct bs_scenario *sc, struct bs_error *err)
{
	size_t i;
	int rc;

	if (!json_is_object(sc->root))
		return serr(sc, err, "",
			    "the scenario is %s; expected a JSON object {\"bssim\": 1, ...}",
			    bs__json_type_name(sc->root));
	/* a sweep file given to run or check: say what it is and what to
	 * type, rather than that "bssim" is missing (issue 16) */
	if (!bs_json_path(sc->root, "bssim") &&
	    bs_json_path(sc->root, "bssim_sweep"))
		return serr(sc, err, "bssim_sweep",
			    "this is a sweep file; expected a scenario file (\"bssim\": 1): run a sweep with bssim sweep FILE, or check one with bssim sweep --check FILE");
	if (!bs_json_path(sc->root, "bssim"))
		return serr(sc, err, "bssim",
			    "missing; expected \"bssim\": 1 (the scenario format version) at the top");
	if ((rc = bs__scenario_check_keys(sc, err)))
		return rc;
	/* the one default that depends on another key: bikes by ward mean
	 * the "given" rule (the key table's default is "docks") */
	if (json_is_object(bs_json_path(sc->root, "fleet.bikes")) &&
	    !bs_json_path(sc->root, "fleet.ownership")) {
		char bad[256];
		json_t *g = json_string("given");
		if (!g || set_path(sc->root, "fleet.ownership", g, bad, sizeof(bad)))
			return BS_E_NOMEM;
	}
	for (i = 0; i < bs_nkeys; i++) {
		const struct bs_key *ks = &bs_keys[i];
		json_t *v = bs_json_path(sc->root, ks->path);
		if (v) {
			if ((rc = bs__scenario_check_value(sc, ks->path, v, err)))
				return rc;
			if (!bs_key_when_holds(sc->root, ks->when)) {
				char **u = realloc(sc->unused,
						   (sc->nunused + 1) * sizeof(char *));
				if (!u)
					return BS_E_NOMEM;
				sc->unused = u;
				if (!(u[sc->nunused] = bs_strdup(ks->path)))
					return BS_E_NOMEM;
				sc->nunused++;
			}
			continue;
		}
		if (ks->def && bs_key_when_holds(sc->root, ks->when)) {
			char bad[256];
			char *dot = strrchr(ks->path, '.');
			json_t *d;
			/* a default lives only inside an object that exists
			 * or is itself created by default */
			if (dot) {
				char parent[256];
				snprintf(parent, sizeof(parent), "%.*s",
					 (int)(dot - ks->path), ks->path);
				if (!json_is_object(bs_json_path(sc->root, parent)))
					continue;
			}
			d = json_loads(ks->def, JSON_DECODE_ANY, NULL);
			if (!d || set_path(sc->root, ks->path, d, bad,
					   sizeof(bad)))
				return BS_E_NOMEM;
		}
	}
	{
		json_t *c = canonical(sc->root, "");
		if (!c)
			return BS_E_NOMEM;
		json_decref(sc->root);
		sc->root = c;
	}
	return extract(sc, err);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return bs_strdup(".");
	if (slash == path)
		return bs_strdup("/");
	d = malloc((size_t)(slash - path) + 1);
	if (!d)
		return NULL;
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

/* Default name: the file's base name without .json. */
static int default_name(struct bs_scenario *sc)
{
	char buf[128];
	json_t *s;

	if (json_object_get(sc->root, "name"))
		return 0;
	s = json_string(bs_name_of_file(sc->file, "scenario", buf, sizeof(buf)));
	return !s || json_object_set_new(sc->root, "name", s) ? BS_E_NOMEM : 0;
}

static int apply_sets(struct bs_scenario *sc, const struct bs_set *sets,
		      size_t nset, struct bs_error *err)
{
	size_t i;

	sc->set_keys = calloc(nset ? nset : 1, sizeof(char *));
	if (!sc->set_keys)
		return BS_E_NOMEM;
	for (i = 0; i < nset; i++) {
		json_error_t je;
		json_t *v;
		char bad[256];
		int rc;
		if (!(sc->set_keys[i] = bs_strdup(sets[i].key)))
			return BS_E_NOMEM;
		sc->nset = i + 1;
		if (!bs_key_find(sets[i].key)) {
			const char *closest = bs_scenario_key_suggest(sets[i].key);
			if (closest)
				return serr(sc, err, sets[i].key,
					    "unknown scenario key; did you mean '%s'?",
					    closest);
			return serr(sc, err, sets[i].key,
				    "unknown scenario key; see docs/scenario-keys.md or `bssim keys`");
		}
		v = json_loads(sets[i].value, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
			       &je);
		if (!v) {
			if (!bs_utf8_valid(sets[i].value, strlen(sets[i].value)))
				return serr(sc, err, sets[i].key,
					    "the value is not valid UTF-8 text");
			v = json_string(sets[i].value);
			if (!v)
				return BS_E_NOMEM;
		}
		if (json_is_null(v)) {
			json_decref(v);
			v = NULL; /* KEY=null removes the key */
		}
		rc = set_path(sc->root, sets[i].key, v, bad, sizeof(bad));
		if (rc == -1)
			return serr(sc, err, sets[i].key,
				    "'%s' is not an object in the scenario, so it cannot hold this key",
				    bad);
		if (rc)
			return BS_E_NOMEM;
	}
	return 0;
}

struct bs_scenario *bs_scenario_from_json(json_t *root, const char *file,
					  const char *text,
					  const struct bs_set *sets,
					  size_t nset, struct bs_error *err)
{
	struct bs_scenario *sc = calloc(1, sizeof(*sc));
	int rc;

	if (!sc) {
		json_decref(root);
		goto nomem;
	}
	sc->root = root;
	sc->file = bs_strdup(file);
	sc->dir = file ? dir_of(file) : bs_strdup(".");
	if (text) {
		sc->text = bs_strdup(text);
		sc->textlen = strlen(text);
	}
	if (!sc->file || !sc->dir || (text && !sc->text))
		goto nomem;
	if (!json_is_object(root)) {
		serr(sc, err, "", "the scenario is %s; expected a JSON object {\"bssim\": 1, ...}",
		     bs__json_type_name(root));
		goto fail;
	}
	rc = apply_sets(sc, sets, nset, err);
	if (!rc)
		rc = default_name(sc);
	if (!rc)
		rc = validate(sc, err);
	if (rc == BS_E_NOMEM)
		goto nomem;
	if (rc)
		goto fail;
	return sc;
nomem:
	bs_error_set(err, BS_E_NOMEM, file, 0, 0, NULL,
		     "out of memory reading the scenario");
fail:
	bs_scenario_free(sc);
	return NULL;
}

/* Read a whole file; NULL with err filled. Refuses files over 64 MiB,
 * and a FIFO or a device before it can block (bs_read_file). */
static char *slurp(const char *path, size_t *len, struct bs_error *err)
{
	char *buf;

	return bs_read_file(path, BS_MAX_SCENARIO_FILE, "a scenario file", &buf,
			    len, err) ? NULL : buf;
}

struct bs_scenario *bs_scenario_load(const char *path,
				     const struct bs_set *sets,
				     size_t nset, struct bs_error *err)
{
	size_t len, off = 0;
	char *text = slurp(path, &len, err);
	json_t *root;
	struct bs_scenario *sc;

	if (!text)
		return NULL;
	if (len >= 3 && (unsigned char)text[0] == 0xEF &&
	    (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
		off = 3; /* a UTF-8 byte-order mark, as some editors write */
	if (memchr(text + off, '\0', len - off)) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "binary data (a NUL byte); expected a JSON text file");
		free(text);
		return NULL;
	}
	{
		size_t k = off;
		while (k < len && strchr(" \t\r\n", text[k]))
			k++;
		if (k == len) {
			bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
				     "empty file; expected a JSON scenario object {\"bssim\": 1, ...}");
			free(text);
			return NULL;
		}
	}
	if (bs_json_parse(path, text + off, len - off, "scenario", &root,
			  err)) {
		free(text);
		return NULL;
	}
	sc = bs_scenario_from_json(root, path, text + off, sets, nset, err);
	/* the bytes parsed, BOM included: what sha256sum says of the file */
	if (sc && bs__scenario_origin(sc, path, text, len, err)) {
		bs_scenario_free(sc);
		sc = NULL;
	}
	free(text);
	return sc;
}

struct bs_scenario *bs__scenario_ref(struct bs_scenario *sc)
{
	atomic_fetch_add(&sc->extra_refs, 1);
	return sc;
}

void bs_scenario_free(struct bs_scenario *sc)
{
	size_t i;

	if (!sc)
		return;
	/* another reference remains: the last one frees */
	if (atomic_fetch_sub(&sc->extra_refs, 1) > 0)
		return;
	if (sc->world)
		sc->world_free(sc->world);
	json_decref(sc->root);
	for (i = 0; i < sc->nset; i++)
		free(sc->set_keys[i]);
	free(sc->set_keys);
	for (i = 0; i < sc->nunused; i++)
		free(sc->unused[i]);
	free(sc->unused);
	free(sc->file);
	free(sc->dir);
	free(sc->text);
	bs__input_file_release(&sc->origin);
	for (i = 0; sc->inputs && i < sc->ninputs; i++)
		bs__input_file_release(&sc->inputs[i]);
	free(sc->inputs);
	free(sc->again_of);
	bs__scenario_unbind(sc);
	free(sc);
}
