/* SPDX-License-Identifier: MIT */
/*
 * A device, as far as managed (devm_*) allocations go: what a test needs
 * of Linux 6.12's include/linux/device.h and drivers/base/devres.c.  The
 * device's managed allocations are freed when it goes away.
 */
#ifndef VMKASAN_LINUX_DEVICE_H
#define VMKASAN_LINUX_DEVICE_H
#include <vmkasan_kernel.h>

struct __vmk_devres {
	struct __vmk_devres *next;
	void *p;
	void (*action)(void *);	/* devm_add_action()'s, else p is kfree()d */
};
struct device {
	const char *init_name;
	spinlock_t devres_lock;
	struct __vmk_devres *devres;
	void *driver_data;
};
static inline const char *dev_name(const struct device *dev) { return dev->init_name; }
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }

__VMK_WEAK void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp)
{
	struct __vmk_devres *r;
	void *p = kmalloc(size, gfp);

	if (!p)
		return NULL;
	r = kmalloc(sizeof(*r), gfp & ~__GFP_ZERO);
	if (!r) {
		kfree(p);
		return NULL;
	}
	r->p = p;
	r->action = NULL;
	spin_lock(&dev->devres_lock);
	r->next = dev->devres;
	dev->devres = r;
	spin_unlock(&dev->devres_lock);
	return p;
}
static inline void *devm_kzalloc(struct device *dev, size_t size, gfp_t gfp)
{
	return devm_kmalloc(dev, size, gfp | __GFP_ZERO);
}
static inline void *devm_kmalloc_array(struct device *dev, size_t n, size_t size, gfp_t gfp)
{
	return size && n > SIZE_MAX / size ? NULL : devm_kmalloc(dev, n * size, gfp);
}
static inline void *devm_kcalloc(struct device *dev, size_t n, size_t size, gfp_t gfp)
{
	return devm_kmalloc_array(dev, n, size, gfp | __GFP_ZERO);
}
/* Frees a managed allocation now; one the device does not have is a
 * WARN, as devres_destroy()'s failure is in devm_kfree(). */
__VMK_WEAK void devm_kfree(struct device *dev, const void *p)
{
	struct __vmk_devres **pp, *r = NULL;

	if (ZERO_OR_NULL_PTR(p))
		return;
	spin_lock(&dev->devres_lock);
	for (pp = &dev->devres; *pp; pp = &(*pp)->next)
		if ((*pp)->p == p) {
			r = *pp;
			*pp = r->next;
			break;
		}
	spin_unlock(&dev->devres_lock);
	if (WARN_ON(!r))
		return;
	kfree(r->p);
	kfree(r);
}
/* The device goes away: its managed allocations are freed, newest first. */
__VMK_WEAK void __vmk_devres_release_all(struct device *dev)
{
	while (dev->devres) {
		struct __vmk_devres *r = dev->devres;

		dev->devres = r->next;
		if (r->action)
			r->action(r->p);
		else
			kfree(r->p);
		kfree(r);
	}
}
/* action(data) when the device goes away; if that cannot be recorded,
 * now, and -ENOMEM (drivers/base/devres.c's devm_add_action_or_reset). */
__VMK_WEAK int devm_add_action(struct device *dev, void (*action)(void *), void *data)
{
	struct __vmk_devres *r = kmalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	r->p = data;
	r->action = action;
	spin_lock(&dev->devres_lock);
	r->next = dev->devres;
	dev->devres = r;
	spin_unlock(&dev->devres_lock);
	return 0;
}
static inline int devm_add_action_or_reset(struct device *dev, void (*action)(void *), void *data)
{
	int ret = devm_add_action(dev, action, data);

	if (ret)
		action(data);
	return ret;
}
#endif
