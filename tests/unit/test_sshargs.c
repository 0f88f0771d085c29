/*
 * Unit tests for ssh's command line as each OpenSSH client reads it, and
 * for learning which client it is from its image.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/sshargs.h"
#include "unit.h"

enum { V74, V80, V94, V105, NCLIENTS };
static const int versions[NCLIENTS] = { 704, 800, 904, 1005 };
static struct ssh_args a;

/* The known reading of a release. */
static const struct ssh_client *
client(int i)
{
	ASSERT_INT_EQ(ssh_nknown_clients, NCLIENTS);
	ASSERT_INT_EQ(ssh_known_clients[i].version, versions[i]);
	return &ssh_known_clients[i];
}

/* Words split at blanks, or at '|' where a word holds a blank. */
static int
split(const char *line, char *buf, size_t len, char **argv, int max)
{
	const char *sep = strchr(line, '|') != NULL ? "|" : " ";
	char *p;
	int argc = 0;

	snprintf(buf, len, "%s", line);
	for (p = strtok(buf, sep); p != NULL && argc < max - 1;
	    p = strtok(NULL, sep))
		argv[argc++] = p;
	argv[argc] = NULL;
	return argc;
}

static int
parse_as(const struct ssh_client *cl, const char *line)
{
	char buf[4096], *argv[64];
	int argc = split(line, buf, sizeof(buf), argv, 64);

	return cl != NULL ? parse_ssh_args_as(cl, argc, argv, &a) :
	    parse_ssh_args(argc, argv, &a);
}

/* LINE read by client I gives host HOST and remote command CMD. */
#define READS(i, line, want_host, want_cmd) do {			\
	ASSERT_INT_EQ(parse_as(client(i), line), 0);			\
	ASSERT_STR_EQ(a.host, want_host);				\
	ASSERT_INT_EQ(a.command, want_cmd);				\
} while (0)
#define REFUSES(i, line)						\
	ASSERT_INT_EQ(parse_as(client(i), line), SSHARGS_NONE)

TEST(capital_p_is_a_flag_up_to_9_3_and_takes_a_tag_from_9_4)
{
	READS(V74, "ssh -P gpu-box", "gpu-box", 0);
	READS(V80, "ssh -P gpu-box", "gpu-box", 0);
	REFUSES(V94, "ssh -P gpu-box");
	REFUSES(V105, "ssh -P gpu-box");
	/* The case of the issue: up to 9.3 a login to "tag" running gpu-box. */
	READS(V74, "ssh -P tag gpu-box", "tag", 1);
	READS(V80, "ssh -P tag gpu-box", "tag", 1);
	READS(V94, "ssh -P tag gpu-box", "gpu-box", 0);
	READS(V105, "ssh -P tag gpu-box", "gpu-box", 0);
	/* -P as a flag in a cluster: -P -t -a -g; as a tag: "tag". */
	READS(V80, "ssh -Ptag gpu-box", "gpu-box", 0);
	READS(V94, "ssh -Ptag gpu-box", "gpu-box", 0);
	/* Which file is the config depends on it too. */
	READS(V80, "ssh -P -F cfg gpu-box", "gpu-box", 0);
	ASSERT_STR_EQ(a.config, "cfg");
	READS(V94, "ssh -P -F cfg gpu-box", "cfg", 1);
	ASSERT_STR_EQ(a.config, "");
}

TEST(capital_z_in_10_5_lists_keys_without_logging_in)
{
	READS(V105, "ssh -Z gpu-box", "gpu-box", 0);
	ASSERT_INT_EQ(a.info_only, 1);
	READS(V105, "ssh gpu-box -Z", "gpu-box", 0);
	ASSERT_INT_EQ(a.info_only, 1);
	REFUSES(V74, "ssh -Z gpu-box");
	REFUSES(V80, "ssh -Z gpu-box");
	REFUSES(V94, "ssh -Z gpu-box");
	REFUSES(V94, "ssh gpu-box -Z");
}

TEST(capital_b_from_8_0)
{
	REFUSES(V74, "ssh -B eth0 gpu-box");
	READS(V80, "ssh -B eth0 gpu-box", "gpu-box", 0);
	READS(V105, "ssh -B eth0 gpu-box", "gpu-box", 0);
}

