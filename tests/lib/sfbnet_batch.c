/* sfbnet_batch: many sfbnet command lines in few processes, for the tests
 * that run hundreds of them (in the sanitized build, starting and ending a
 * process, with its libraries and its leak check, costs more than most
 * commands).
 *
 *   sfbnet_batch JOBS
 *
 * One job per line of JOBS: OUT, ERR and the arguments, separated by tabs:
 * `sfbnet ARG...` with its stdout written to OUT and its stderr to ERR.
 * Prints each command's exit status, one line per job (128 + the signal
 * that ended it).  The code run is sfbnet's own: src/cli/main.c, its main
 * renamed.  The commands take turns in a child process; one that does not
 * exit 0 is the last of its process (it may have left getopt inside an
 * argument, or the process may have died), and the next job gets a new
 * child.  Each child ends through the leak check, which covers all of its
 * commands, with stdout and stderr the batch's own again; exit 1 when one
 * of them failed so, 2 when JOBS cannot be read, else 0. */
int sfbnet_main(int argc, char **argv);
#define main sfbnet_main
#include "../../src/cli/main.c"
#undef main

#include <errno.h>

#include "batch.h"

int main(int argc, char **argv);

struct job {
	char **argv;       /* argv[0] "sfbnet", then the arguments; NULL-terminated */
	int argc;
	char *out;         /* also the line, which the other strings point into */
	const char *err;
};

/* Split line (modified in place) at its tabs into j; false when it holds
 * fewer than OUT, ERR and one argument. */
static bool
job_parse(char *line, struct job *j)
{
	size_t n = 1, k = 0;
	char *p, *tab;

	for (p = line; (p = strchr(p, '\t')) != NULL; p++)
		n++;
	if (n < 3)
		return false;
	j->argv = calloc(n, sizeof(*j->argv));   /* n - 2 arguments, "sfbnet", NULL */
	if (j->argv == NULL)
		return false;
	j->argv[k++] = "sfbnet";
	for (p = line, n = 0; p != NULL; p = tab != NULL ? tab + 1 : NULL, n++) {
		tab = strchr(p, '\t');
		if (tab != NULL)
			*tab = '\0';
		if (n == 0)
			j->out = p;
		else if (n == 1)
			j->err = p;
		else
			j->argv[k++] = p;
	}
	j->argv[k] = NULL;
	j->argc = (int)k;
	return true;
}

/* One command, its output in its files; one that cannot have them is
 * status 3 (a failure of the batch, not of the command). */
static int
run_one(size_t i, void *arg)
{
	const struct job *j = (const struct job *)arg + i;

	if (!batch_redirect(j->out, j->err)) {
		fprintf(stderr, "sfbnet_batch: %s, %s: %s\n", j->out, j->err, strerror(errno));
		return 3;
	}
	return sfbnet_main(j->argc, j->argv);
}

int
main(int argc, char **argv)
{
	struct job *jobs = NULL;
	size_t n = 0, cap = 0, len = 0, i;
	char *line = NULL;
	ssize_t got;
	FILE *fp;
	int rc = 2;

	if (argc != 2) {
		fprintf(stderr, "usage: sfbnet_batch JOBS\n");
		return 2;
	}
	fp = fopen(argv[1], "r");
	if (fp == NULL) {
		perror(argv[1]);
		return 2;
	}
	while ((got = getline(&line, &len, fp)) > 0) {
		if (line[got - 1] == '\n')
			line[got - 1] = '\0';
		if (n == cap) {
			struct job *nj = reallocarray(jobs, cap ? cap * 2 : 64, sizeof(*jobs));

			if (nj == NULL)
				goto out;
			jobs = nj;
			cap = cap ? cap * 2 : 64;
		}
		if (!job_parse(line, &jobs[n])) {
			fprintf(stderr, "sfbnet_batch: %s:%zu: not OUT<TAB>ERR<TAB>ARG...\n",
			    argv[1], n + 1);
			goto out;
		}
		n++;
		line = NULL;   /* the job holds it now */
		len = 0;
	}
	/* A command that does not exit 0 is the last of its process: it may
	 * have left getopt inside an argument. */
	rc = batch_run("sfbnet_batch", n, run_one, jobs, true);
out:
	fclose(fp);
	free(line);
	for (i = 0; i < n; i++) {
		free(jobs[i].out);
		free(jobs[i].argv);
	}
	free(jobs);
	return rc;
}
