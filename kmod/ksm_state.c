// SPDX-License-Identifier: GPL-2.0
/*
 * Global KSM state.
 *
 * mm/ksm.c keeps its counters in static variables and publishes them only
 * through the attributes of /sys/kernel/mm/ksm/. We look those attributes up
 * once, in kernfs, at load time and then call their show() callbacks the way
 * sysfs itself does, without a path walk or file I/O per read.
 * The KSM attributes are built in and never removed, so the kernfs nodes we
 * hold references to stay valid for the module's lifetime.
 */

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "ksm_state.h"

static const char *const field_names[KSMCTL_KSM_F_COUNT] = {
	[KSMCTL_KSM_F_RUN]                = "run",
	[KSMCTL_KSM_F_PAGES_SHARED]       = "pages_shared",
	[KSMCTL_KSM_F_PAGES_SHARING]      = "pages_sharing",
	[KSMCTL_KSM_F_PAGES_UNSHARED]     = "pages_unshared",
	[KSMCTL_KSM_F_PAGES_VOLATILE]     = "pages_volatile",
	[KSMCTL_KSM_F_FULL_SCANS]         = "full_scans",
	[KSMCTL_KSM_F_PAGES_TO_SCAN]      = "pages_to_scan",
	[KSMCTL_KSM_F_SLEEP_MSECS]        = "sleep_millisecs",
	[KSMCTL_KSM_F_MAX_PAGE_SHARING]   = "max_page_sharing",
	[KSMCTL_KSM_F_STABLE_NODE_CHAINS] = "stable_node_chains",
	[KSMCTL_KSM_F_GENERAL_PROFIT]     = "general_profit",
	[KSMCTL_KSM_F_ZERO_PAGES]         = "ksm_zero_pages",
};

/* Fields every supported kernel has; load fails without them. */
#define KSM_REQUIRED_FIELDS (BIT(KSMCTL_KSM_F_RUN) |			\
			     BIT(KSMCTL_KSM_F_PAGES_SHARED) |		\
			     BIT(KSMCTL_KSM_F_PAGES_SHARING) |		\
			     BIT(KSMCTL_KSM_F_PAGES_UNSHARED) |		\
			     BIT(KSMCTL_KSM_F_PAGES_VOLATILE) |		\
			     BIT(KSMCTL_KSM_F_FULL_SCANS) |		\
			     BIT(KSMCTL_KSM_F_PAGES_TO_SCAN) |		\
			     BIT(KSMCTL_KSM_F_SLEEP_MSECS))

static struct {
	struct kernfs_node *dir;
	struct kobject *kobj;
	struct kernfs_node *attr[KSMCTL_KSM_F_COUNT];
	/* one page for show(): sysfs_emit() insists on a page-aligned buffer */
	char *buf;
	struct mutex lock;	/* protects buf */
} ksm;

const char *ksmctl_ksm_field_name(enum ksmctl_ksm_field f)
{
	return f < KSMCTL_KSM_F_COUNT ? field_names[f] : NULL;
}

static int read_field(enum ksmctl_ksm_field f, s64 *val)
{
	struct attribute *attr = ksm.attr[f]->priv;
	const struct sysfs_ops *ops = ksm.kobj->ktype->sysfs_ops;
	ssize_t len;

	lockdep_assert_held(&ksm.lock);

	len = ops->show(ksm.kobj, attr, ksm.buf);
	if (len < 0)
		return len;
	if (len == 0 || len >= PAGE_SIZE)
		return -EIO;
	ksm.buf[len] = '\0';
	/* kstrtoll() accepts the single trailing newline sysfs_emit() adds */
	return kstrtoll(ksm.buf, 10, val);
}

/**
 * ksmctl_ksm_read() - take a snapshot of the global KSM state
 * @st: filled with every field this kernel has
 *
 * Return: 0, or a negative errno if a value could not be read or parsed.
 */
int ksmctl_ksm_read(struct ksmctl_ksm_state *st)
{
	enum ksmctl_ksm_field f;
	int ret = 0;

	memset(st, 0, sizeof(*st));

	mutex_lock(&ksm.lock);
	for (f = 0; f < KSMCTL_KSM_F_COUNT; f++) {
		if (!ksm.attr[f])
			continue;
		ret = read_field(f, &st->val[f]);
		if (ret) {
			pr_warn_ratelimited("cannot read ksm/%s: %d\n",
					    field_names[f], ret);
			break;
		}
		st->present |= BIT(f);
	}
	mutex_unlock(&ksm.lock);

	return ret;
}

void ksmctl_ksm_state_uninit(void)
{
	enum ksmctl_ksm_field f;

	for (f = 0; f < KSMCTL_KSM_F_COUNT; f++) {
		kernfs_put(ksm.attr[f]);
		ksm.attr[f] = NULL;
	}
	kernfs_put(ksm.dir);
	ksm.dir = NULL;
	free_page((unsigned long)ksm.buf);
	ksm.buf = NULL;
}

int ksmctl_ksm_state_init(void)
{
	struct kernfs_node *mm;
	enum ksmctl_ksm_field f;
	unsigned long found = 0;

	mutex_init(&ksm.lock);

	/* /sys/kernel/mm/ksm: an attribute group of the "mm" kobject */
	mm = kernfs_find_and_get(kernel_kobj->sd, "mm");
	if (!mm) {
		pr_err("/sys/kernel/mm not found\n");
		return -ENODEV;
	}
	ksm.dir = kernfs_find_and_get(mm, "ksm");
	kernfs_put(mm);
	if (!ksm.dir || kernfs_type(ksm.dir) != KERNFS_DIR) {
		pr_err("/sys/kernel/mm/ksm not found\n");
		goto err;
	}
	/* a group directory's private data is the kobject that owns it */
	ksm.kobj = ksm.dir->priv;
	if (!ksm.kobj || !ksm.kobj->ktype || !ksm.kobj->ktype->sysfs_ops ||
	    !ksm.kobj->ktype->sysfs_ops->show) {
		pr_err("/sys/kernel/mm/ksm has no readable attributes\n");
		goto err;
	}

	for (f = 0; f < KSMCTL_KSM_F_COUNT; f++) {
		struct kernfs_node *kn = kernfs_find_and_get(ksm.dir,
							     field_names[f]);

		if (!kn)
			continue;
		if (kernfs_type(kn) != KERNFS_FILE) {
			kernfs_put(kn);
			continue;
		}
		ksm.attr[f] = kn;
		found |= BIT(f);
	}
	if ((found & KSM_REQUIRED_FIELDS) != KSM_REQUIRED_FIELDS) {
		pr_err("/sys/kernel/mm/ksm lacks required attributes (found %#lx)\n",
		       found);
		goto err;
	}

	ksm.buf = (char *)__get_free_page(GFP_KERNEL);
	if (!ksm.buf) {
		ksmctl_ksm_state_uninit();
		return -ENOMEM;
	}
	return 0;

err:
	ksmctl_ksm_state_uninit();
	return -ENODEV;
}
