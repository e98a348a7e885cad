// framework/src/kapi/kapi_kit_test.cc
//
// The lock author's kit: <linux/sched.h>'s sleeps and wakeups, seqcounts'
// lockdep semantics, hook sequences that no lock could produce (verdict
// invariant, naming the hook, never a finding against the lock), and
// initialisers run in OnReset, outside every context.

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/rtmutex.h>
#include <linux/rwlock.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "oracle_gallery.h"
#include "rtfuzz/base/format.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/report/execution_report.h"
#include "rtfuzz/report/timeline.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/byte_source.h"

namespace {

using rtfuzz::Verdict;
using rtfuzz::rt::Cpu;
using rtfuzz::rt::ExecutionResult;
using rtfuzz::rt::Scenario;

class KapiKitTest : public ::testing::Test {
 protected:
  void SetUp() override { machine_.AddObserver(&oracles_); }
  ExecutionResult Run(const Scenario& s) {
    rtfuzz::sched::ByteSource none(nullptr, 0);
    return machine_.Run(s, none);
  }
  rtfuzz::rt::Machine machine_;
  rtfuzz::check::Oracles oracles_;
};

atomic_t g_count;
spinlock_t g_lock;
seqcount_t g_seq;
wait_queue_head_t g_wq;
int g_plain;
long g_left;
int g_woke;

// A library's init with atomic stores, run where users run it.
void LibraryInit() {
  atomic_set(&g_count, 7);
  spin_lock_init(&g_lock);
  seqcount_init(&g_seq);
  init_waitqueue_head(&g_wq);
  WRITE_ONCE(g_plain, 3);
}

TEST_F(KapiKitTest, ALibraryInitWithAtomicStoresRunsInOnReset) {
  Scenario s("init", 1);
  s.OnReset(&LibraryInit);
  s.AddTask({.name = "t", .body = [] {
               spin_lock(&g_lock);
               atomic_inc(&g_count);
               spin_unlock(&g_lock);
             }});
  s.AddEndCheck("init and task ran",
                [] { return atomic_read(&g_count) == 8 && READ_ONCE(g_plain) == 3; });
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.message;
}

TEST_F(KapiKitTest, ALockOperationInOnResetIsAOneLineErrorNamingWhereAndTheFix) {
  Scenario s("init-locks", 1);
  s.OnReset([] {
    spin_lock_init(&g_lock);
    spin_lock(&g_lock);
  });
  s.AddTask({.name = "t", .body = [] {}});
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kException);
  EXPECT_NE(r.message.find("called from Scenario::OnReset, outside every task and handler"),
            std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("move the rest into a task body"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find('\n'), std::string::npos) << r.message;
}

TEST_F(KapiKitTest, ScheduleTimeoutTimesOutOrReturnsWhatIsLeft) {
  for (const bool wake : {false, true}) {
    Scenario s(wake ? "woken" : "timeout", 2);
    s.AddTask({.name = "sleeper", .affinity = Cpu(0), .body = [] {
                 set_current_state(TASK_UNINTERRUPTIBLE);
                 g_left = schedule_timeout(msecs_to_jiffies(5));
                 g_woke = task_is_running(current);
               }});
    if (wake) {
      s.AddTask({.name = "waker", .affinity = Cpu(1), .start_ns = 1'000'000, .body = [] {
                   struct task_struct *p = rtfuzz_kapi_task(0);
                   // The mask decides: an uninterruptible sleeper ignores this one.
                   EXPECT_EQ(wake_up_state(p, TASK_INTERRUPTIBLE), 0);
                   EXPECT_EQ(wake_up_process(p), 1);
                 }});
    }
    const ExecutionResult r = Run(s);
    ASSERT_EQ(r.verdict, Verdict::kPass) << r.message;
    EXPECT_EQ(g_woke, 1);
    if (wake) {
      EXPECT_EQ(g_left, 4) << "woken after 1 of 5 ms: 4 jiffies (rounded up) left";
    } else {
      EXPECT_EQ(g_left, 0);
      EXPECT_GE(r.time_ns, 5'000'000u);
    }
  }
}

lockdep_map g_map = STATIC_LOCKDEP_MAP_INIT("hand_lock", nullptr);
lockdep_map g_seq_map = STATIC_LOCKDEP_MAP_INIT("hand_seq", nullptr);

TEST_F(KapiKitTest, HookSequencesNoLockCouldMakeAreInvariantsNamingTheHook) {
  struct Case {
    const char* name;
    void (*body)();
    const char* want;
  };
  const Case cases[] = {
      {"acquired-alone", [] { lock_acquired(&g_map, "hand.c:1"); },
       "lockdep hook error: lock_acquired(hand_lock) by task:t at hand.c:1: no lock_acquire()"},
      {"release-unheld", [] { lock_release(&g_map, "hand.c:2"); },
       "lockdep hook error: lock_release(hand_lock) by task:t at hand.c:2: nobody holds or is "
       "taking it (lockdep's \"bad unlock balance\")"},
      {"seq-reader-holds",
       [] {
         seqcount_acquire_read(&g_seq_map, 0, 0, "hand.c:3");
         (void)READ_ONCE(g_plain);  // A scheduling point inside the "read section".
         seqcount_release(&g_seq_map, "hand.c:4");
       },
       "lockdep hook error: lock_release(hand_seq) by task:t at hand.c:4: a seqcount reader kept "
       "it"},
  };
  for (const Case& c : cases) {
    Scenario s(c.name, 1);
    s.AddTask({.name = "t", .body = c.body});
    const ExecutionResult r = Run(s);
    EXPECT_EQ(r.verdict, Verdict::kInvariant) << c.name << ": " << r.message;
    EXPECT_NE(r.message.find(c.want), std::string::npos) << c.name << ": " << r.message;
    rtfuzz::check::test_gallery::Gallery(std::string("hook-error-") + c.name, machine_, s, r);
  }
}

TEST_F(KapiKitTest, SeqcountReadersNeverConflictWithTheWriterButWritersDo) {
  Scenario s("seq-readers", 2);
  s.OnReset([] { seqcount_init(&g_seq); });
  s.AddTask({.name = "writer", .affinity = Cpu(0), .body = [] {
               preempt_disable();
               write_seqcount_begin(&g_seq);
               WRITE_ONCE(g_plain, 1);
               write_seqcount_end(&g_seq);
               preempt_enable();
             }});
  s.AddTask({.name = "reader", .affinity = Cpu(1), .body = [] {
               unsigned seq;
               do {
                 seq = read_seqcount_begin(&g_seq);
                 (void)READ_ONCE(g_plain);
               } while (read_seqcount_retry(&g_seq, seq));
             }});
  for (uint8_t byte = 0; byte < 64; ++byte) {
    rtfuzz::sched::ByteSource source(&byte, 1);
    const ExecutionResult r = machine_.Run(s, source);
    EXPECT_EQ(r.verdict, Verdict::kPass) << int{byte} << ": " << r.message;
  }
  EXPECT_GT(oracles_.input().waits, 0u) << "some reader met an odd count";

  Scenario two("seq-writers", 1);
  two.OnReset([] { seqcount_init(&g_seq); });
  two.AddTask({.name = "w", .body = [] {
                 preempt_disable();
                 write_seqcount_begin(&g_seq);
                 write_seqcount_begin(&g_seq);  // A second writer inside the first.
               }});
  const ExecutionResult r = Run(two);
  EXPECT_EQ(r.verdict, Verdict::kMutualExclusion) << r.message;
  EXPECT_NE(r.message.find("&g_seq"), std::string::npos) << r.message;
}

TEST_F(KapiKitTest, AReaderAnnotatedAsALockReaderIsToldToDeclareTheSeqcount) {
  Scenario s("lock-reader", 1);
  s.AddTask({.name = "t", .body = [] {
               lock_acquire(&g_map, 0, 0, 1, 1, nullptr, "hand.c:10");
               lock_acquired(&g_map, "hand.c:10");
               lock_acquire(&g_map, 0, 0, 0, 1, nullptr, "hand.c:11");
               lock_acquired(&g_map, "hand.c:11");
             }});
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kMutualExclusion) << r.message;
  EXPECT_NE(r.message.find("if hand_lock is a sequence counter, its readers are not holders: "
                           "annotate them with seqcount_acquire_read() or use seqcount_t"),
            std::string::npos)
      << r.message;
}

