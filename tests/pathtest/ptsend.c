/* ptsend: the hostile client of tests/pathtest/no_amplification.sh.
 *
 *   ptsend PROTO DST PORT CASE COUNT WAIT_MS TOKEN
 *
 * Sends COUNT messages of kind CASE to DST:PORT (udp: COUNT datagrams from
 * one socket; tcp: COUNT connections, one message each, all opened at
 * once), then collects what comes back for at most WAIT_MS (tcp: until
 * every connection is closed by the other side), and prints one line:
 *
 *   sent=N sent_bytes=B replies=R reply_bytes=RB echoes=E max_reply=M
 *       [eof=A rst=B open=C]          (tcp only: how the connections ended)
 *
 * echoes counts the replies that are a correct echo (the path-test message
 * of src/lib/net/sfb_wire.h, written again here from its description, not
 * from its code: kind 2, the nonce, protocol and port of one of our probes,
 * a tag that proves TOKEN).
 *
 * CASE, the message sent (PORT is the port it goes to):
 *   valid       a correct probe for PORT, a fresh nonce each
 *   replay      one correct probe for PORT, the same bytes COUNT times
 *   keep:FILE   as valid, and the first message is written to FILE
 *   resend:FILE the message in FILE (from keep:FILE), the same bytes COUNT
 *               times: a replay in another run of ptsend
 *   notag       a correct header, the 16 tag bytes zero
 *   wrongtoken  a correct header, the tag made with another token
 *   otherport   a correct probe for PORT+1 (captured and replayed to PORT)
 *   otherproto  a correct probe naming the other protocol
 *   echokind    a correct message of kind 2 (echo) instead of 1 (probe)
 *   badversion  version 2, tagged correctly
 *   reserved    reserved byte 7 set, tagged correctly
 *   short33     a correct probe less its last byte
 *   header18    the 18 header bytes only
 *   empty       nothing (udp: an empty datagram; tcp: connect, send nothing)
 *   pad35       a correct probe and one zero byte
 *   pad1400     a correct probe and zero bytes up to 1400
 *   forged      "SFBN", version, kind, protocol, port right, nonce and tag random
 *   garbage     random bytes of a random length from 1 to 1400
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define MSG 34
#define MAXC 512

static const char *token;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
rnd(void *p, size_t n)
{
	unsigned char *b = p;

	while (n > 0) {
		ssize_t k = getrandom(b, n, 0);

		if (k <= 0) {
			perror("getrandom");
			exit(2);
		}
		b += k;
		n -= (size_t)k;
	}
}

static void
tag(unsigned char m[MSG], const char *key)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	HMAC(EVP_sha256(), key, (int)strlen(key), m, 18, md, &len);
	memcpy(m + 18, md, 16);
}

/* The 34-byte message; the nonce is random. */
static void
build(unsigned char m[MSG], int kind, int proto, unsigned port, const char *key)
{
	memcpy(m, "SFBN", 4);
	m[4] = 1;
	m[5] = (unsigned char)kind;
	m[6] = (unsigned char)proto;
	m[7] = 0;
	m[8] = (unsigned char)(port >> 8);
	m[9] = (unsigned char)port;
	rnd(m + 10, 8);
	tag(m, key);
}

