/* pktprobe: the packet helper of tests/integration/netns_firewall.sh.
 *
 *   pktprobe serve LIFETIME_S ADDR[,ADDR...] PROTO/PORT...
 *       Echo server: binds every PROTO/PORT (tcp or udp) on every ADDR,
 *       prints "ready" once all are bound, then one line per TCP connection
 *       accepted or UDP datagram received ("recv udp 10.0.0.2:53 <-
 *       10.0.0.1:4000"), and echoes every byte back.  Exits after
 *       LIFETIME_S seconds, so it never outlives a test that was killed.
 *
 *   pktprobe send PROTO SRC SPORT DST DPORT TIMEOUT_MS
 *       Binds SRC:SPORT, sends a token to DST:DPORT (TCP: after connecting)
 *       and waits at most TIMEOUT_MS in all for the same bytes to come
 *       back.  Prints one word: echo, timeout, refused, mismatch or
 *       "error: ...".  Exit status 0 for echo, 1 otherwise (the caller reads
 *       the word: a sanitizer failing at exit also exits 1).
 *
 * Plain sockets; IPv4 only; SO_REUSEADDR everywhere, so that a UDP probe may
 * send from a port an echo server of the same host also holds (the kernel
 * delivers the answer to the connected probe socket, which matches best).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 256

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	return (*s && !*end && v > 0 && v < 65536) ? (int)v : -1;
}

static int make_addr(struct sockaddr_in *sa, const char *ip, int port)
{
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)port);
	return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -1;
}

static int bound_socket(int type, const char *ip, int port)
{
	struct sockaddr_in sa;
	int one = 1, fd;
	if (make_addr(&sa, ip, port) < 0)
		return -1;
	fd = socket(AF_INET, type, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static const char *fmt_addr(const struct sockaddr_in *sa, char *buf, size_t n)
{
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof ip);
	snprintf(buf, n, "%s:%u", ip, ntohs(sa->sin_port));
	return buf;
}

static void log_recv(const char *proto, int fd, const struct sockaddr_in *peer)
{
	struct sockaddr_in local;
	socklen_t len = sizeof local;
	char a[64], b[64];
	if (getsockname(fd, (struct sockaddr *)&local, &len) < 0)
		memset(&local, 0, sizeof local);
	printf("recv %s %s <- %s\n", proto, fmt_addr(&local, a, sizeof a), fmt_addr(peer, b, sizeof b));
	fflush(stdout);
}

static int serve(int argc, char **argv)
{
	struct pollfd pf[MAX_FDS];
	char kind[MAX_FDS]; /* 'l' TCP listener, 'c' TCP connection, 'u' UDP */
	int n = 0, lifetime = atoi(argv[0]);
	char *addrs = strdup(argv[1]);
	long long end;

	for (char *save = NULL, *ip = strtok_r(addrs, ",", &save); ip; ip = strtok_r(NULL, ",", &save)) {
		for (int i = 2; i < argc; i++) {
			int udp = strncmp(argv[i], "udp/", 4) == 0, port;
			if (!udp && strncmp(argv[i], "tcp/", 4) != 0) {
				fprintf(stderr, "pktprobe: bad PROTO/PORT '%s'\n", argv[i]);
				return 2;
			}
			port = parse_port(argv[i] + 4);
			int fd = port < 0 || n >= MAX_FDS / 2 ? -1 : bound_socket(udp ? SOCK_DGRAM : SOCK_STREAM, ip, port);
			if (fd < 0 || (!udp && listen(fd, 16) < 0)) {
				fprintf(stderr, "pktprobe: cannot serve %s on %s: %s\n", argv[i], ip, strerror(errno));
				return 2;
			}
			pf[n].fd = fd;
			pf[n].events = POLLIN;
			kind[n++] = udp ? 'u' : 'l';
		}
	}
	free(addrs);
	printf("ready\n");
	fflush(stdout);
	end = now_ms() + (long long)lifetime * 1000;
	for (long long left; (left = end - now_ms()) > 0;) {
		if (poll(pf, (nfds_t)n, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return 3;
		}
		for (int i = 0; i < n; i++) {
			struct sockaddr_in peer;
			socklen_t plen = sizeof peer;
			char buf[2048];
			if (!pf[i].revents)
				continue;
			pf[i].revents = 0;
			if (kind[i] == 'u') {
				ssize_t r = recvfrom(pf[i].fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &plen);
				if (r >= 0) {
					log_recv("udp", pf[i].fd, &peer);
					sendto(pf[i].fd, buf, (size_t)r, 0, (struct sockaddr *)&peer, plen);
				}
			} else if (kind[i] == 'l') {
				int c = accept(pf[i].fd, (struct sockaddr *)&peer, &plen);
				if (c < 0)
					continue;
				log_recv("tcp", c, &peer);
				if (n >= MAX_FDS) {
					close(c);
					continue;
				}
				pf[n].fd = c;
				pf[n].events = POLLIN;
				pf[n].revents = 0;
				kind[n++] = 'c';
			} else {
				ssize_t r = read(pf[i].fd, buf, sizeof buf);
				if (r <= 0 || send(pf[i].fd, buf, (size_t)r, MSG_NOSIGNAL) != r) {
					close(pf[i].fd);
					pf[i] = pf[n - 1];
					kind[i] = kind[n - 1];
					n--;
					i--;
				}
			}
		}
	}
	return 0;
}

