/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_KSM_STATE_H
#define _KSMCTL_KSM_STATE_H

#include <linux/bits.h>
#include <linux/types.h>

/**
 * enum ksmctl_ksm_field - global KSM values the kernel publishes
 *
 * Each one is a file of /sys/kernel/mm/ksm/ of the same name. The first
 * ones exist on every supported kernel; the others only where the kernel
 * has them (see &struct ksmctl_ksm_state.present).
 */
enum ksmctl_ksm_field {
	KSMCTL_KSM_F_RUN,
	KSMCTL_KSM_F_PAGES_SHARED,
	KSMCTL_KSM_F_PAGES_SHARING,
	KSMCTL_KSM_F_PAGES_UNSHARED,
	KSMCTL_KSM_F_PAGES_VOLATILE,
	KSMCTL_KSM_F_FULL_SCANS,
	KSMCTL_KSM_F_PAGES_TO_SCAN,
	KSMCTL_KSM_F_SLEEP_MSECS,
	KSMCTL_KSM_F_MAX_PAGE_SHARING,
	KSMCTL_KSM_F_STABLE_NODE_CHAINS,
	KSMCTL_KSM_F_GENERAL_PROFIT,
	KSMCTL_KSM_F_ZERO_PAGES,
	KSMCTL_KSM_F_COUNT
};

/**
 * struct ksmctl_ksm_state - one snapshot of the global KSM state
 * @val: value per &enum ksmctl_ksm_field (general_profit is signed)
 * @present: bit n set when field n exists on this kernel
 */
struct ksmctl_ksm_state {
	s64 val[KSMCTL_KSM_F_COUNT];
	unsigned long present;
};

static inline bool ksmctl_ksm_has(const struct ksmctl_ksm_state *st,
				  enum ksmctl_ksm_field f)
{
	return st->present & BIT(f);
}

const char *ksmctl_ksm_field_name(enum ksmctl_ksm_field f);
int ksmctl_ksm_read(struct ksmctl_ksm_state *st);

int ksmctl_ksm_state_init(void);
void ksmctl_ksm_state_uninit(void);

#endif /* _KSMCTL_KSM_STATE_H */
