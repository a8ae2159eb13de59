// SPDX-License-Identifier: MIT
/*
 * spawner: make the big guest look like a production machine before the
 * crash (tests/qemu, KDC_SHAPE=big). Started by init in the background:
 *
 *   - page cache: files written to and read back from a tmpfs (shmem pages)
 *     and a scratch region of the disk written through the block device's
 *     page cache, most of it synced and read back (clean), the rest left dirty;
 *   - PROCS processes, each with ANON/PROCS MiB of anonymous memory touched
 *     page by page with non-zero, compressible data (as a heap would be),
 *     and THREADS threads on small stacks, each asleep in one of pause(), a
 *     futex (pthread_cond_wait), read() on an empty pipe or nanosleep().
 *
 * When every process is ready it prints "KDC-MARK: big-ready ..." to the
 * kernel log (and stdout) and exits 0, leaving the processes asleep; init
 * waits for that exit (a polling loop would fork, and fork takes the vmap
 * lock the thread-making processes need), then starts the scenario.
 *
 * Usage: spawner [procs=8,threads=2560,anon=3072,tmpfs=512,stack=64,
 *                 disk=/dev/vda,disk_off=MiB,disk_mb=MiB]
 * (one comma-separated word, as it comes from the kernel command line;
 * sizes in MiB, stack in KiB)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024L * 1024L)

static long procs = 8, threads = 2560, anon_mb = 3072, tmpfs_mb = 512, stack_kb = 64;
static long disk_off_mb = -1, disk_mb = 0;
static const char *disk = "/dev/vda";

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "spawner: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	exit(1);
}

static void mark(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("%s", buf);
	fflush(stdout);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, buf, (size_t)n) < 0)
			perror("spawner: /dev/kmsg");
		close(fd);
	}
}

static void parse(char *spec)
{
	for (char *tok = strtok(spec, ","); tok; tok = strtok(NULL, ",")) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			errno = EINVAL;
			die("bad option '%s'", tok);
		}
		*eq++ = 0;
		if (!strcmp(tok, "disk"))
			disk = eq;
		else if (!strcmp(tok, "procs"))
			procs = atol(eq);
		else if (!strcmp(tok, "threads"))
			threads = atol(eq);
		else if (!strcmp(tok, "anon"))
			anon_mb = atol(eq);
		else if (!strcmp(tok, "tmpfs"))
			tmpfs_mb = atol(eq);
		else if (!strcmp(tok, "stack"))
			stack_kb = atol(eq);
		else if (!strcmp(tok, "disk_off"))
			disk_off_mb = atol(eq);
		else if (!strcmp(tok, "disk_mb"))
			disk_mb = atol(eq);
		else {
			errno = EINVAL;
			die("unknown option '%s'", tok);
		}
	}
}

/* One MiB of file data: text-like, different per chunk. */
static void fill_chunk(char *buf, long chunk)
{
	char line[96];

	for (long i = 0; i < MIB; i += 64) {
		memset(line, '.', sizeof(line));
		snprintf(line, sizeof(line), "chunk %08lx line %05lx of the page cache filler",
			 chunk & 0xffffffff, (i / 64) & 0xfffff);
		line[strlen(line)] = '.';
		line[63] = '\n';
		memcpy(buf + i, line, 64);
	}
}

static void write_read_file(const char *path, int fd, off_t base, long mb, long sync_mb)
{
	char *buf = malloc(MIB), *back = malloc(MIB);

	if (!buf || !back)
		die("malloc");
	for (long c = 0; c < mb; c++) {
		fill_chunk(buf, c);
		if (pwrite(fd, buf, MIB, base + c * MIB) != MIB)
			die("write %s", path);
		if (c + 1 == sync_mb && fdatasync(fd))
			die("fdatasync %s", path);
	}
	/* read it all back: the clean part is now cache from reads too */
	for (long c = 0; c < mb; c++) {
		fill_chunk(buf, c);
		if (pread(fd, back, MIB, base + c * MIB) != MIB || memcmp(buf, back, MIB)) {
			errno = EIO;
			die("read back %s chunk %ld", path, c);
		}
	}
	free(buf);
	free(back);
}

static void page_cache(void)
{
	char path[64];
	long files = 8;

	mkdir("/tmp/spawner", 0755);
	for (long f = 0; f < files && tmpfs_mb; f++) {
		snprintf(path, sizeof(path), "/tmp/spawner/data-%ld", f);
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0)
			die("open %s", path);
		write_read_file(path, fd, 0, tmpfs_mb / files, 0);
		close(fd);
	}
	if (disk_off_mb >= 0 && disk_mb > 0) {
		int fd = open(disk, O_RDWR | O_CLOEXEC);

		if (fd < 0)
			die("open %s", disk);
		/* 3/4 written back and clean, the last quarter dirty (until the
		 * flusher writes it). Left open: the last close of a block device
		 * drops its page cache (blkdev_put -> kill_bdev). */
		write_read_file(disk, fd, (off_t)disk_off_mb * MIB, disk_mb, disk_mb * 3 / 4);
	}
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int empty_pipe[2];

