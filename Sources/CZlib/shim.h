#include <zlib.h>

// inflateInit is a macro, which Swift cannot call; this wrapper passes the version and struct size.
static inline int policy_gate_inflate_init(z_streamp stream) {
    return inflateInit(stream);
}