TEST(ssh_uri_destinations)
{
	int i;

	for (i = V80; i < NCLIENTS; i++) {
		READS(i, "ssh ssh://gpu-box", "gpu-box", 0);
		READS(i, "ssh ssh://me@gpu-box:2222", "gpu-box", 0);
		READS(i, "ssh ssh://me;fp=x@gpu-box", "gpu-box", 0);
		READS(i, "ssh ssh://m%40e@gpu-box/", "gpu-box", 0);
		READS(i, "ssh ssh://gpu-box.:22/", "gpu-box", 0);
		READS(i, "ssh ssh://gpu-box: ls", "gpu-box", 1);
		REFUSES(i, "ssh ssh://gpu-box/path");
		REFUSES(i, "ssh ssh://gpu-box:0");
		REFUSES(i, "ssh ssh://gpu-box:99999");
		REFUSES(i, "ssh ssh://@gpu-box");
		REFUSES(i, "ssh ssh://m%zz@gpu-box");
		REFUSES(i, "ssh ssh://m%00@gpu-box");
		REFUSES(i, "ssh ssh://gpu..box");
		REFUSES(i, "ssh ssh://gpu*box");
		REFUSES(i, "ssh ssh://[::1]");
		REFUSES(i, "ssh ssh://");
		/* A service name is for /etc/services to say. */
		ASSERT_INT_EQ(parse_as(client(i), "ssh ssh://gpu-box:ssh"),
		    SSHARGS_DOUBT);
	}
	/* "_" may start a host only from 10.5 on. */
	REFUSES(V94, "ssh ssh://_gpu");
	READS(V105, "ssh ssh://_gpu", "_gpu", 0);
	/* 7.4 takes it all as a name: the user is "ssh://me". */
	READS(V74, "ssh ssh://gpu-box", "ssh://gpu-box", 0);
	READS(V74, "ssh ssh://me@gpu-box:2222", "gpu-box:2222", 0);
	/* Plain destinations: the last '@' ends the user. */
	READS(V105, "ssh a@b@gpu-box", "gpu-box", 0);
	REFUSES(V105, "ssh @gpu-box");
	REFUSES(V74, "ssh @gpu-box");
}

TEST(options_after_the_destination)
{
	int i;

	for (i = 0; i < NCLIENTS; i++) {
		READS(i, "ssh gpu-box -N", "gpu-box", 0);
		ASSERT_INT_EQ(a.no_shell, 1);
		READS(i, "ssh gpu-box -F cfg -N ls -l", "gpu-box", 1);
		ASSERT_STR_EQ(a.config, "cfg");
		ASSERT_INT_EQ(a.no_shell, 1);
		READS(i, "ssh gpu-box -- -N", "gpu-box", 1);
		ASSERT_INT_EQ(a.no_shell, 0);
		READS(i, "ssh me@gpu-box -W h:22", "gpu-box", 0);
		ASSERT_INT_EQ(a.stdio_forward, 1);
		REFUSES(i, "ssh gpu-box -F");
		REFUSES(i, "ssh gpu-box -h");
		READS(i, "ssh -v - gpu-box", "-", 1);
	}
	/* "--" before the destination: 8.0 on, what follows is the command. */
	READS(V74, "ssh -- gpu-box -N", "gpu-box", 0);
	ASSERT_INT_EQ(a.no_shell, 1);
	READS(V80, "ssh -- gpu-box -N", "gpu-box", 1);
	ASSERT_INT_EQ(a.no_shell, 0);
	READS(V105, "ssh -- gpu-box -N", "gpu-box", 1);
	/* ...even a "--" that was an option's argument, as ssh.c checks. */
	READS(V94, "ssh -l -- gpu-box -N", "gpu-box", 1);
	READS(V74, "ssh -l -- gpu-box -N", "gpu-box", 0);
	READS(V94, "ssh -- gpu-box", "gpu-box", 0);
}

