/*
 * The client's image as ELF has it: its read-only load segments, in this
 * process (dl_iterate_phdr) or in a file on disk, are what is searched.
 */
#if defined(__ELF__) && !defined(JUPYSSH_PORTABLE)

#include <link.h>
#include <string.h>

#include "../common/sshclient.h"
#include "os.h"

/*
 * The pieces of an image to look through: read-only data first (where
 * ssh.c's strings sit, near its start), then the rest that is not
 * writable (an image linked without separate code segments).
 */
static int
scan_segments(struct ssh_client *cl, const char *base, size_t size,
    const ElfW(Phdr) *ph, int phnum, int from_file)
{
	const ElfW(Phdr) *p;
	size_t off, len;
	int pass, i;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < phnum; i++) {
			p = &ph[i];
			if (p->p_type != PT_LOAD || (p->p_flags & PF_W) ||
			    (pass == 0) != (!(p->p_flags & PF_X) &&
			    p->p_offset != 0))
				continue;
			off = from_file ? p->p_offset : p->p_vaddr;
			len = from_file ? p->p_filesz : p->p_memsz;
			if (from_file && (off > size || len > size - off))
				continue;
			if (ssh_client_scan(cl, base + off, len))
				return 0;
		}
	return cl->optstring[0] != '\0' ? 0 : -1;
}

static int
self_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	/* The first is the program itself. */
	scan_segments(arg, (const char *)info->dlpi_addr, 0, info->dlpi_phdr,
	    info->dlpi_phnum, 0);
	return 1;
}

int
ssh_client_of_self(struct ssh_client *cl)
{
	memset(cl, 0, sizeof(*cl));
	dl_iterate_phdr(self_segments, cl);
	return cl->optstring[0] != '\0' ? 0 : -1;
}

int
ssh_client_of_file(const char *path, struct ssh_client *cl)
{
	const ElfW(Ehdr) *eh;
	void *map;
	size_t size;
	int r = -1;

	memset(cl, 0, sizeof(*cl));
	if ((map = os_map_file(path, sizeof(*eh), &size)) == NULL)
		return -1;
	eh = map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
	    eh->e_ident[EI_CLASS] == (sizeof(void *) == 8 ? ELFCLASS64 :
	    ELFCLASS32) && eh->e_phentsize == sizeof(ElfW(Phdr)) &&
	    eh->e_phoff <= size &&
	    (size - eh->e_phoff) / sizeof(ElfW(Phdr)) >= eh->e_phnum)
		r = scan_segments(cl, map, size, (const ElfW(Phdr) *)
		    ((const char *)map + eh->e_phoff), eh->e_phnum, 1);
	os_unmap_file(map, size);
	return r;
}
#endif
