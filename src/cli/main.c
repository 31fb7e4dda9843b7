/* sfbnet: the command table, option parsing and help generated from it. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* One entry per subcommand; help, dispatch and the man page's command list
 * all come from here. */
static const struct cli_cmd *const commands[] = {
	&cmd_catalog,
	&cmd_validate,
	&cmd_plan,
	&cmd_firewall,
	&cmd_dns,
	&cmd_certs,
	&cmd_responder,
	&cmd_probe,
	&cmd_import,
	&cmd_audit,
	&cmd_check,
	&cmd_twin,
	&cmd_report,
	&cmd_federation,
	&cmd_diff,
	NULL
};

static void
usage_line(FILE *fp, const struct cli_cmd *c)
{
	fprintf(fp, "sfbnet %s%s%s [OPTIONS]\n", c->name, c->positional ? " " : "",
	    c->positional ? c->positional : "");
}

static void
main_help(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: sfbnet COMMAND [OPTIONS] [ARGS]\n\n"
	    "Plan, generate and prove the network of a Skype for Business deployment.\n\n"
	    "Commands:\n");
	for (i = 0; commands[i] != NULL; i++)
		fprintf(fp, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(fp, "\n  sfbnet COMMAND --help   options of one command\n"
	    "  sfbnet --version        print the version\n\n"
	    "Exit status: 0 all good; 1 a check found a problem; 2 bad usage or bad input\n"
	    "(nothing written); 3 runtime failure.  See sfbnet(1).\n");
}

static void
cmd_help(FILE *fp, const struct cli_cmd *c)
{
	const struct cli_opt *o;
	char left[64];

	fputs("usage: ", fp);
	usage_line(fp, c);
	fprintf(fp, "\n%s\n\nOptions:\n", c->description);
	for (o = c->opts; o->name != NULL; o++) {
		if (o->shortname)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->shortname, o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
			    o->arg ? o->arg : "");
		fprintf(fp, "  %-28s %s\n", left, o->help);
	}
	fprintf(fp, "  %-28s %s\n", "-h, --help", "show this help");
}