/* The message of one case into buf (at least 1400 bytes); its length. */
static size_t
make(const char *c, int proto, unsigned port, unsigned char *buf)
{
	int other = proto == 6 ? 17 : 6;
	uint16_t r;

	memset(buf, 0, 1400);
	if (strncmp(c, "resend:", 7) == 0) {
		FILE *fp = fopen(c + 7, "rb");

		if (fp == NULL || fread(buf, 1, MSG, fp) != MSG) {
			fprintf(stderr, "ptsend: cannot read a message from %s\n", c + 7);
			exit(2);
		}
		fclose(fp);
		return MSG;
	}
	if (strcmp(c, "valid") == 0 || strcmp(c, "replay") == 0 || strncmp(c, "keep:", 5) == 0) {
		build(buf, 1, proto, port, token);
		return MSG;
	}
	if (strcmp(c, "notag") == 0) {
		build(buf, 1, proto, port, token);
		memset(buf + 18, 0, 16);
		return MSG;
	}
	if (strcmp(c, "wrongtoken") == 0) {
		build(buf, 1, proto, port, "not-the-token");
		return MSG;
	}
	if (strcmp(c, "otherport") == 0) {
		build(buf, 1, proto, port + 1, token);
		return MSG;
	}
	if (strcmp(c, "otherproto") == 0) {
		build(buf, 1, other, port, token);
		return MSG;
	}
	if (strcmp(c, "echokind") == 0) {
		build(buf, 2, proto, port, token);
		return MSG;
	}
	if (strcmp(c, "badversion") == 0 || strcmp(c, "reserved") == 0) {
		build(buf, 1, proto, port, token);
		buf[c[0] == 'b' ? 4 : 7] = c[0] == 'b' ? 2 : 1;
		tag(buf, token);
		return MSG;
	}
	if (strcmp(c, "short33") == 0) {
		build(buf, 1, proto, port, token);
		return MSG - 1;
	}
	if (strcmp(c, "header18") == 0) {
		build(buf, 1, proto, port, token);
		return 18;
	}
	if (strcmp(c, "empty") == 0)
		return 0;
	if (strcmp(c, "pad35") == 0 || strcmp(c, "pad1400") == 0) {
		build(buf, 1, proto, port, token);
		return c[3] == '3' ? MSG + 1 : 1400;
	}
	if (strcmp(c, "forged") == 0) {
		build(buf, 1, proto, port, token);
		rnd(buf + 10, MSG - 10);
		return MSG;
	}
	if (strcmp(c, "garbage") == 0) {
		rnd(&r, sizeof(r));
		r = (uint16_t)(1 + r % 1400);
		rnd(buf, r);
		return r;
	}
	fprintf(stderr, "ptsend: unknown case %s\n", c);
	exit(2);
}

