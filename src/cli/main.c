/*
 * main.c - bssim's entry point: global options and subcommand dispatch.
 * (build/bssim-mpi, the sweep on MPI ranks, is a front end of its own:
 * src/mpi/.)
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char HELP[] =
	"bssim - discrete-event simulator of docked bike-share systems that\n"
	"span several municipalities (mutual-use agreements between wards)\n"
	"\n"
	"usage:\n"
	"  bssim run SCENARIO.json [-o DIR] [--seed N] [--replications N]\n"
	"            [--jobs N] [--set KEY=VALUE]... [--quiet]\n"
	"  bssim run --again DIR [-o NEW]\n"
	"                              a finished run again, from its folder\n"
	"  bssim check SCENARIO.json [--set KEY=VALUE]... [--json]\n"
	"  bssim sweep SWEEP.json [-o DIR] [--jobs N] [--resume | --fresh]\n"
	"            [--shard I/N] [--check] [--quiet]\n"
	"                              every point of a parameter sweep\n"
	"  bssim merge DIR... -o DIR   join the shards of a sweep\n"
	"  bssim compare A.json B.json [options]\n"
	"                              paired differences (common random numbers)\n"
	"  bssim compare DIR_A DIR_B   the same, of two finished runs\n"
	"  bssim optimize FILE [-o DIR] [--jobs N] [--select]\n"
	"                              allocate a fleet over ports, or select the\n"
	"                              best scenario (docs/optimize.md)\n"
	"  bssim show DIR [DIR...] [--ward W]\n"
	"                              metrics of runs side by side, or a sweep's\n"
	"  bssim keys                  every scenario key, as a Markdown table\n"
	"  bssim limits                every size and range limit, as a table\n"
	"  bssim schema                the JSON Schema of scenario and sweep files\n"
	"  bssim import gbfs --station-information F [--system-regions F]\n"
	"            [--region-map ID=WARD,...] [--wards W,...] [--capacity-from S]\n"
	"            [--station-status F --stock-output F] -o stations.csv\n"
	"  bssim import trips LOG.csv [--ward NAME] [--capacity K] -o stations.csv\n"
	"  bssim calibrate status SERIES --stations F -o rates.csv [--profile F]\n"
	"  bssim calibrate trips LOG.csv --stations F -o rates.csv [--od F]\n"
	"  bssim report [-o FILE] [--plot PNG]... DIR...\n"
	"                              one-page HTML report of runs or a sweep\n"
	"  bssim plotdata KIND INPUT...\n"
	"                              tables shaped for plotting (plots/)\n"
	"  bssim --help | --version\n"
	"\n"
	"`bssim COMMAND --help` describes a command. Scenario files are\n"
	"documented in docs/scenarios.md and docs/scenario-keys.md, sweeps in\n"
	"docs/sweeps.md, clusters (MPI, Slurm) in docs/cluster.md.\n"
	"\n"
	"exit status: 0 success, 1 the run failed, 2 bad usage or bad input.\n";

/* The commands, in the order of the help. A command added here is
 * dispatched, named in the "unknown command" message, and checked by
 * check_cli for the shape of its --help (usage, options, exit status):
 * the test reads this list from that message. */
static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} CMDS[] = {
	{"run", bs_cmd_run},         {"check", bs_cmd_check},
	{"sweep", bs_cmd_sweep},     {"merge", bs_cmd_merge},
	{"compare", bs_cmd_compare}, {"optimize", bs_cmd_optimize},
	{"show", bs_cmd_show},       {"keys", bs_cmd_keys},
	{"limits", bs_cmd_limits},   {"schema", bs_cmd_schema},
	{"import", bs_cmd_import},   {"calibrate", bs_cmd_calibrate},
	{"report", bs_cmd_report},   {"plotdata", bs_cmd_plotdata}};
enum { NCMDS = sizeof(CMDS) / sizeof(CMDS[0]) };

static int unknown(const char *cmd)
{
	char list[512];
	size_t i, l = 0;

	for (i = 0; i < NCMDS && l < sizeof(list); i++)
		l += (size_t)snprintf(list + l, sizeof(list) - l, "%s%s",
				      i == 0 ? "" : i + 1 == NCMDS ? " or " : ", ",
				      CMDS[i].name);
	return bs_cli_usage(NULL, "unknown command '%s'; expected %s (see bssim --help)",
			    cmd, list);
}

static int dispatch(int argc, char **argv)
{
	const char *cmd;
	size_t i;

	if (argc < 2) {
		fputs(HELP, stderr);
		return BS_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(HELP, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("bssim %s\n", bs_version());
		return 0;
	}
	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmd, CMDS[i].name))
			return CMDS[i].fn(argc - 1, argv + 1);
	return unknown(cmd);
}

int main(int argc, char **argv)
{
	bs_init();
	bs_cli_stdio_init();
	return bs_cli_stdio_finish(dispatch(argc, argv));
}