static const struct cli_cmd *
find_command(const char *name)
{
	size_t i;

	for (i = 0; commands[i] != NULL; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

/* The option getopt_long refused, for the message.  optopt is the short
 * option's character (also inside a cluster such as -xf, where argv does
 * not tell which character it was: optind has not moved past the cluster
 * yet), the value of one of our long options (256 + its index, or 'h' for
 * --help) when its value is missing or one was given to a flag, and 0 for
 * an unknown long option, which is then the argument itself (--frob). */
static void
option_name(const struct cli_cmd *c, const char *arg, int opt, char *out, size_t n)
{
	int i;

	if (opt >= 256) {
		for (i = 0; c->opts[i].name != NULL && i < opt - 256; i++)
			;
		snprintf(out, n, "--%s", c->opts[i].name != NULL ? c->opts[i].name : "?");
	} else if (opt == 'h') {
		snprintf(out, n, "--help");
	} else if (opt > 0 && isprint(opt)) {
		snprintf(out, n, "-%c", opt);
	} else if (opt > 0) {
		snprintf(out, n, "-\\x%02x", (unsigned)opt);
	} else {
		snprintf(out, n, "%s", arg);
	}
}

/* Parse argv for command c with getopt_long, from an option table built
 * from c->opts. */
static int
parse_args(const struct cli_cmd *c, int argc, char **argv, struct cli_args *a)
{
	struct option lopts[CLI_MAX_OPTS + 2];
	char shorts[3 * CLI_MAX_OPTS + 4], bad[64];
	size_t ns = 0;
	int n, ch, idx;

	memset(a, 0, sizeof(*a));
	shorts[ns++] = ':';
	for (n = 0; c->opts[n].name != NULL; n++)
		;
	if (n >= CLI_MAX_OPTS) {   /* a table too long for the parser: a build error */
		fprintf(stderr, "sfbnet %s: %d options, more than CLI_MAX_OPTS (%d)\n", c->name, n,
		    CLI_MAX_OPTS);
		return EXIT_RUNTIME;
	}
	for (n = 0; c->opts[n].name != NULL; n++) {
		lopts[n].name = c->opts[n].name;
		lopts[n].has_arg = c->opts[n].arg ? required_argument : no_argument;
		lopts[n].flag = NULL;
		lopts[n].val = 256 + n;
		if (c->opts[n].shortname) {
			shorts[ns++] = c->opts[n].shortname;
			if (c->opts[n].arg)
				shorts[ns++] = ':';
		}
	}
	lopts[n].name = "help";
	lopts[n].has_arg = no_argument;
	lopts[n].flag = NULL;
	lopts[n].val = 'h';
	memset(&lopts[n + 1], 0, sizeof(lopts[n + 1]));
	shorts[ns++] = 'h';
	shorts[ns] = '\0';

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		if (ch == 'h') {
			cmd_help(stdout, c);
			return -1;
		}
		if (ch == '?' || ch == ':') {
			option_name(c, argv[optind - 1], optopt, bad, sizeof(bad));
			return cli_error(EXIT_USAGE, "%s: %s option '%s' (see sfbnet %s --help)",
			    c->name, ch == ':' ? "missing value for" : optopt >= 256 || optopt == 'h' ?
			    "no value allowed for" : "unknown", bad, c->name);
		}
		if (ch >= 256) {
			idx = ch - 256;
		} else {
			for (idx = 0; c->opts[idx].name != NULL &&
			    c->opts[idx].shortname != ch; idx++)
				;
		}
		if (c->opts[idx].repeat) {
			if (a->nrep == CLI_MAX_REPEAT)
				return cli_error(EXIT_USAGE, "%s: more than %d values of repeated "
				    "options (--%s)", c->name, CLI_MAX_REPEAT, c->opts[idx].name);
			a->rep[a->nrep] = optarg;
			a->rep_opt[a->nrep++] = idx;
		} else if (a->set[idx] && c->opts[idx].arg != NULL) {
			return cli_error(EXIT_USAGE, "%s: option --%s given twice", c->name,
			    c->opts[idx].name);
		}
		a->set[idx] = true;
		a->value[idx] = optarg;
	}
	for (; optind < argc; optind++) {
		if (a->npos >= c->maxpos)
			return cli_error(EXIT_USAGE, "%s: unexpected argument '%s'", c->name,
			    argv[optind]);
		a->pos[a->npos++] = argv[optind];
	}
	if (a->npos < c->minpos)
		return cli_error(EXIT_USAGE, "%s: missing %s (see sfbnet %s --help)", c->name,
		    c->positional, c->name);
	return EXIT_GOOD;
}

/* Run a command with a fresh session, and free what it loaded. */
static int
run_command(const struct cli_cmd *c, struct cli_args *a)
{
	struct cli_session s = { NULL, NULL, NULL, NULL, NULL };
	int rc, wrc;

	s.ctx = sfb_ctx_new();
	if (s.ctx == NULL)
		return cli_error(EXIT_RUNTIME, "out of memory");
	rc = c->run(c, a, &s);
	/* A command's output is written once it has run, whole or not at
	 * all; a finding (exit 1) still has its report written. */
	if (s.out != NULL && (rc == EXIT_GOOD || rc == EXIT_FINDING) &&
	    (wrc = cli_output(c, a, s.out)) != EXIT_GOOD)
		rc = wrc;
	free(s.out);
	sfb_plan_free(s.plan);
	sfb_topology_free(s.topo);
	sfb_catalog_free(s.cat);
	sfb_ctx_free(s.ctx);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct cli_cmd *c;
	struct cli_args a;
	int rc;

	if (argc < 2) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && (c = find_command(argv[2])) != NULL)
			cmd_help(stdout, c);
		else
			main_help(stdout);
		return EXIT_GOOD;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("sfbnet %s\n", sfb_version());
		return EXIT_GOOD;
	}
	c = find_command(argv[1]);
	if (c == NULL) {
		cli_error(EXIT_USAGE, "unknown command '%s'", argv[1]);
		main_help(stderr);
		return EXIT_USAGE;
	}
	rc = parse_args(c, argc - 1, argv + 1, &a);
	if (rc < 0)
		return EXIT_GOOD;
	if (rc != EXIT_GOOD)
		return rc;
	return run_command(c, &a);
}
