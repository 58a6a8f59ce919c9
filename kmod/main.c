// SPDX-License-Identifier: GPL-2.0
/*
 * ksmctl: per-process KSM statistics and remote KSM opt-in.
 *
 * This file only brings the module up and down; each concern has its own
 * file.
 */

#include <linux/init.h>
#include <linux/module.h>

#include "ksm_state.h"
#include "netlink.h"
#include "procfs.h"
#include "rules.h"

static int __init ksmctl_init(void)
{
	int ret;

	ret = ksmctl_ksm_state_init();
	if (ret)
		goto err_ksm_state;

	ret = ksmctl_procfs_init();
	if (ret)
		goto err_procfs;

	ret = ksmctl_rules_init(ksmctl_nl_rule_event);
	if (ret)
		goto err_rules;

	/* last: from here on userspace can reach us */
	ret = ksmctl_genl_init();
	if (ret)
		goto err_genl;

	pr_info("version %s loaded\n", KSMCTL_VERSION);
	return 0;

err_genl:
	ksmctl_rules_stop();
	ksmctl_rules_uninit();
err_rules:
	ksmctl_procfs_uninit();
err_procfs:
	ksmctl_ksm_state_uninit();
err_ksm_state:
	return ret;
}

/*
 * Rules are dropped; what they did stays (VMAs they marked stay mergeable).
 * The rules stop first (their probes detached, then the work they queue),
 * then the family (so no rule event is sent through it after), then the
 * rules are freed.
 */
static void __exit ksmctl_exit(void)
{
	ksmctl_rules_stop();
	ksmctl_genl_uninit();
	ksmctl_rules_uninit();
	ksmctl_procfs_uninit();
	ksmctl_ksm_state_uninit();
}

module_init(ksmctl_init);
module_exit(ksmctl_exit);
MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("Per-process KSM statistics and remote KSM opt-in");
MODULE_AUTHOR("The ksmctl authors");
MODULE_VERSION(KSMCTL_VERSION);
