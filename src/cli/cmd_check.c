/*
 * cmd_check.c - `bssim check SCENARIO.json [--set KEY=VALUE]... [--json]`:
 * read every input the run would read, check it, and print what the
 * scenario resolves to. Writes nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char CHECK_HELP[] =
	"usage: bssim check SCENARIO.json [--set KEY=VALUE]... [--json]\n"
	"\n"
	"Validate the scenario and every file it names (stations, agreement\n"
	"wards, prices, fleet size) without running it, and print the resolved\n"
	"scenario: network and fleet by ward, expected demand, agreement.\n"
	"\n"
	"options:\n"
	"      --set KEY=VALUE   override a scenario key, as for bssim run\n"
	"      --json            print the resolved scenario as JSON instead\n"
	"  -h, --help            this help\n"
	"\n"
	"exit status: 0 valid, 2 bad usage or bad input.\n";

int bs_cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"set", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct bs_set *sets = calloc((size_t)argc + 1, sizeof(*sets));
	bs_scenario *sc = NULL;
	const char *file = NULL;
	struct bs_error err;
	size_t nset = 0;
	int ch, json = 0, status = BS_EXIT_OK;

	bs_error_clear(&err);
	if (!sets)
		return bs_cli_nomem("check", "out of memory");
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (bs_cli_override(optarg, &sets[nset])) {
				free(sets);
				return bs_cli_usage("check",
						    "--set '%s': expected KEY=VALUE",
						    optarg);
			}
			nset++;
			break;
		case 'J':
			json = 1;
			break;
		case 'h':
			fputs(CHECK_HELP, stdout);
			free(sets);
			return 0;
		case ':':
		default:
			free(sets);
			return bs_cli_bad_option("check", "check", ch, argv);
		}
	}
	if (bs_cli_one_operand("check", argc, argv, "SCENARIO.json", "a scenario file",
			       &file)) {
		free(sets);
		return BS_EXIT_USAGE;
	}
	sc = bs_scenario_load(file, sets, nset, &err);
	if (!sc || bs_scenario_check(sc, &err)) {
		status = bs_cli_fail(&err, 0);
	} else if (json) {
		char *text = bs_scenario_json(sc);
		bs_cli_notes(bs_scenario_notes(sc));
		bs_cli_warnings(bs_scenario_warnings(sc));
		if (!text)
			status = bs_cli_nomem("check", "out of memory");
		else
			printf("%s\n", text);
		bs_free(text);
	} else {
		char *text = bs_scenario_describe(sc, &err);
		bs_cli_notes(bs_scenario_notes(sc));
		bs_cli_warnings(bs_scenario_warnings(sc));
		if (!text)
			status = bs_cli_fail(&err, 0);
		else
			fputs(text, stdout);
		bs_free(text);
	}
	bs_scenario_free(sc);
	free(sets);
	return status;
}
