/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own KSM interface, for when the module is not loaded:
 * /sys/kernel/mm/ksm/ read into the status the module would report, and
 * what to do to have the module.
 */
#ifndef KSMSYS_H
#define KSMSYS_H

#include <stddef.h>

#include "wire.h"

#define KSM_SYSFS_DIR	"/sys/kernel/mm/ksm"

/* The first line of @dir/@name, without its newline, in @buf: 0 or -errno. */
int ksm_sysfs_line(const char *dir, const char *name, char *buf, size_t size);

/* $KSMCTL_KSM_SYSFS if set (tests, a sysfs mounted elsewhere), else KSM_SYSFS_DIR */
const char *ksm_sysfs_dir(void);

/* $KSMCTL_PROC if set (tests), else /proc: where ksmd's CPU time is read */
const char *proc_dir(void);

/*
 * Say on stderr that nothing merges while ksmd is stopped (run is 0), for
 * the commands that make memory mergeable; nothing if it runs or if run
 * cannot be read.
 */
void warn_if_ksmd_stopped(void);

/*
 * The CPU time the kernel thread ksmd has used since boot, in ms, from
 * @proc (/proc): 0, or -ENOENT if there is no ksmd.
 */
int ksmd_cpu_ms(const char *proc, uint64_t *ms);

/*
 * The files of @dir into @st (module_version left empty): 0, or -errno
 * of the first file every supported kernel has that could not be read.
 */
int ksm_sysfs_read(const char *dir, struct ksmctl_status *st);

/*
 * How to get the module for the running kernel, in @buf: "modprobe ksmctl"
 * when it is installed for it (in modules.dep), else the DKMS step.
 */
const char *module_hint(char *buf, size_t size);

#endif
