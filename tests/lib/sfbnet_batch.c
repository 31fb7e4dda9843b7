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
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Redirect fd to path (created or truncated). */
static bool
redirect(int fd, const char *path)
{
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (f < 0)
		return false;
	if (dup2(f, fd) < 0) {
		close(f);
		return false;
	}
	close(f);
	return true;
}

/* The child: jobs from on, each status written to statfd, until one does
 * not exit 0 or none is left. */
static void __attribute__((noreturn))
run_jobs(struct job *jobs, size_t n, size_t from, int statfd)
{
	size_t i;
	int rc, out0, err0;

	out0 = dup(STDOUT_FILENO);
	err0 = dup(STDERR_FILENO);
	if (out0 < 0 || err0 < 0)
		_exit(3);
	for (i = from; i < n; i++) {
		if (!redirect(STDOUT_FILENO, jobs[i].out) || !redirect(STDERR_FILENO, jobs[i].err)) {
			dprintf(err0, "sfbnet_batch: %s, %s: %s\n", jobs[i].out, jobs[i].err,
			    strerror(errno));
			_exit(3);
		}
		rc = sfbnet_main(jobs[i].argc, jobs[i].argv);
		fflush(stdout);
		fflush(stderr);
		if (dprintf(statfd, "%d\n", rc) < 0)
			_exit(3);
		if (rc != 0)
			break;
	}
	dup2(out0, STDOUT_FILENO);
	dup2(err0, STDERR_FILENO);
	close(out0);
	close(err0);
	close(statfd);
	exit(0);
}

int
main(int argc, char **argv)
{
	struct job *jobs = NULL;
	size_t n = 0, cap = 0, next = 0, len = 0, i;
	char *line = NULL, stat[32];
	ssize_t got;
	FILE *fp, *sp;
	int p[2], status, last, rc = 2;
	pid_t pid;

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
	rc = 0;
	while (next < n) {
		fflush(stdout);
		if (pipe(p) < 0 || (pid = fork()) < 0) {
			perror("sfbnet_batch: pipe, fork");
			rc = 1;
			goto out;
		}
		if (pid == 0) {
			close(p[0]);
			run_jobs(jobs, n, next, p[1]);
		}
		close(p[1]);
		sp = fdopen(p[0], "r");
		if (sp == NULL) {
			close(p[0]);
			rc = 1;
			goto out;
		}
		last = 0;
		while (fgets(stat, sizeof(stat), sp) != NULL) {
			fputs(stat, stdout);
			last = stat[0] != '0' || stat[1] != '\n';
			next++;
		}
		fclose(sp);
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				perror("sfbnet_batch: waitpid");
				rc = 1;
				goto out;
			}
		}
		status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
		if (next < n && !last) {
			/* The command of job next ended the process. */
			printf("%d\n", status);
			next++;
		} else if (status != 0) {
			fprintf(stderr, "sfbnet_batch: a process ended with status %d after "
			    "its last command (a leak?)\n", status);
			rc = 1;
		}
	}
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