rwlock_t g_rw;
struct rt_mutex g_rtm;

// One CPU, PREEMPT_RT. low (FIFO 10) takes g_rtm, then g_rw for read; high
// (FIFO 90) blocks on g_rtm and boosts low; low drops g_rtm (de-boosted,
// still reading g_rw); high then wants g_rw for write and waits on the
// unboosted reader, which medium (FIFO 50) keeps off the CPU.
Scenario MakeDeboost() {
  Scenario s("deboost", 1);
  s.OnReset([] {
    rwlock_init(&g_rw);
    rt_mutex_init(&g_rtm);
  });
  s.AddTask({.name = "low", .policy = rtfuzz::rt::Policy::kFifo, .rt_priority = 10,
             .body = [] {
               rt_mutex_lock(&g_rtm);
               read_lock(&g_rw);
               for (int i = 0; i < 300; ++i) (void)READ_ONCE(g_plain);
               rt_mutex_unlock(&g_rtm);
               for (int i = 0; i < 300; ++i) (void)READ_ONCE(g_plain);
               read_unlock(&g_rw);
             }});
  s.AddTask({.name = "high", .policy = rtfuzz::rt::Policy::kFifo, .rt_priority = 90,
             .start_ns = 1000, .body = [] {
               rt_mutex_lock(&g_rtm);
               rt_mutex_unlock(&g_rtm);
               write_lock(&g_rw);
               write_unlock(&g_rw);
             }});
  s.AddTask({.name = "medium", .policy = rtfuzz::rt::Policy::kFifo, .rt_priority = 50,
             .start_ns = 2000, .body = [] {
               const uint64_t end = rtfuzz::rt::Now() + 5'000'000;
               while (rtfuzz::rt::Now() < end) rtfuzz::rt::Spin();
             }});
  return s;
}

