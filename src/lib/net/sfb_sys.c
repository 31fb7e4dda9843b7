/* Descriptor limits, privilege dropping, TPROXY rules. */
#include "sfb_sys.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <spawn.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define TPROXY_TABLE "sfbnet_responder"
#define TPROXY_ROUTE_TABLE "5353"

uint64_t
sfb_sys_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY ? UINT32_MAX : (uint64_t)rl.rlim_cur;
}

sfb_status
sfb_sys_drop_privileges(sfb_ctx *ctx, const char *user, bool keep_net_admin)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	struct passwd *pw;
	uint32_t keep;

	if (geteuid() != 0)
		return SFB_OK;
	pw = getpwnam(user != NULL ? user : "nobody");
	if (pw == NULL)
		return sfb_failf(ctx, SFB_EINVAL, "no user '%s' to drop privileges to",
		    user != NULL ? user : "nobody");
	if (keep_net_admin && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
		return sfb_failf(ctx, SFB_EIO, "prctl(PR_SET_KEEPCAPS): %s", strerror(errno));
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return sfb_failf(ctx, SFB_EIO, "cannot drop privileges to '%s': %s", pw->pw_name,
		    strerror(errno));
	if (!keep_net_admin)
		return SFB_OK;
	memset(data, 0, sizeof(data));
	keep = (1u << CAP_NET_ADMIN) | (1u << CAP_NET_BIND_SERVICE);
	data[0].effective = data[0].permitted = data[0].inheritable = keep;
	if (syscall(SYS_capset, &hdr, data) != 0)
		return sfb_failf(ctx, SFB_EIO, "capset: %s", strerror(errno));
	/* Ambient, so that the nft and ip run at exit (to remove the rules)
	 * keep CAP_NET_ADMIN across exec. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0) != 0)
		return sfb_failf(ctx, SFB_EIO, "prctl(PR_CAP_AMBIENT): %s", strerror(errno));
	return SFB_OK;
}

/* Run argv with text on its standard input; true if it exited 0.  Its
 * standard error goes to err (when not NULL; kept in a memory file, so a
 * chatty program never blocks on a full pipe), or to /dev/null when
 * quiet, else to ours. */
static bool
run_capture(char *const argv[], const char *text, bool quiet, sfb_buf *err)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2], status = 0, devnull, errfd = -1;
	pid_t pid;
	size_t len = text != NULL ? strlen(text) : 0, off = 0;
	ssize_t w;
	char chunk[512];
	bool ok = false;

	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return false;
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (err != NULL)
		errfd = memfd_create("sfbnet-stderr", MFD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[0], 0);
	if (devnull >= 0) {
		posix_spawn_file_actions_adddup2(&fa, devnull, 1);
		if (quiet && errfd < 0)
			posix_spawn_file_actions_adddup2(&fa, devnull, 2);
	}
	if (errfd >= 0)
		posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		close(pipefd[1]);
		if (err != NULL)
			sfb_buf_printf(err, "cannot run %s", argv[0]);
		goto out;
	}
	close(pipefd[0]);
	pipefd[0] = -1;
	while (off < len) {
		w = write(pipefd[1], text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		off += (size_t)w;
	}
	close(pipefd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && off == len;
	if (errfd >= 0 && lseek(errfd, 0, SEEK_SET) == 0) {
		while ((w = read(errfd, chunk, sizeof(chunk))) > 0)
			sfb_buf_add(err, chunk, (size_t)w);
		/* A message ends a sentence of ours: no line break after it. */
		while (err->len > 0 && (err->data[err->len - 1] == '\n' ||
		    err->data[err->len - 1] == '\r'))
			err->data[--err->len] = '\0';
	}
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (devnull >= 0)
		close(devnull);
	if (errfd >= 0)
		close(errfd);
	posix_spawn_file_actions_destroy(&fa);
	return ok;
}

static bool
run_with_input(char *const argv[], const char *text, bool quiet)
{
	return run_capture(argv, text, quiet, NULL);
}

bool
sfb_sys_run(char *const argv[], const char *input, sfb_buf *err)
{
	return run_capture(argv, input, true, err);
}

static bool
run(char *const argv[])
{
	return run_with_input(argv, NULL, false);
}

static bool
run_quiet(char *const argv[])
{
	return run_with_input(argv, NULL, true);
}

static void
ports_rule(sfb_buf *b, const char *proto, const sfb_portset *p, uint16_t to, uint32_t mark)
{
	if (sfb_portset_count(p) == 0)
		return;
	/* Only packets for this host: on a host that also routes, traffic
	 * passing through must not be answered by the responder. */
	sfb_buf_printf(b, "\t\tfib daddr type local meta nfproto ipv4 meta l4proto %s %s dport ",
	    proto, proto);
	sfb_portset_print_nft(b, p);
	sfb_buf_printf(b, " tproxy ip to :%u meta mark set 0x%x accept\n", to, mark);
	sfb_buf_printf(b, "\t\tfib daddr type local meta nfproto ipv6 meta l4proto %s %s dport ",
	    proto, proto);
	sfb_portset_print_nft(b, p);
	sfb_buf_printf(b, " tproxy ip6 to :%u meta mark set 0x%x accept\n", to, mark);
}

sfb_status
sfb_tproxy_install(sfb_ctx *ctx, const sfb_portset *tcp, const sfb_portset *udp,
    uint16_t to_tcp, uint16_t to_udp, uint32_t mark)
{
	char markstr[16];
	sfb_buf rules;
	sfb_status st = SFB_OK;
	char *nft[] = { "nft", "-f", "-", NULL };

	/* Whatever a killed responder left behind goes first. */
	sfb_tproxy_remove(mark);
	sfb_buf_init(&rules);
	/* Create-then-delete: a table left by a killed responder is replaced. */
	sfb_buf_puts(&rules, "table inet " TPROXY_TABLE "\ndelete table inet " TPROXY_TABLE "\n"
	    "table inet " TPROXY_TABLE " {\n\tchain divert {\n"
	    "\t\ttype filter hook prerouting priority mangle; policy accept;\n");
	ports_rule(&rules, "tcp", tcp, to_tcp, mark);
	ports_rule(&rules, "udp", udp, to_udp, mark);
	sfb_buf_puts(&rules, "\t}\n}\n");
	if (sfb_buf_status(&rules) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	if (!run_with_input(nft, sfb_buf_str(&rules), false)) {
		st = sfb_failf(ctx, SFB_EIO, "tproxy mode: nft could not load the diversion rules "
		    "(needs root, nftables and the nft_tproxy kernel module)");
		goto out;
	}
	sfb_buf_reset(&rules);
	sfb_buf_printf(&rules, "0x%x", mark);
	memcpy(markstr, sfb_buf_str(&rules), strlen(sfb_buf_str(&rules)) + 1);
	{
		char *r4[] = { "ip", "-4", "rule", "add", "fwmark", markstr, "lookup",
			TPROXY_ROUTE_TABLE, NULL };
		char *t4[] = { "ip", "-4", "route", "replace", "local", "0.0.0.0/0", "dev", "lo",
			"table", TPROXY_ROUTE_TABLE, NULL };
		char *r6[] = { "ip", "-6", "rule", "add", "fwmark", markstr, "lookup",
			TPROXY_ROUTE_TABLE, NULL };
		char *t6[] = { "ip", "-6", "route", "replace", "local", "::/0", "dev", "lo",
			"table", TPROXY_ROUTE_TABLE, NULL };

		if (!run(r4) || !run(t4)) {
			sfb_tproxy_remove(mark);
			st = sfb_failf(ctx, SFB_EIO, "tproxy mode: cannot add the local policy route");
			goto out;
		}
		/* IPv6 may be disabled; the IPv4 diversion still works. */
		(void)(run_quiet(r6) && run_quiet(t6));
	}
out:
	sfb_buf_free(&rules);
	return st;
}

void
sfb_tproxy_remove(uint32_t mark)
{
	char markstr[16];
	sfb_buf b;
	char *nft[] = { "nft", "delete", "table", "inet", TPROXY_TABLE, NULL };

	sfb_buf_init(&b);
	sfb_buf_printf(&b, "0x%x", mark);
	if (b.len < sizeof(markstr))
		memcpy(markstr, sfb_buf_str(&b), b.len + 1);
	else
		markstr[0] = '\0';
	sfb_buf_free(&b);
	{
		char *r4[] = { "ip", "-4", "rule", "del", "fwmark", markstr, "lookup",
			TPROXY_ROUTE_TABLE, NULL };
		char *t4[] = { "ip", "-4", "route", "flush", "table", TPROXY_ROUTE_TABLE, NULL };
		char *r6[] = { "ip", "-6", "rule", "del", "fwmark", markstr, "lookup",
			TPROXY_ROUTE_TABLE, NULL };
		char *t6[] = { "ip", "-6", "route", "flush", "table", TPROXY_ROUTE_TABLE, NULL };

		int i;

		run_quiet(nft);
		/* Every copy: a responder killed before it could clean up leaves
		 * its rule, and the next one adds another. */
		for (i = 0; i < 16 && run_quiet(r4); i++)
			;
		for (i = 0; i < 16 && run_quiet(r6); i++)
			;
		run_quiet(t4);
		run_quiet(t6);
	}
}
