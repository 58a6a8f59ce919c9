// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ksmctl/: read-only views for cat and scripts. Each file prints one
 * "name value" pair per line; names match /sys/kernel/mm/ksm/.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "ksm_state.h"
#include "procfs.h"

static struct proc_dir_entry *ksmctl_proc_dir;

static int status_show(struct seq_file *m, void *v)
{
	struct ksmctl_ksm_state st;
	enum ksmctl_ksm_field f;
	int err;

	err = ksmctl_ksm_read(&st);
	if (err)
		return err;

	seq_printf(m, "version %s\n", KSMCTL_VERSION);
	seq_printf(m, "page_size %lu\n", PAGE_SIZE);
	for (f = 0; f < KSM_F_COUNT; f++)
		if (ksmctl_ksm_has(&st, f))
			seq_printf(m, "%s %lld\n", ksmctl_ksm_field_name(f),
				   st.val[f]);
	return 0;
}

int __init ksmctl_procfs_init(void)
{
	ksmctl_proc_dir = proc_mkdir("ksmctl", NULL);
	if (!ksmctl_proc_dir)
		return -ENOMEM;
	if (!proc_create_single("status", 0444, ksmctl_proc_dir, status_show)) {
		proc_remove(ksmctl_proc_dir);
		ksmctl_proc_dir = NULL;
		return -ENOMEM;
	}
	return 0;
}

void ksmctl_procfs_uninit(void)
{
	proc_remove(ksmctl_proc_dir);
	ksmctl_proc_dir = NULL;
}