/* Is this a correct echo of one of the sent probes? */
static int
is_echo(const unsigned char *b, size_t n, unsigned char sent[][MSG], int nsent, int proto)
{
	unsigned char m[MSG];
	int i;

	if (n != MSG)
		return 0;
	memcpy(m, b, MSG);
	tag(m, token);
	if (memcmp(m + 18, b + 18, 16) != 0 || memcmp(b, "SFBN\001\002", 6) != 0 || b[6] != proto ||
	    b[7] != 0)
		return 0;
	for (i = 0; i < nsent; i++)
		if (memcmp(sent[i] + 8, b + 8, 10) == 0)  /* port and nonce */
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	static unsigned char sent[MAXC][MSG], buf[MAXC][1400];
	static int fds[MAXC], state[MAXC];  /* tcp: 0 open, 1 eof, 2 rst */
	static size_t got[MAXC];
	struct sockaddr_in dst;
	unsigned char in[2048];
	size_t len[MAXC], sent_bytes = 0, reply_bytes = 0, maxr = 0;
	int proto, count, wait_ms, i, replies = 0, echoes = 0, open_left;
	unsigned port;
	long long end;

	if (argc != 8) {
		fprintf(stderr, "usage: ptsend udp|tcp DST PORT CASE COUNT WAIT_MS TOKEN\n");
		return 2;
	}
	proto = strcmp(argv[1], "tcp") == 0 ? 6 : 17;
	port = (unsigned)atoi(argv[3]);
	count = atoi(argv[5]);
	wait_ms = atoi(argv[6]);
	token = argv[7];
	if (count < 1 || count > MAXC || port == 0 || port > 65534) {
		fprintf(stderr, "ptsend: bad COUNT or PORT\n");
		return 2;
	}
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) {
		fprintf(stderr, "ptsend: bad address %s\n", argv[2]);
		return 2;
	}
	for (i = 0; i < count; i++) {
		if (i > 0 && strcmp(argv[4], "replay") == 0) {
			memcpy(buf[i], buf[0], 1400);
			len[i] = len[0];
		} else
			len[i] = make(argv[4], proto, port, buf[i]);
		memcpy(sent[i], buf[i], MSG);
	}
	if (strncmp(argv[4], "keep:", 5) == 0) {
		FILE *fp = fopen(argv[4] + 5, "wb");

		if (fp == NULL || fwrite(buf[0], 1, MSG, fp) != MSG || fclose(fp) != 0) {
			fprintf(stderr, "ptsend: cannot write the message to %s\n", argv[4] + 5);
			return 2;
		}
	}
	if (proto == 17) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0) {
			perror("ptsend: udp socket");
			return 2;
		}
		for (i = 0; i < count; i++) {
			if (send(fd, buf[i], len[i], 0) != (ssize_t)len[i])
				perror("ptsend: send");
			sent_bytes += len[i];
			usleep(1000);
		}
		end = now_ms() + wait_ms;
		for (;;) {
			struct pollfd p = { fd, POLLIN, 0 };
			long long left = end - now_ms();
			ssize_t k;

			if (left <= 0 || poll(&p, 1, (int)left) <= 0)
				break;
			k = recv(fd, in, sizeof(in), 0);
			if (k < 0)
				continue;  /* e.g. ICMP port unreachable: not a reply */
			replies++;
			reply_bytes += (size_t)k;
			if ((size_t)k > maxr)
				maxr = (size_t)k;
			echoes += is_echo(in, (size_t)k, sent, count, proto);
		}
		printf("sent=%d sent_bytes=%zu replies=%d reply_bytes=%zu echoes=%d max_reply=%zu\n",
		    count, sent_bytes, replies, reply_bytes, echoes, maxr);
		return 0;
	}
	/* TCP: every connection at once. */
	for (i = 0; i < count; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&dst, sizeof(dst)) != 0) {
			perror("ptsend: connect");
			return 2;
		}
	}
	for (i = 0; i < count; i++) {
		if (len[i] > 0 && send(fds[i], buf[i], len[i], MSG_NOSIGNAL) != (ssize_t)len[i])
			perror("ptsend: send");
		sent_bytes += len[i];
	}
	end = now_ms() + wait_ms;
	open_left = count;
	while (open_left > 0) {
		struct pollfd p[MAXC];
		long long left = end - now_ms();

		for (i = 0; i < count; i++)
			p[i] = (struct pollfd){ state[i] == 0 ? fds[i] : -1, POLLIN, 0 };
		if (left <= 0 || poll(p, (nfds_t)count, (int)left) <= 0)
			break;
		for (i = 0; i < count; i++) {
			ssize_t k;

			if (state[i] != 0 || p[i].revents == 0)
				continue;
			k = recv(fds[i], in, sizeof(in), 0);
			if (k > 0) {
				if (got[i] + (size_t)k <= MSG)
					memcpy(buf[i] + got[i], in, (size_t)k);
				got[i] += (size_t)k;
				continue;
			}
			if (k < 0 && errno == EINTR)
				continue;
			state[i] = k == 0 ? 1 : 2;
			open_left--;
		}
	}
	{
		int eof = 0, rst = 0;

		for (i = 0; i < count; i++) {
			eof += state[i] == 1;
			rst += state[i] == 2;
			if (got[i] > 0) {
				replies++;
				reply_bytes += got[i];
				if (got[i] > maxr)
					maxr = got[i];
				echoes += is_echo(buf[i], got[i], sent, count, proto);
			}
			close(fds[i]);
		}
		printf("sent=%d sent_bytes=%zu replies=%d reply_bytes=%zu echoes=%d max_reply=%zu "
		    "eof=%d rst=%d open=%d\n", count, sent_bytes, replies, reply_bytes, echoes, maxr,
		    eof, rst, open_left);
	}
	return 0;
}