/* Wait for EVENTS on fd until the deadline: 1 ready, 0 timed out, -1 error. */
static int wait_for(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd p = { .fd = fd, .events = events };
		if (left <= 0)
			return 0;
		int r = poll(&p, 1, (int)left);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

static int result(const char *word)
{
	printf("%s\n", word);
	fflush(stdout);
	return strcmp(word, "echo") == 0 ? 0 : 1;
}

static int send_probe(char **argv)
{
	int udp = strcmp(argv[0], "udp") == 0, sport = parse_port(argv[2]), dport = parse_port(argv[4]);
	int timeout = atoi(argv[5]), fd, err = 0;
	struct sockaddr_in dst;
	char token[128], buf[256];
	size_t got = 0, len;
	long long deadline = now_ms() + timeout;
	socklen_t elen = sizeof err;

	if ((!udp && strcmp(argv[0], "tcp") != 0) || sport < 0 || dport < 0 || timeout <= 0 ||
	    make_addr(&dst, argv[3], dport) < 0)
		return result("error: bad arguments");
	len = (size_t)snprintf(token, sizeof token, "sfbnet-probe %s %s:%d -> %s:%d pid %d",
	                       argv[0], argv[1], sport, argv[3], dport, (int)getpid());
	fd = bound_socket(udp ? SOCK_DGRAM : SOCK_STREAM, argv[1], sport);
	if (fd < 0)
		return result("error: cannot bind the source address and port");
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return result("error: fcntl");
	if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0 && errno != EINPROGRESS)
		return result(errno == ECONNREFUSED ? "refused" : "error: connect");
	if (!udp) {
		int w = wait_for(fd, POLLOUT, deadline);
		if (w == 0)
			return result("timeout");
		if (w < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			return result("error: poll");
		if (err)
			return result(err == ECONNREFUSED ? "refused" : "error: connection failed");
	}
	if (send(fd, token, len, 0) != (ssize_t)len)
		return result(errno == ECONNREFUSED ? "refused" : "error: send");
	while (got < len) {
		int w = wait_for(fd, POLLIN, deadline);
		if (w <= 0)
			return result(w == 0 ? "timeout" : "error: poll");
		ssize_t r = recv(fd, buf + got, sizeof buf - got, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r < 0)
			return result(errno == ECONNREFUSED ? "refused" : "error: recv");
		if (r == 0)
			return result("mismatch");
		got += (size_t)r;
		if (udp)
			break;
	}
	if (!udp) { /* close with a reset: no TIME_WAIT left on either host */
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	}
	close(fd);
	return result(got == len && memcmp(buf, token, len) == 0 ? "echo" : "mismatch");
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 5 && strcmp(argv[1], "serve") == 0)
		return serve(argc - 2, argv + 2);
	if (argc == 8 && strcmp(argv[1], "send") == 0)
		return send_probe(argv + 2);
	fprintf(stderr, "usage: pktprobe serve LIFETIME_S ADDR[,ADDR...] PROTO/PORT...\n"
	                "       pktprobe send tcp|udp SRC SPORT DST DPORT TIMEOUT_MS\n");
	return 2;
}
