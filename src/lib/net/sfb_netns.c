/* Network namespaces by name: enter, leave, sysctls, ip batches. */
#include "sfb_netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#include "sfb_sys.h"

#define NETNS_DIR "/run/netns"

sfb_status
sfb_netns_enter(sfb_ctx *ctx, const char *name, int *saved)
{
	sfb_buf path;
	int fd = -1, cur;
	sfb_status st = SFB_OK;

	*saved = -1;
	sfb_buf_init(&path);
	sfb_buf_printf(&path, NETNS_DIR "/%s", name);
	if (sfb_buf_status(&path) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	if ((cur = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0) {
		st = sfb_failf(ctx, SFB_EIO, "cannot open this process's network namespace: %s",
		    strerror(errno));
		goto out;
	}
	if ((fd = open(sfb_buf_str(&path), O_RDONLY | O_CLOEXEC)) < 0 ||
	    setns(fd, CLONE_NEWNET) != 0) {
		st = sfb_failf(ctx, SFB_EIO, "cannot enter network namespace %s: %s", name,
		    strerror(errno));
		close(cur);
		goto out;
	}
	*saved = cur;
out:
	if (fd >= 0)
		close(fd);
	sfb_buf_free(&path);
	return st;
}

void
sfb_netns_leave(int *saved)
{
	if (*saved < 0)
		return;
	/* Cannot fail for a descriptor of a namespace we were in, as root. */
	(void)setns(*saved, CLONE_NEWNET);
	close(*saved);
	*saved = -1;
}

sfb_status
sfb_netns_sysctl(sfb_ctx *ctx, const char *name, const char *value)
{
	sfb_buf path;
	int fd = -1;
	size_t len = strlen(value);
	sfb_status st = SFB_OK;

	sfb_buf_init(&path);
	sfb_buf_printf(&path, "/proc/sys/%s", name);
	if (sfb_buf_status(&path) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	/* /proc/sys/net answers for the namespace of the thread that opens it. */
	if ((fd = open(sfb_buf_str(&path), O_WRONLY | O_CLOEXEC)) < 0 ||
	    write(fd, value, len) != (ssize_t)len)
		st = sfb_failf(ctx, SFB_EIO, "cannot set %s to %s: %s", name, value, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	sfb_buf_free(&path);
	return st;
}

sfb_status
sfb_netns_ip_batch(sfb_ctx *ctx, const char *what, const char *commands)
{
	char *argv[] = { "ip", "-batch", "-", NULL };
	sfb_buf err;
	sfb_status st = SFB_OK;

	sfb_buf_init(&err);
	if (!sfb_sys_run(argv, commands, &err)) {
		st = sfb_failf(ctx, SFB_EIO, "%s: ip failed: %s", what,
		    err.len > 0 ? sfb_buf_str(&err) : "(no message; is iproute2 installed?)");
	}
	sfb_buf_free(&err);
	return st;
}

unsigned
sfb_netns_sweep(const char *prefix)
{
	DIR *d = opendir(NETNS_DIR);
	struct dirent *de;
	size_t plen = strlen(prefix);
	uint64_t pid;
	sfb_cur c;
	char *argv[] = { "ip", "netns", "del", NULL, NULL };
	unsigned n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) != 0)
			continue;
		sfb_cur_init_str(&c, de->d_name + plen);
		if (!sfb_cur_uint(&c, INT32_MAX, &pid) || !sfb_cur_accept(&c, '-') || pid == 0)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;  /* its run is still going (or not ours to judge) */
		argv[3] = de->d_name;
		if (sfb_sys_run(argv, NULL, NULL))
			n++;
	}
	closedir(d);
	return n;
}
