#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

// Orphaned descendants of the agent are re-parented to this process instead of init, so the runner
// can reap every one of them before it reads the agent's work.
static inline int policy_gate_become_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

// A pipe whose ends are closed on exec: only the end handed to the agent as its standard output
// reaches it (pipe2 needs _GNU_SOURCE, which Swift's Glibc module does not define).
static inline int policy_gate_cloexec_pipe(int ends[2]) {
    return pipe2(ends, O_CLOEXEC);
}
