/* SPDX-License-Identifier: MIT */
/* KUnit's test devices (Linux 6.12 include/kunit/device.h): a device that
 * lives until the test ends, or until kunit_device_unregister(). */
#ifndef VMKASAN_KUNIT_DEVICE_H
#define VMKASAN_KUNIT_DEVICE_H
#include <kunit/test.h>
#include <linux/device.h>

static inline void __vmk_kunit_device_release(void *p)
{
	struct device *dev = p;

	__vmk_devres_release_all(dev);
	kfree(dev);
}
static inline struct device *kunit_device_register(struct kunit *test, const char *name)
{
	struct device *dev = kzalloc(sizeof(*dev), GFP_KERNEL);

	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->init_name = name;
	spin_lock_init(&dev->devres_lock);
	if (kunit_add_action_or_reset(test, __vmk_kunit_device_release, dev))
		return ERR_PTR(-ENOMEM);
	return dev;
}
static inline void kunit_device_unregister(struct kunit *test, struct device *dev)
{
	kunit_release_action(test, __vmk_kunit_device_release, dev);
}
#endif
