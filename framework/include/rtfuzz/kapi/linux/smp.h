/* framework/include/rtfuzz/kapi/linux/smp.h
 *
 * <linux/smp.h> cross-CPU function calls, as IPIs on the machine's built-in
 * call-function vector (rt::WorkVector::kCallFunction): the function runs in
 * hardirq context on the target CPU, and each remote call counts as an IPI on
 * that CPU (what the noise oracle measures on isolated CPUs).
 *
 * Modeled: smp_call_function_single(cpu, func, info, wait),
 *   smp_call_function(func, info, wait) (every other CPU),
 *   on_each_cpu(func, info, wait) (every other CPU, then locally with
 *   interrupts disabled), on_each_cpu_cond(cond_func, func, info, wait)
 *   (the same, only on the CPUs where cond_func(cpu, info) is true; it is
 *   asked in CPU order, remote CPUs first, from the sender with preemption
 *   disabled, and the callers' waits follow the local call). A call to the own CPU runs at once with interrupts
 *   disabled, as the kernel does. Call-single-data (csd) is per sender CPU
 *   and target, locked while in flight: a sender whose previous asynchronous
 *   call to the same target has not run yet spins on it (csd_lock_wait), and
 *   wait = 1 spins until the function has run.
 * Scheduling points: the queueing (one per target), every spin of a wait.
 * Not modeled: cpu hotplug, call_function_many's single-IPI batching.
 */
#ifndef RTFUZZ_KAPI_LINUX_SMP_H_
#define RTFUZZ_KAPI_LINUX_SMP_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/percpu.h"	/* smp_processor_id(), nr_cpu_ids */

typedef void (*smp_call_func_t)(void *info);
typedef bool (*smp_cond_func_t)(int cpu, void *info);

extern "C" {
int smp_call_function_single(int cpu, smp_call_func_t func, void *info, int wait);
void smp_call_function(smp_call_func_t func, void *info, int wait);
void on_each_cpu(smp_call_func_t func, void *info, int wait);
void on_each_cpu_cond(smp_cond_func_t cond_func, smp_call_func_t func, void *info, int wait);
}

#endif /* RTFUZZ_KAPI_LINUX_SMP_H_ */