TEST(what_each_client_reads_alike)
{
	int i;

	for (i = 0; i < NCLIENTS; i++) {
		READS(i, "ssh -p 2222 -l me -i key -vvv gpu-box", "gpu-box", 0);
		READS(i, "ssh -tt -L 1:h:2 -F/tmp/cfg gpu-box", "gpu-box", 0);
		ASSERT_STR_EQ(a.config, "/tmp/cfg");
		READS(i, "ssh -oPermitLocalCommand=no -oClearAllForwardings=yes "
		    "-s gpu-box sftp", "gpu-box", 1);
		ASSERT_INT_EQ(a.subsystem, 1);
		ASSERT_INT_EQ(a.no_local_command, 1);
		READS(i, "ssh -S /tmp/cm -O check gpu-box", "gpu-box", 0);
		ASSERT_INT_EQ(a.control_command, 1);
		ASSERT_STR_EQ(a.control_path, "/tmp/cm");
		READS(i, "ssh -G gpu-box", "gpu-box", 0);
		ASSERT_INT_EQ(a.dump_config, 1);
		READS(i, "ssh -V gpu-box", "gpu-box", 0);
		ASSERT_INT_EQ(a.info_only, 1);
		REFUSES(i, "ssh -V");
		REFUSES(i, "ssh");
		REFUSES(i, "ssh -:");
		REFUSES(i, "ssh -v-x gpu-box");
	}
}

TEST(a_client_not_known)
{
	struct ssh_client cl;

	/* Without the client: only what all read alike. */
	ASSERT_INT_EQ(parse_as(NULL, "ssh -N -p 2 gpu-box"), 0);
	ASSERT_STR_EQ(a.host, "gpu-box");
	ASSERT_INT_EQ(parse_as(NULL, "ssh -P tag gpu-box"), SSHARGS_DOUBT);
	ASSERT_STR_EQ(a.host, "");
	ASSERT_INT_EQ(parse_as(NULL, "ssh -P gpu-box"), SSHARGS_DOUBT);
	ASSERT_INT_EQ(parse_as(NULL, "ssh -Z gpu-box"), SSHARGS_DOUBT);
	ASSERT_INT_EQ(parse_as(NULL, "ssh ssh://gpu-box"), SSHARGS_DOUBT);
	ASSERT_INT_EQ(parse_as(NULL, "ssh -- gpu-box -N"), SSHARGS_DOUBT);
	ASSERT_INT_EQ(parse_as(NULL, "ssh -h gpu-box"), SSHARGS_NONE);
	ASSERT_INT_EQ(parse_as(NULL, "ssh"), SSHARGS_NONE);
	/* Its getopt string without its release: the rest is a doubt. */
	cl = ssh_known_clients[V80];
	cl.version = 0;
	ASSERT_INT_EQ(parse_as(&cl, "ssh -P tag gpu-box"), 0);
	ASSERT_STR_EQ(a.host, "tag");
	ASSERT_INT_EQ(parse_as(&cl, "ssh ssh://gpu-box"), SSHARGS_DOUBT);
	ASSERT_INT_EQ(parse_as(&cl, "ssh -- gpu-box -N"), SSHARGS_DOUBT);
	ASSERT_INT_EQ(parse_as(&cl, "ssh -- gpu-box"), 0);
	/* Between the releases seen: 7.5 to 7.9. */
	cl.version = 707;
	ASSERT_INT_EQ(parse_as(&cl, "ssh ssh://gpu-box"), SSHARGS_DOUBT);
}

TEST(values_too_long_to_hold_are_a_doubt)
{
	char line[3000];

	snprintf(line, sizeof(line), "ssh -F %02000d gpu-box", 0);
	ASSERT_INT_EQ(parse_as(client(V80), line), SSHARGS_DOUBT);
	snprintf(line, sizeof(line), "ssh %0300d", 0);
	REFUSES(V80, line);
}

/* An image: strings one after another, as in .rodata. */
static size_t
image(char *buf, size_t len, const char *const *strs)
{
	size_t n = 0, l;

	memset(buf, 0, len);
	for (; *strs != NULL; strs++) {
		l = strlen(*strs) + 1;
		if (n + l > len)
			break;
		memcpy(buf + n, *strs, l);
		n += l;
	}
	return n;
}

