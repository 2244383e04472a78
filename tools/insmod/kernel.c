// SPDX-License-Identifier: MIT
/*
 * The kernel layer vmkasan-cc --kernel builds into programs (kthreads,
 * workqueues, the console hook ...: weak definitions of the headers),
 * here once in vmkasan-insmod and exported (-rdynamic), so that the
 * modules it loads share it: their own weak copies yield to these.
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/workqueue.h>
