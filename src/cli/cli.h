/* sfbnet command line: the table of subcommands and what they share. */
#ifndef SFB_CLI_H
#define SFB_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "sfbnet/sfbnet.h"

/* Exit statuses (docs/sfbnet.1). */
enum {
	EXIT_GOOD = 0,      /* all good */
	EXIT_FINDING = 1,   /* a check or audit found a problem */
	EXIT_USAGE = 2,     /* bad usage or bad input; nothing written */
	EXIT_RUNTIME = 3    /* runtime failure */
};

#define CLI_MAX_OPTS 32
#define CLI_MAX_POS 4
#define CLI_MAX_REPEAT 256   /* values of all repeatable options together */

/* One option of a subcommand.  arg is the placeholder of its value, or
 * NULL for a flag. */
struct cli_opt {
	const char *name;
	char shortname;
	const char *arg;
	const char *help;
	bool repeat;     /* may be given more than once (cli_opt_each) */
};

struct cli_args {
	const char *value[CLI_MAX_OPTS];  /* indexed like the command's opts */
	bool set[CLI_MAX_OPTS];
	const char *pos[CLI_MAX_POS];
	int npos;
	/* Every value of the repeatable options, in order, and whose. */
	const char *rep[CLI_MAX_REPEAT];
	int rep_opt[CLI_MAX_REPEAT];
	int nrep;
};

/* What a command works with: the dispatcher creates the context and frees
 * whatever the command loaded, so a command is only its own logic. */
struct cli_session {
	sfb_ctx *ctx;
	sfb_catalog *cat;
	sfb_topology *topo;
	sfb_plan *plan;
	char *out;         /* what the command writes: to -o FILE or stdout */
};

struct cli_cmd {
	const char *name;
	const char *summary;       /* one line for the command list */
	const char *positional;    /* e.g. "TOPOLOGY", or NULL */
	int minpos, maxpos;
	const struct cli_opt *opts; /* terminated by a NULL name */
	const char *description;   /* paragraph for --help */
	int (*run)(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s);
};

extern const struct cli_cmd cmd_catalog, cmd_validate, cmd_plan, cmd_firewall, cmd_dns,
    cmd_certs, cmd_responder, cmd_probe, cmd_import, cmd_audit, cmd_federation, cmd_diff,
    cmd_check, cmd_twin, cmd_report;

/* Value of option name (NULL if not given). */
const char *cli_opt(const struct cli_cmd *cmd, const struct cli_args *a, const char *name);
bool cli_flag(const struct cli_cmd *cmd, const struct cli_args *a, const char *name);
/* The values of repeatable option name, in the order given, into out (at
 * most max); returns how many there are. */
size_t cli_opt_each(const struct cli_cmd *cmd, const struct cli_args *a, const char *name,
    const char **out, size_t max);

/* Option name as a whole number 0..max into *out (untouched when not
 * given); a bad value is a usage error. */
int cli_number(const struct cli_cmd *cmd, const struct cli_args *a, const char *name, unsigned max,
    unsigned *out);
/* Print "sfbnet: message" to stderr and return status. */
int cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Exit status for a library status. */
int cli_status_exit(sfb_status st);
/* Report a failed library call (its context error) and return the exit status. */
int cli_fail(sfb_ctx *ctx, sfb_status st);
/* A library log callback (--progress): the line on stderr. */
void cli_log_line(void *arg, const char *line);
/* Print the context's warnings to stderr. */
void cli_warnings(sfb_ctx *ctx);

/* Load into the session: the catalog (--catalog DIR when given, else the
 * built-in one); the catalog and the TOPOLOGY argument; or both and the
 * plan.  On failure the message is printed and the exit status returned. */
int cli_load_catalog(struct cli_session *s, const struct cli_cmd *cmd, const struct cli_args *a);
int cli_load_topology(struct cli_session *s, const struct cli_cmd *cmd, const struct cli_args *a);
int cli_load_plan(struct cli_session *s, const struct cli_cmd *cmd, const struct cli_args *a);
/* The plan of one firewall only (NULL: all), or only its counts
 * (SFB_PLAN_COUNT_ONLY): sfb_plan_build_for. */
int cli_load_plan_for(struct cli_session *s, const struct cli_cmd *cmd,
    const struct cli_args *a, const char *firewall, unsigned flags);
/* --format value among allowed (NULL-terminated), default def. */
/* --engine connect|raw of probe and twin into *out (sfb_probe_engine). */
int cli_probe_engine(const struct cli_cmd *cmd, const struct cli_args *a, int dflt, int *out);
int cli_format(const struct cli_cmd *cmd, const struct cli_args *a, const char *const *allowed,
    const char *def, const char **out);

/* Write text to -o FILE (whole or not at all: temporary file + rename) or
 * to standard output. */
int cli_output(const struct cli_cmd *cmd, const struct cli_args *a, const char *text);

#endif
