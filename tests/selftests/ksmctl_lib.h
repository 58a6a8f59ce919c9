/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the C selftests: module state and the ksmctl family. */
#ifndef KSMCTL_TEST_LIB_H
#define KSMCTL_TEST_LIB_H

#include <stdint.h>

#define KSM_SYSFS "/sys/kernel/mm/ksm/"

/* Load the module if it is not loaded (path in $KSMCTL_KO). 0 or -errno. */
int ksmctl_ensure_loaded(void);
/* Unload it if it is loaded. 0 or -errno. */
int ksmctl_ensure_unloaded(void);
int ksmctl_is_loaded(void);

/* Family id of "ksmctl" on fd, or a negative errno. */
int ksmctl_family(int fd);

#endif