TEST_F(KapiKitTest, AnInversionAfterADeboostSaysSoAndShowsTheReaderShared) {
  const Scenario s = MakeDeboost();
  const ExecutionResult r = Run(s);
  ASSERT_EQ(r.verdict, Verdict::kPriorityInversion) << r.message << r.details;
  rtfuzz::check::test_gallery::Gallery("priority-inversion-deboost", machine_, s, r);
  EXPECT_NE(r.message.find("task:high (FIFO 90 [prio 9]) has waited"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("held by task:low (FIFO 10 [prio 89])"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("; task:low was de-boosted from FIFO 90 to FIFO 10 at "),
            std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find(" while holding &g_rw"), std::string::npos) << r.message;
  EXPECT_NE(r.details.find("task:low (CPU0): &g_rw (shared)"), std::string::npos) << r.details;
}

TEST_F(KapiKitTest, TheLockdepPictureSaysRlockForAReadAttempt) {
  Scenario s("read-then-write", 1);
  s.OnReset([] { rwlock_init(&g_rw); });
  s.AddTask({.name = "t", .body = [] {
               read_lock(&g_rw);
               write_lock(&g_rw);  // Waits for itself on RT: a deadlock.
             }});
  const ExecutionResult r = Run(s);
  EXPECT_FALSE(r.ok());
  rtfuzz::check::test_gallery::Gallery("rlock", machine_, s, r);
  EXPECT_NE(r.details.find("rlock(&g_rw);"), std::string::npos) << r.message << r.details;
  EXPECT_NE(r.details.find(" lock(&g_rw);"), std::string::npos) << r.details;
}

DEFINE_SEQLOCK(g_seqlock);
raw_spinlock_t g_raw = __RAW_SPIN_LOCK_UNLOCKED(g_raw);
seqcount_raw_spinlock_t g_raw_seq = SEQCNT_RAW_SPINLOCK_ZERO(g_raw_seq, &g_raw);
seqcount_spinlock_t g_spin_seq = SEQCNT_SPINLOCK_ZERO(g_spin_seq, &g_lock);
seqcount_latch_t g_latch = SEQCNT_LATCH_ZERO(g_latch);
seqcount_t g_zero_seq = SEQCNT_ZERO(g_zero_seq);

// Every seqlock.h entry point, with the counts the kernel's would give.
TEST_F(KapiKitTest, EverySeqlockEntryPointCountsAsTheKernels) {
  Scenario s("seqlock-api", 1);
  s.OnReset([] {
    seqlock_init(&g_seqlock);
    raw_spin_lock_init(&g_raw);
    seqcount_raw_spinlock_init(&g_raw_seq, &g_raw);
    spin_lock_init(&g_lock);
    seqcount_spinlock_init(&g_spin_seq, &g_lock);
    seqcount_latch_init(&g_latch);
    seqcount_init(&g_zero_seq);
  });
  s.AddTask({.name = "t", .body = [] {
               unsigned long flags;
               unsigned seq = read_seqbegin(&g_seqlock);
               EXPECT_FALSE(read_seqretry(&g_seqlock, seq));
               write_seqlock(&g_seqlock);
               EXPECT_EQ(raw_read_seqcount(&g_seqlock.seqcount), 1u);
               EXPECT_EQ(raw_seqcount_begin(&g_seqlock.seqcount), 0u);
               write_sequnlock(&g_seqlock);
               EXPECT_TRUE(read_seqretry(&g_seqlock, seq));
               write_seqlock_irq(&g_seqlock);
               write_sequnlock_irq(&g_seqlock);
               write_seqlock_bh(&g_seqlock);
               write_sequnlock_bh(&g_seqlock);
               write_seqlock_irqsave(&g_seqlock, flags);
               write_sequnlock_irqrestore(&g_seqlock, flags);
               read_seqlock_excl(&g_seqlock);
               read_sequnlock_excl(&g_seqlock);
               EXPECT_EQ(read_seqbegin(&g_seqlock), 8u);

               raw_spin_lock(&g_raw);
               write_seqcount_begin(&g_raw_seq);
               write_seqcount_end(&g_raw_seq);
               raw_spin_unlock(&g_raw);
               raw_write_seqcount_barrier(&g_raw_seq);
               EXPECT_EQ(raw_read_seqcount_begin(&g_raw_seq), 4u);
               spin_lock(&g_lock);
               write_seqcount_begin(&g_spin_seq);
               write_seqcount_end(&g_spin_seq);
               spin_unlock(&g_lock);
               EXPECT_EQ(read_seqcount_begin(&g_spin_seq), 2u);

               preempt_disable();
               seq = __read_seqcount_begin(&g_zero_seq);
               raw_write_seqcount_begin(&g_zero_seq);
               raw_write_seqcount_end(&g_zero_seq);
               write_seqcount_invalidate(&g_zero_seq);
               preempt_enable();
               EXPECT_TRUE(__read_seqcount_retry(&g_zero_seq, seq));
               EXPECT_EQ(raw_read_seqcount(&g_zero_seq), 4u);

               write_seqcount_latch_begin(&g_latch);
               EXPECT_EQ(raw_read_seqcount_latch(&g_latch), 1u);
               write_seqcount_latch(&g_latch);
               write_seqcount_latch_end(&g_latch);
               seq = read_seqcount_latch(&g_latch);
               EXPECT_EQ(seq, 2u);
               EXPECT_FALSE(read_seqcount_latch_retry(&g_latch, seq));
               raw_write_seqcount_latch(&g_latch);
               EXPECT_TRUE(raw_read_seqcount_latch_retry(&g_latch, seq));
             }});
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.message << r.details;
}

// PREEMPT_RT: a seqcount_spinlock_t writer is preemptible (its spinlock is
// an rtmutex). A FIFO 90 reader that preempts it on its CPU and finds an odd
// count takes the writer's lock, which boosts the writer to finish: no
// livelock, the reader reads the new value. A raw spin would never end.
TEST_F(KapiKitTest, AnRtSeqcountSpinlockReaderBoostsThePreemptedWriter) {
  Scenario s("rt-seqcount-reader", 1);
  s.OnReset([] {
    spin_lock_init(&g_lock);
    seqcount_spinlock_init(&g_spin_seq, &g_lock);
    WRITE_ONCE(g_plain, 0);
  });
  s.AddTask({.name = "writer", .policy = rtfuzz::rt::Policy::kFifo, .rt_priority = 10,
             .body = [] {
               spin_lock(&g_lock);
               write_seqcount_begin(&g_spin_seq);
               for (int i = 0; i < 50; ++i) WRITE_ONCE(g_plain, i + 1);
               write_seqcount_end(&g_spin_seq);
               spin_unlock(&g_lock);
             }});
  s.AddTask({.name = "reader", .policy = rtfuzz::rt::Policy::kFifo, .rt_priority = 90,
             .start_ns = 100, .body = [] {
               unsigned seq;
               int seen;
               do {
                 seq = read_seqcount_begin(&g_spin_seq);
                 seen = READ_ONCE(g_plain);
               } while (read_seqcount_retry(&g_spin_seq, seq));
               EXPECT_EQ(seen, 50);
             }});
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.message << r.details;
}

TEST_F(KapiKitTest, JiffiesFollowVirtualTime) {
  Scenario s("jiffies", 1);
  s.AddTask({.name = "t", .body = [] {
               const unsigned long start = jiffies;
               EXPECT_EQ(schedule_timeout_uninterruptible(msecs_to_jiffies(3)), 0);
               EXPECT_TRUE(time_after(jiffies, start + 2));
               EXPECT_TRUE(time_before_eq(start, jiffies));
               EXPECT_EQ(schedule_timeout_interruptible(usecs_to_jiffies(1)), 0);
               EXPECT_EQ(jiffies_to_msecs(HZ), 1000u);
               EXPECT_EQ(jiffies_to_usecs(1), 1000u);
               EXPECT_EQ(nsecs_to_jiffies(1), 1u);
               set_current_state(TASK_INTERRUPTIBLE);
               EXPECT_FALSE(task_is_running(current));
               __set_current_state(TASK_RUNNING);
               EXPECT_EQ(schedule_timeout(MAX_SCHEDULE_TIMEOUT), MAX_SCHEDULE_TIMEOUT);
             }});
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.message << r.details;
  EXPECT_GE(r.time_ns, 4'000'000u);
}

struct node {
  struct node *next;
};
struct node g_node;
struct node *g_head;
DECLARE_WAIT_QUEUE_HEAD(g_named_wq);
int g_signed;

// Trace records as a lock author reads them without a replay: pointer
// atomics and wait-queue operations carry object ids and names, negative
// values print signed, priorities as declared.
TEST(KapiKitReportTest, RecordsNameTheirObjectsAndPrintValuesAsTheProgramHadThem) {
  rtfuzz::rt::MachineOptions options;
  options.record_full_trace = true;
  rtfuzz::rt::Machine machine(options);
  Scenario s("records", 1);
  s.OnReset([] {
    WRITE_ONCE(g_head, nullptr);
    atomic_set(&g_count, 0);
  });
  s.AddTask({.name = "t", .policy = rtfuzz::rt::Policy::kFifo, .rt_priority = 90, .body = [] {
               (void)xchg(&g_head, &g_node);
               struct node *seen = READ_ONCE(g_head);
               (void)cmpxchg(&g_head, seen, nullptr);
               wake_up(&g_named_wq);
               WRITE_ONCE(g_signed, -5);
               atomic_dec(&g_count);
             }});
  rtfuzz::sched::ByteSource none(nullptr, 0);
  const ExecutionResult r = machine.Run(s, none);
  ASSERT_EQ(r.verdict, Verdict::kPass) << r.message;
  std::string all;
  for (const rtfuzz::rt::TraceRecord& rec : machine.full_trace()) {
    all += rtfuzz::report::FormatRecord(machine, rec) + "\n";
  }
  EXPECT_NE(all.find("[task:t] switch = FIFO 90 [prio 9]"), std::string::npos) << all;
  EXPECT_NE(all.find("[task:t] rmw #1 (g_head) = 1"), std::string::npos) << all;
  EXPECT_NE(all.find("[task:t] read #1 (g_head) = 1"), std::string::npos) << all;
  EXPECT_NE(all.find("[task:t] rmw #1 (g_head) = 0"), std::string::npos) << all;
  // g_count got id 2 in OnReset (ids follow first use, OnReset included).
  EXPECT_NE(all.find("[task:t] write #3 (g_named_wq) = 0"), std::string::npos) << all;
  EXPECT_NE(all.find("[task:t] write = -5"), std::string::npos) << all;
  EXPECT_NE(all.find("[task:t] rmw #2 (g_count) = -1"), std::string::npos) << all;
  EXPECT_EQ(machine.ObjectName(1), "g_head");
  if (const char* dir = std::getenv("RTFUZZ_ORACLE_GALLERY")) {
    std::ofstream(std::string(dir) + "/trace-records.txt") << all;
  }
}

// A verdict found on a tick after the last record (the de-boost scenario's
// priority inversion, judged while medium spins) has one step and one time:
// the report's header and the swimlane's verdict line give the same.
TEST(KapiKitReportTest, AVerdictHasOneTimeInTheHeaderAndTheSwimlane) {
  rtfuzz::rt::MachineOptions options;
  options.record_full_trace = true;
  rtfuzz::rt::Machine machine(options);
  rtfuzz::check::Oracles oracles;
  machine.AddObserver(&oracles);
  const Scenario s = MakeDeboost();
  rtfuzz::sched::ByteSource none(nullptr, 0);
  const ExecutionResult r = machine.Run(s, none);
  ASSERT_EQ(r.verdict, Verdict::kPriorityInversion) << r.message;
  const std::string time = rtfuzz::FormatDuration(r.time_ns);
  const std::string header = rtfuzz::report::FormatExecutionReport(s, machine, r, {});
  EXPECT_NE(header.find("step " + std::to_string(r.steps) + ", virtual time " + time),
            std::string::npos)
      << header;
  const rtfuzz::report::TimelineInput input{s, machine, machine.full_trace(), r, "", {}};
  const std::string lane = rtfuzz::report::FormatSwimlane(input);
  EXPECT_NE(lane.find(" at step " + std::to_string(r.steps) + " (" + time + ")"),
            std::string::npos)
      << lane;
}

}  // namespace
