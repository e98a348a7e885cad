// framework/src/rt/crash_handler.cc
//
// Signal handlers that say where in the simulated machine a crash happened.
// They run on an alternate stack (a fiber stack may be the one that
// overflowed), use only write(2) and snprintf, then hand the signal to
// whatever handler was installed before.

#include "crash_handler.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "machine_impl.h"

namespace rtfuzz::rt::internal {
namespace {

constexpr int kSignals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
struct sigaction g_previous[sizeof(kSignals) / sizeof(kSignals[0])];
bool g_installed = false;
// 64 KiB: room for snprintf and the chained handler (ASan's needs ~32 KiB).
alignas(16) char g_alt_stack[64 * 1024];

// The front door's reproduce line (SetCrashReproduceHook).
void (*g_reproduce_hook)(int fd) = nullptr;

void OnCrash(int sig, siginfo_t* info, void*) {
  MachineImpl* m = MachineImpl::Running();
  if (m != nullptr && !m->tearing_down()) {
    const bool overflow = (sig == SIGSEGV || sig == SIGBUS) && info != nullptr &&
                          m->ReportStackOverflow(2, info->si_addr);
    if (!overflow) {
      char head[160];
      std::snprintf(head, sizeof(head),
                    "==%d== ERROR: rtfuzz: crash (signal %d, %s) inside the machine\n",
                    static_cast<int>(::getpid()), sig, strsignal(sig));
      (void)!::write(2, head, std::strlen(head));
    }
    m->PrintWhere(2);
    if (g_reproduce_hook != nullptr) g_reproduce_hook(2);
  }
  // Hand over to the previous handler. For a fault, returning re-executes the
  // faulting instruction, which then meets the restored handler; for a raised
  // signal, raise it again (it is blocked until this handler returns).
  for (size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i) {
    if (kSignals[i] == sig) ::sigaction(sig, &g_previous[i], nullptr);
  }
  if (sig == SIGABRT) ::raise(sig);
}

}  // namespace

void InstallCrashHandlers() {
  if (g_installed) return;
  g_installed = true;
  stack_t current;
  if (::sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
    stack_t alt{};
    alt.ss_sp = g_alt_stack;
    alt.ss_size = sizeof(g_alt_stack);
    ::sigaltstack(&alt, nullptr);
  }
  for (size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i) {
    struct sigaction sa {};
    sa.sa_sigaction = &OnCrash;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    ::sigaction(kSignals[i], &sa, &g_previous[i]);
  }
}

}  // namespace rtfuzz::rt::internal

namespace rtfuzz::rt {

void SetCrashReproduceHook(void (*hook)(int fd)) { internal::g_reproduce_hook = hook; }

}  // namespace rtfuzz::rt
