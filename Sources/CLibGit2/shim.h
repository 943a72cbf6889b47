#include <git2.h>
#include <malloc.h>

// git_libgit2_opts is variadic, which Swift cannot call; these fixed-signature wrappers set the
// limits that keep memory flat while large diffs are read: the size of one mapped pack window, the
// bytes of pack files kept mapped in all, and the size of the object cache.
static inline int policy_gate_git_set_window_size(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, bytes);
}

static inline int policy_gate_git_set_mapped_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, bytes);
}

static inline int policy_gate_git_set_cache_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)bytes);
}

// The agent runner reads a checkout that the agent's user owned during the run. libgit2 runs nothing
// from a repository's config (no hooks, filter drivers or fsmonitor), so the ownership check that
// protects git's command line is not needed here and would refuse that checkout.
static inline int policy_gate_git_skip_owner_validation(void) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}

// Blob buffers are allocated on the git reader threads and freed on the scanner threads. With one
// malloc arena per thread and glibc's sliding mmap threshold, the freed memory stays with the
// process; one arena and a fixed threshold give it back, so resident memory does not grow with the diff.
// The threshold sits above the scan's fragments (256 KiB, 1 MiB windows of long lines): each of those
// taken from fresh mmap pages cost a page fault per 4 KiB. Up to 8 MiB free at the heap's top is kept
// for the next ones.
static inline void policy_gate_limit_malloc_growth(void) {
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_THRESHOLD, 2 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
}

// Freed blocks between live ones stay with the process until glibc is asked to give their pages back;
// the scan's delta-base cache frees many such blocks when it evicts.
static inline void policy_gate_release_free_memory(void) {
    malloc_trim(0);
}
