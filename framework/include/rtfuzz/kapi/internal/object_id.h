/* framework/include/rtfuzz/kapi/internal/object_id.h
 *
 * Object ids for trace records: every kapi object that shows up in a trace
 * (atomic_t today; locks next) embeds a struct rtfuzz_kapi_obj and names
 * itself with rtfuzz_kapi_object_id().
 *
 * Records never hold addresses (rt/trace.h): an id is assigned on the
 * object's first use *within each execution*, in order of first use, 1, 2, 3,
 * ... (0 means "anonymous"). So the same schedule names the same objects the
 * same way in every process and after any history of earlier executions, and
 * the trace hash depends only on the scenario and the decisions.
 *
 * "Execution" is rt::ExecutionSerial(), a process-unique serial of the
 * running execution: an object whose stored epoch is not the running
 * execution's gets the next id. The epoch keeps the low 32 bits of the
 * serial; an object untouched for exactly 2^32 executions would keep a stale
 * id, which is accepted.
 */

#ifndef RTFUZZ_KAPI_INTERNAL_OBJECT_ID_H_
#define RTFUZZ_KAPI_INTERNAL_OBJECT_ID_H_

#include "rtfuzz/kapi/internal/kapi.h"

struct rtfuzz_kapi_obj {
	uint32_t id;	/* 0 until first use in the execution of `epoch` */
	uint32_t epoch;	/* low 32 bits of rt::ExecutionSerial() at that use */
};

#define RTFUZZ_KAPI_OBJ_INIT { 0, 0 }

extern "C" {

/*
 * The object's id in the running execution, assigning the next one on first
 * use. Not a point. Only inside a running execution (a task or handler).
 */
uint32_t rtfuzz_kapi_object_id(struct rtfuzz_kapi_obj *o);
/* The same, named `name` in reports (else by the variable holding `o`). */
uint32_t rtfuzz_kapi_named_object_id(struct rtfuzz_kapi_obj *o, const char *name);
/*
 * The id of a plain word (a pointer or scalar used with xchg/cmpxchg or,
 * for pointers, READ_ONCE/WRITE_ONCE), in the same sequence, named by its
 * variable in reports. Looked up by address, so it costs a hash lookup.
 */
uint32_t rtfuzz_kapi_word_id(const volatile void *word);

}  /* extern "C" */

#endif  /* RTFUZZ_KAPI_INTERNAL_OBJECT_ID_H_ */
