#include <git2.h>

// git_libgit2_opts is variadic, which Swift cannot call; these fixed-signature wrappers set the two
// limits that keep memory flat while large diffs are read: the bytes of pack files kept mapped, and
// the size of the object cache.
static inline int policy_gate_git_set_mapped_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, bytes);
}

static inline int policy_gate_git_set_cache_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)bytes);
}