static void *sleeper(void *arg)
{
	long kind = (long)(intptr_t)arg % 4;
	volatile char frame[256];
	char c;

	frame[0] = (char)kind; /* a page of stack in use, as a real thread has */
	(void)frame[0];
	switch (kind) {
	case 0:
		for (;;)
			pause();
	case 1:
		pthread_mutex_lock(&lock);
		for (;;)
			pthread_cond_wait(&never, &lock);
	case 2:
		for (;;)
			if (read(empty_pipe[0], &c, 1) < 0 && errno != EINTR)
				pause();
	default:
		for (;;) {
			struct timespec ts = { .tv_sec = 1000000 };

			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

static void child(long idx, int report)
{
	size_t len = (size_t)(anon_mb / procs) * MIB;
	long page = sysconf(_SC_PAGESIZE), made = 0;
	pthread_attr_t attr;
	char msg[128];

	if (len) {
		unsigned char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (mem == MAP_FAILED)
			die("mmap %zu", len);
		for (size_t off = 0; off < len; off += (size_t)page) {
			uint64_t tag = ((uint64_t)idx << 48) | off;

			memset(mem + off, (int)((off / (size_t)page * 31 + (size_t)idx) | 1) & 0xff,
			       (size_t)page);
			memcpy(mem + off, &tag, sizeof(tag));
		}
	}
	if (pipe(empty_pipe))
		die("pipe");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, (size_t)stack_kb * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (long i = 0; i < threads; i++) {
		pthread_t t;
		int err = pthread_create(&t, &attr, sleeper, (void *)(intptr_t)i);

		if (err) {
			errno = err;
			die("pthread_create %ld of %ld in process %ld", i, threads, idx);
		}
		made++;
	}
	snprintf(msg, sizeof(msg), "%d %ld %zu\n", getpid(), made, len / MIB);
	if (write(report, msg, strlen(msg)) < 0)
		die("report");
	close(report);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	struct timespec t0, t1, t2;
	long total = 0, anon = 0;

	if (argc > 1)
		parse(argv[1]);
	if (procs < 1 || threads < 0 || stack_kb < 16) {
		errno = EINVAL;
		die("procs=%ld threads=%ld stack=%ld", procs, threads, stack_kb);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	page_cache();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	mark("KDC-MARK: big-cache tmpfs_mb=%ld disk_cache_mb=%ld in %lds\n", tmpfs_mb,
	     disk_off_mb >= 0 ? disk_mb : 0, (long)(t1.tv_sec - t0.tv_sec));
	/* one process at a time: several making threads at once spin on the
	 * kernel's vmap and mm locks, and under TCG, with more vCPUs than host
	 * cores, the spinners starve the lock holder for minutes */
	for (long i = 0; i < procs; i++) {
		int rep[2], st = 0, cpid;
		long made, mb;
		pid_t pid;
		FILE *in;

		if (pipe(rep))
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(rep[0]);
			child(i, rep[1]);
		}
		close(rep[1]);
		in = fdopen(rep[0], "r");
		if (!in || fscanf(in, "%d %ld %ld", &cpid, &made, &mb) != 3) {
			errno = ECHILD;
			waitpid(pid, &st, 0);
			die("process %ld gave up before its report (status 0x%x)", i, st);
		}
		fclose(in);
		total += made;
		anon += mb;
		clock_gettime(CLOCK_MONOTONIC, &t2);
		mark("KDC-MARK: big-proc %ld/%ld pid=%d threads=%ld anon_mb=%ld at=%lds\n", i + 1,
		     procs, cpid, made, mb, (long)(t2.tv_sec - t0.tv_sec));
	}
	clock_gettime(CLOCK_MONOTONIC, &t2);
	mark("KDC-MARK: big-ready procs=%ld threads=%ld stack_kb=%ld anon_mb=%ld tmpfs_mb=%ld "
	     "disk_cache_mb=%ld cache_s=%ld spawn_s=%ld pid=%d\n",
	     procs, total, stack_kb, anon, tmpfs_mb, disk_off_mb >= 0 ? disk_mb : 0,
	     (long)(t1.tv_sec - t0.tv_sec), (long)(t2.tv_sec - t1.tv_sec), getpid());
	return 0;
}
