/* Many runs in few processes (see batch.h). */
#include "batch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What a child writes on its pipe after a job's status line when it ends
 * on purpose (stop_on_failure), not because the job ended it. */
#define STOP_LINE "stop\n"

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

bool
batch_redirect(const char *out, const char *err)
{
	if (!redirect(STDOUT_FILENO, out))
		return false;
	if (err == NULL)
		return dup2(STDOUT_FILENO, STDERR_FILENO) >= 0;
	return redirect(STDERR_FILENO, err);
}

static void __attribute__((noreturn))
child(const char *who, size_t n, size_t from, int (*run)(size_t, void *), void *arg,
    bool stop_on_failure, int statfd)
{
	int rc, out0 = dup(STDOUT_FILENO), err0 = dup(STDERR_FILENO);
	size_t i;

	if (out0 < 0 || err0 < 0) {
		perror(who);
		_exit(3);
	}
	for (i = from; i < n; i++) {
		rc = run(i, arg);
		fflush(stdout);
		fflush(stderr);
		if (dprintf(statfd, "%d\n", rc) < 0)
			_exit(3);
		if (rc != 0 && stop_on_failure) {
			if (dprintf(statfd, STOP_LINE) < 0)
				_exit(3);
			break;
		}
	}
	dup2(out0, STDOUT_FILENO);
	dup2(err0, STDERR_FILENO);
	close(out0);
	close(err0);
	close(statfd);
	exit(0);
}

int
batch_run(const char *who, size_t n, int (*run)(size_t i, void *arg), void *arg,
    bool stop_on_failure)
{
	size_t next = 0;
	int p[2], status, rc = 0;
	bool stopped;
	char line[32];
	FILE *fp;
	pid_t pid;

	while (next < n) {
		fflush(stdout);
		fflush(stderr);
		if (pipe(p) < 0 || (pid = fork()) < 0) {
			perror(who);
			return 1;
		}
		if (pid == 0) {
			close(p[0]);
			child(who, n, next, run, arg, stop_on_failure, p[1]);
		}
		close(p[1]);
		if ((fp = fdopen(p[0], "r")) == NULL) {
			perror(who);
			close(p[0]);
			return 1;
		}
		stopped = false;
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (strcmp(line, STOP_LINE) == 0) {
				stopped = true;
				continue;
			}
			fputs(line, stdout);
			next++;
		}
		fclose(fp);
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				perror(who);
				return 1;
			}
		}
		status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
		if (next < n && !stopped) {
			/* The job next ended the process. */
			printf("%d\n", status);
			next++;
		} else if (status != 0) {
			fprintf(stderr, "%s: a process ended with status %d after its last job "
			    "(a leak?)\n", who, status);
			rc = 1;
		}
	}
	return rc;
}
