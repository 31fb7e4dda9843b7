/* Many runs in few processes, for the tests that make hundreds of them:
 * in the sanitized build, starting and ending a process (its libraries,
 * the leak check) costs more than most runs.  Used by sfbnet_batch and
 * the semantic checker's --batch. */
#ifndef SFB_TEST_BATCH_H
#define SFB_TEST_BATCH_H

#include <stdbool.h>
#include <stddef.h>

/* Run jobs 0 .. n-1 in turns in forked children, each starting at the
 * first job not yet done: run(i, arg) runs job i (after batch_redirect of
 * its output) and returns its exit status.  A job that ends its process
 * (exit, die, a sanitizer's abort) is given the process's status (128 +
 * the signal) and the next job a new child; with stop_on_failure a child
 * also ends, on purpose, after a job that did not return 0.  A child that
 * is done exits with stdout and stderr the batch's own again, so the leak
 * check, which covers all its jobs, reports there.  Prints each job's
 * status, one line per job.  Returns 0, or 1 when a child ended badly
 * after its last job (a leak) or the children could not be made. */
int batch_run(const char *who, size_t n, int (*run)(size_t i, void *arg), void *arg,
    bool stop_on_failure);

/* stdout to out, and stderr to err (NULL: to out as well), created or
 * truncated; false with errno set when a file cannot be opened. */
bool batch_redirect(const char *out, const char *err);

#endif
