/* framework/include/rtfuzz/kapi/linux/irqflags.h
 *
 * The local CPU's interrupt flag, as the kernel's <linux/irqflags.h>. Each
 * state change is one point (rt::LocalIrq*); enabling delivers pending
 * hardirqs at that point. Reading the state (irqs_disabled(),
 * local_save_flags()) touches no shared memory and is not a point.
 *
 * `flags` is an unsigned long holding x86's EFLAGS.IF (0x200) when interrupts
 * were enabled, as the kernel's; local_irq_save() and local_irq_restore()
 * check its type like the kernel's typecheck(). NMIs are not masked.
 */

#ifndef RTFUZZ_KAPI_LINUX_IRQFLAGS_H_
#define RTFUZZ_KAPI_LINUX_IRQFLAGS_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/compiler.h"

/* x86's X86_EFLAGS_IF: the bit rt::LocalIrqSave() returns when irqs were on. */
#define RTFUZZ_KAPI_IRQ_ENABLED_FLAG	0x200UL

static inline unsigned long arch_local_save_flags(void)
{
	return ::rtfuzz::rt::IrqsDisabled() ? 0 : RTFUZZ_KAPI_IRQ_ENABLED_FLAG;
}

static inline bool arch_irqs_disabled_flags(unsigned long flags)
{
	return !(flags & RTFUZZ_KAPI_IRQ_ENABLED_FLAG);
}

#define raw_local_irq_disable()		::rtfuzz::rt::LocalIrqDisable()
#define raw_local_irq_enable()		::rtfuzz::rt::LocalIrqEnable()
#define raw_local_irq_save(flags)					\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		flags = ::rtfuzz::rt::LocalIrqSave();			\
	} while (0)
#define raw_local_irq_restore(flags)					\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		::rtfuzz::rt::LocalIrqRestore(flags);			\
	} while (0)
#define raw_local_save_flags(flags)					\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		flags = arch_local_save_flags();			\
	} while (0)
#define raw_irqs_disabled_flags(flags)					\
	((void)typecheck(unsigned long, flags), arch_irqs_disabled_flags(flags))
#define raw_irqs_disabled()		(::rtfuzz::rt::IrqsDisabled())

#define local_irq_disable()		raw_local_irq_disable()
#define local_irq_enable()		raw_local_irq_enable()
#define local_irq_save(flags)		raw_local_irq_save(flags)
#define local_irq_restore(flags)	raw_local_irq_restore(flags)
#define local_save_flags(flags)		raw_local_save_flags(flags)
#define irqs_disabled_flags(flags)	raw_irqs_disabled_flags(flags)
#define irqs_disabled()			raw_irqs_disabled()

#endif  /* RTFUZZ_KAPI_LINUX_IRQFLAGS_H_ */