TEST(client_from_its_strings)
{
	static const char *const debian[] = { "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy]",
	    "OpenSSH_2.*,OpenSSH_3.0*", "x1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy",
	    "1246", "1246ab::c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy",
	    "OpenSSH_9.2p1 Debian-2+deb12u10",
	    "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:PQ:R:S:TVw:W:XYy",
	    "OpenSSH_8.0p1", NULL };
	static const char *const none[] = { "OpenSSH_", "OpenSSH_9", "OpenSSH_9.2",
	    "OpenSSH_9.2 x", "1246aa:bc:de:F:o:W:O:S:NsG", "1246ab:c:F:o:W:O:S:Ns",
	    NULL };
	struct ssh_client cl;
	char buf[4096];
	size_t i, n;

	memset(&cl, 0, sizeof(cl));
	n = image(buf, sizeof(buf), debian);
	ASSERT_INT_EQ(ssh_client_scan(&cl, buf, n), 1);
	ASSERT_STR_EQ(cl.optstring, ssh_known_clients[V80].optstring);
	ASSERT_INT_EQ(cl.version, 902);
	/* Cut anywhere, nothing is read past the end. */
	for (i = 0; i < n; i++) {
		memset(&cl, 0, sizeof(cl));
		ssh_client_scan(&cl, buf, i);
		if (cl.optstring[0] != '\0')
			ASSERT_STR_EQ(cl.optstring,
			    ssh_known_clients[V80].optstring);
	}
	memset(&cl, 0, sizeof(cl));
	n = image(buf, sizeof(buf), none);
	ASSERT_INT_EQ(ssh_client_scan(&cl, buf, n), 0);
	ASSERT_STR_EQ(cl.optstring, "");
	ASSERT_INT_EQ(cl.version, 0);
	for (i = 0; i < ssh_nknown_clients; i++) {
		const char *one[] = { ssh_known_clients[i].optstring, NULL };

		memset(&cl, 0, sizeof(cl));
		n = image(buf, sizeof(buf), one);
		ssh_client_scan(&cl, buf, n);
		ASSERT_STR_EQ(cl.optstring, ssh_known_clients[i].optstring);
	}
	ASSERT_INT_EQ(ssh_client_of_file("/nonexistent", &cl), -1);
	ASSERT_INT_EQ(ssh_client_of_file("/etc/passwd", &cl), -1);
	ASSERT_INT_EQ(ssh_client_of_file("/bin/sh", &cl), -1);
}

/*
 * The clients themselves: Debian's, and those make check-openssh built
 * (build/openssh/TAG/bin/ssh), where they are.
 */
TEST(client_from_real_binaries)
{
	static const struct { const char *path; int version, reading; } bins[] = {
		{ "/usr/bin/ssh", 902, V80 },
		{ "build/openssh/V_7_4_P1/bin/ssh", 704, V74 },
		{ "build/openssh/V_8_0_P1/bin/ssh", 800, V80 },
		{ "build/openssh/V_8_9_P1/bin/ssh", 809, V80 },
		{ "build/openssh/V_9_6_P1/bin/ssh", 906, V94 },
		{ "build/openssh/V_9_9_P2/bin/ssh", 909, V94 },
		{ "build/openssh/V_10_5_P1/bin/ssh", 1005, V105 },
	};
	struct ssh_client cl;
	size_t i;

	for (i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
		if (access(bins[i].path, X_OK) != 0)
			continue;
		if (ssh_client_of_file(bins[i].path, &cl) != 0) {
			FAILF("%s: no getopt string found", bins[i].path);
			continue;
		}
		ASSERT_INT_EQ(cl.version, bins[i].version);
		ASSERT_STR_EQ(cl.optstring,
		    ssh_known_clients[bins[i].reading].optstring);
	}
}

int
main(void)
{
	RUN(capital_p_is_a_flag_up_to_9_3_and_takes_a_tag_from_9_4);
	RUN(capital_z_in_10_5_lists_keys_without_logging_in);
	RUN(capital_b_from_8_0);
	RUN(ssh_uri_destinations);
	RUN(options_after_the_destination);
	RUN(what_each_client_reads_alike);
	RUN(a_client_not_known);
	RUN(values_too_long_to_hold_are_a_doubt);
	RUN(client_from_its_strings);
	RUN(client_from_real_binaries);
	return unit_failed != 0;
}
